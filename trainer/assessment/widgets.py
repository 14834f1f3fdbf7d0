"""Home-page panel: the 班组长 sees their team's report and the days left; the 供电所 how many of its teams
have reported and how many wait for review."""

from trainer.assessment import reading
from trainer.assessment.models import STATUSES
from trainer.auth import policy
from trainer.timeutil import utcnow
from trainer.widgets import home_widget


@home_widget("trainer", "admin", order=13)
def assessment_panel(user):
    now = utcnow()
    year = reading.assessment_calendar().current_year(now)
    if reading.standard_row(year) is None:
        return None
    rows = reading.overview(user, year, now)
    if not rows:
        return None
    counts = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return "assessment/_home.html", {
        "year": year, "rows": rows, "counts": counts, "stage": reading.assessment_calendar().stage(now, year),
        "leads": [r for r in rows if policy.leads_team(user, r.team)], "statuses": STATUSES,
    }
