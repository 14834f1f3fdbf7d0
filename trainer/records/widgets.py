"""Home-page panels: a trainee's progress to the annual target; a trainer's compliance summary."""

from trainer.auth import policy
from trainer.records import report, services
from trainer.timeutil import utcnow
from trainer.widgets import home_widget


@home_widget("trainee", order=10)
def hours_panel(user):
    now = utcnow()
    rules = services.hours_policy()
    year = rules.year_of(now)
    summary = services.year_summary(user, year)
    return "home/_hours.html", {
        "summary": summary, "year": year, "days_left": rules.days_left(now, year), "deadline": rules.deadline_date(year),
        "suggestion": None if summary.compliant else next(iter(services.next_to_take(user, year, limit=1)), None),
    }


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
