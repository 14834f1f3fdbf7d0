"""Home-page panels: a trainee's progress to the annual target; a trainer's compliance summary."""

from flask import url_for

from trainer.auth import policy
from trainer.records import report, services
from trainer.timeutil import utcnow
from trainer.widgets import NEXT_RANKS, NextStep, home_widget, next_step_source

SUGGESTION_PAGES = {"module": "courses.module", "scenario": "roleplay.scenario"}  # services.Suggestion.kind → page


@home_widget("trainee", order=10)
def hours_panel(user):
    now = utcnow()
    rules = services.hours_policy()
    year = rules.year_of(now)
    # Someone who joined after this year's self-assessment deadline, or on its day, is not counted down to it.
    joined_late = user.created_at is not None and rules.year_of(user.created_at) == year and \
        rules.today(user.created_at) >= rules.deadline_date(year)
    return "home/_hours.html", {
        "summary": services.year_summary(user, year), "year": year, "days_left": rules.days_left(now, year),
        "deadline": rules.deadline_date(year), "joined_late": joined_late,
    }


@next_step_source
def next_for_hours(user) -> NextStep | None:
    """The first thing that still earns hours this year, while the annual target is not met."""
    now = utcnow()
    year = services.hours_policy().year_of(now)
    summary = services.year_summary(user, year)
    if summary.compliant:
        return None
    suggestion = next(iter(services.next_to_take(user, year, limit=1)), None)
    if suggestion is None:
        return None
    return NextStep(NEXT_RANKS["hours"], suggestion.title, url_for(SUGGESTION_PAGES[suggestion.kind], key=suggestion.key),
                    f"本年度学时还差 {summary.missing_minutes / 60:g} 学时,完成本项可计 {suggestion.minutes / 60:g} 学时")


@home_widget("trainer", "admin", order=10)
def compliance_panel(user):
    now = utcnow()
    rules = services.hours_policy()
    year = rules.year_of(now)
    rows = report.hours_report(user, year)
    active = [r for r in rows if r.active]
    stats = report.unit_compliance(rows, policy.visible_units(user))
    worst = sorted((s for s in stats if s.people), key=lambda s: (s.percent, s.unit.path))[:5]
    return "home/_compliance.html", {
        "year": year, "people": len(active), "compliant": sum(1 for r in active if r.summary.compliant),
        "behind": sum(1 for r in active if not r.summary.compliant), "worst": worst,
        "days_left": rules.days_left(now, year), "deadline": rules.deadline_date(year),
    }
