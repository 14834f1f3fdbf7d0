"""Home-page panels that features add without touching the home page's module or templates.

Here rather than in ``trainer.home`` so a feature registering a panel does not depend on the home feature
(which itself shows course progress): features import this module, the home page reads it.
Each entry is (roles, function(user) -> (template name, context dict) or None). Lower ``order`` shows first.
"""

from dataclasses import dataclass

HOME_WIDGETS: list[dict] = []


def home_widget(*roles: str, order: int = 50):
    """Register a home-page panel for ``roles``; the function returns (template, context) or None to hide it."""

    def decorator(func):
        HOME_WIDGETS.append({"roles": roles, "order": order, "func": func})
        HOME_WIDGETS.sort(key=lambda w: w["order"])
        return func

    return decorator


def panels_for(user) -> list[tuple[str, dict]]:
    """The panels ``user``'s role sees, in order, without those whose function returned None."""
    panels = []
    for widget in HOME_WIDGETS:
        if user.role in widget["roles"]:
            panel = widget["func"](user)
            if panel is not None:
                panels.append(panel)
    return panels


# --- the home page's one "next" suggestion ------------------------------------------------------------
# Features offer a candidate (what they would have the person do next and why); the home page shows only the
# best-ranked one, so assigned training, the hours target and the course order never compete on the page.


@dataclass(frozen=True)
class NextStep:
    """A candidate for 接下来: ``rank`` lower wins (NEXT_RANKS), ``reason`` says in Chinese why this one."""

    rank: int
    title: str
    url: str
    reason: str


# Overdue assigned training first, then training due by a date, then the hours target, then the course order.
NEXT_RANKS = {"overdue": 0, "assigned": 10, "hours": 20, "course": 30}
NEXT_SOURCES: list = []


def next_step_source(func):
    """Register ``func(user) -> NextStep | None``."""
    NEXT_SOURCES.append(func)
    return func


def best_next(user) -> NextStep | None:
    """The one suggestion the home page shows (ties keep registration order)."""
    offers = [offer for source in NEXT_SOURCES if (offer := source(user)) is not None]
    return min(offers, key=lambda o: o.rank, default=None)
