"""How a feature plugs in: its package's ``init_app(app)`` is the one entry point (CTFd's ``load(app)``).

The app factory lists the feature packages once (``trainer.FEATURES``) and calls each ``init_app`` in that
order. A feature's ``init_app`` connects its signal receivers first (so credits and evidence never depend
on a page module having been imported), then registers its blueprint, API operations, commands, home
widgets and navigation entries with the helpers below. Everything here is idempotent: tests build many
apps in one process, and click commands and blinker receivers are process-wide.
"""

import importlib
import sys
from dataclasses import dataclass

import click
from flask import Flask
from flask.cli import AppGroup

ALL_ROLES = ("trainee", "trainer", "admin")
STAFF = ("trainer", "admin")

# ``trainer bench …``: one group every feature adds its benchmark commands to.
bench = AppGroup("bench", help="Benchmarks that print figures.")


@dataclass(frozen=True)
class NavEntry:
    """A menu link. ``order`` places it among every feature's entries (lower first)."""

    endpoint: str
    label: str
    roles: tuple[str, ...] = ALL_ROLES
    order: int = 50


def init_features(app: Flask, names: list[str]) -> None:
    for name in names:
        importlib.import_module(f"trainer.{name}").init_app(app)


def add_nav(app: Flask, *entries: NavEntry) -> None:
    menu = app.extensions.setdefault("trainer_nav", [])
    menu.extend(e for e in entries if e not in menu)
    menu.sort(key=lambda e: e.order)


def _entries(app: Flask, role: str) -> list[NavEntry]:
    return [e for e in app.extensions.get("trainer_nav", []) if role in e.roles]


def nav_for(app: Flask, role: str) -> list[tuple[str, str]]:
    """(endpoint, label) of the menu entries ``role`` sees, in menu order."""
    return [(e.endpoint, e.label) for e in _entries(app, role)]


MANAGE_ORDER = 100  # entries from this order on are staff tools: the menu groups them under 管理


def nav_menu_for(app: Flask, role: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The menu as it is drawn: the learning entries, then the staff tools of the 管理 drop-down."""
    entries = _entries(app, role)
    return ([(e.endpoint, e.label) for e in entries if e.order < MANAGE_ORDER],
            [(e.endpoint, e.label) for e in entries if e.order >= MANAGE_ORDER])


def add_commands(app: Flask, *commands: click.Command) -> None:
    for command in commands:
        app.cli.add_command(command)


def add_bench(app: Flask, **commands: click.Command) -> None:
    """``trainer bench <name>`` for each keyword."""
    for name, command in commands.items():
        bench.add_command(command, name)
    app.cli.add_command(bench)


def checkout_bench(name: str, module: str, summary: str) -> click.Command:
    """``trainer bench <name>`` for a harness that lives in the source checkout (``benchmarks/<module>.py`` or a
    package ``benchmarks/<module>/``, with a click command called ``command``), not in the installed package:
    this stub imports it when run and passes every argument on (``--help`` included)."""

    @click.command(name, help=summary, add_help_option=False,
                   context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    @click.pass_context
    def stub(ctx):
        from trainer import REPO_ROOT

        where = REPO_ROOT / "benchmarks" / module
        if not (where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()):
            raise click.ClickException(f"the benchmark ships with the source checkout (benchmarks/{module}), not the package")
        if str(REPO_ROOT) not in sys.path:
            sys.path.insert(0, str(REPO_ROOT))
        harness = importlib.import_module(f"benchmarks.{module}")
        harness.command.main(ctx.args, prog_name=f"trainer bench {name}")

    return stub
