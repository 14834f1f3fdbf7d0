"""``trainer setup`` (schema + content + demo data) and ``trainer demo`` (setup, then serve)."""

import ipaddress
import os

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.services import ensure_unit

# (name, kind, children)
DEMO_UNITS = (
    "南城供电公司", "company", [
        ("城东供电所", "station", [("城东营业班", "team", []), ("城东抄表班", "team", [])]),
        ("城西供电所", "station", [("城西营业班", "team", []), ("95598客服班", "team", [])]),
    ],
)
# username, name, role, position, unit name, employee no
DEMO_USERS = [
    ("admin", "系统管理员", "admin", "", "南城供电公司", None),
    ("trainer1", "王培训", "trainer", "培训师", "城东供电所", "T0001"),
    ("trainer2", "李培训", "trainer", "培训师", "城西供电所", "T0002"),
    ("leader1", "周班长", "trainer", "班组长", "城东营业班", "T1001"),  # a trainer of a 班组: fills its self-assessment
    ("trainee1", "张晓梅", "trainee", "营业厅", "城东营业班", "E1001"),
    ("trainee2", "刘强", "trainee", "抄表", "城东抄表班", "E1002"),
    ("trainee3", "陈静", "trainee", "营业厅", "城西营业班", "E2001"),
    ("trainee4", "赵敏", "trainee", "95598", "95598客服班", "E2002"),
    ("trainee5", "孙磊", "trainee", "用电检查", "城东抄表班", "E1003"),
    ("newhire1", "周新", "trainee", "新员工", "城东营业班", "E1009"),  # gets the onboarding path
]


def load_demo_data(password: str) -> dict[str, Unit]:
    """Idempotent: units and accounts are created once; existing passwords are left alone."""
    units: dict[str, Unit] = {}

    def walk(node, parent):
        name, kind, children = node
        units[name] = ensure_unit(name, kind, parent)
        for child in children:
            walk(child, units[name])

    walk(DEMO_UNITS, None)
    for username, name, role, position, unit_name, employee_no in DEMO_USERS:
        if db.session.scalar(select(User).where(User.username == username)) is None:
            user = User(username=username, display_name=name, role=role, position=position,
                        unit=units[unit_name], employee_no=employee_no)
            user.set_password(password)
            db.session.add(user)
    db.session.flush()
    return units


def load_demo_history(units: dict[str, Unit]) -> None:
    """A little history, made through the real services, so the trainer pages have something to show:
    an ethics-and-law classroom session for 城东 (hours credited to each attendee) and some reading.
    Runs once: skipped when the demo trainer has already recorded a session."""
    from datetime import date, timedelta

    from trainer.courses import services as courses
    from trainer.records.classroom import record_session
    from trainer.records.models import ClassroomSession
    from trainer.timeutil import SHANGHAI, to_local, utcnow

    trainer = db.session.scalar(select(User).where(User.username == "trainer1"))
    if trainer is None or db.session.scalar(select(ClassroomSession.id).where(ClassroomSession.created_by_id == trainer.id)):
        return
    now = utcnow()
    today = to_local(now, SHANGHAI).date()
    east = [u for u in db.session.scalars(select(User).where(User.username.in_(["trainee1", "trainee2", "trainee5"])))]
    record_session(trainer, unit=units["城东供电所"], held_on=max(date(today.year, 1, 1), today - timedelta(days=30)),
                   topic="《供电职工十个不准》与廉洁从业集中学习", category="ethics", minutes=8 * 60, attendees=east, now=now)
    record_session(trainer, unit=units["城东供电所"], held_on=max(date(today.year, 1, 1), today - timedelta(days=10)),
                   topic="电力法规与营业规则专题", category="law", minutes=8 * 60, attendees=east[:1], now=now)
    learner = next(u for u in east if u.username == "trainee1")
    first = next(iter(courses.active_courses()), None)
    if first and first.active_modules:
        for section in first.active_modules[0].active_sections[:2]:
            courses.mark_section_read(learner, section.id)


def run_setup(*, demo: bool) -> None:
    from trainer.content import load_content
    from trainer.importing import import_content

    upgrade(revision="heads")  # feature migrations branch from 0001; "heads" applies them all
    content, errors = load_content(current_app.config["CONTENT_DIR"])
    if errors:
        for error in errors:
            click.echo(f"ERROR {error}", err=True)
        raise click.ClickException(f"{len(errors)} content error(s); run 'trainer content check'")
    report = import_content(content)
    click.echo("Content: " + (report.summary() or "up to date"))
    if demo:
        units = load_demo_data(current_app.config["DEMO_PASSWORD"])
        load_demo_history(units)
        click.echo(f"Demo accounts: {', '.join(u[0] for u in DEMO_USERS)}")
    db.session.commit()


@click.command("setup")
@click.option("--demo/--no-demo", default=True, help="Also create the demo unit tree and accounts.")
@with_appcontext
def setup_command(demo):
    """Create or upgrade the database, import all content, and (by default) load demo data."""
    run_setup(demo=demo)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def demo_command(host, port):
    """Set up everything and serve the demo at http://HOST:PORT."""
    run_setup(demo=True)
    if not _is_loopback(host):
        click.secho(
            f"WARNING: serving on {host}, reachable beyond this machine, with demo accounts whose password is "
            "known. Set TRAINER_DEMO_PASSWORD or use --host 127.0.0.1.", fg="red", err=True,
        )
    password_note = "(TRAINER_DEMO_PASSWORD)" if os.environ.get("TRAINER_DEMO_PASSWORD") else current_app.config["DEMO_PASSWORD"]
    click.echo(f"Demo at http://{host}:{port}  — log in as admin / trainer1 / trainee1 with password {password_note}")
    # Flask refuses app.run() inside its own CLI, so serve with werkzeug directly.
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)
