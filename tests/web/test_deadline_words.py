"""On a deadline day every page says 今天(M 月 D 日)…截止, never "还有 0 天" (the demo crawl found it on the
assessment page and the trainers' home panel): the self-assessment date and the report date are set to today."""

import re
from pathlib import Path

import pytest

from tests.conftest import Auth
from trainer import settings
from trainer.timeutil import SHANGHAI, local_year, to_local, utcnow

TEMPLATES = Path(__file__).resolve().parents[2] / "trainer" / "templates"


@pytest.fixture
def deadline_today(app, people, units, make_user, content):
    today = to_local(utcnow(), SHANGHAI).date()
    if (today.month, today.day) == (2, 29):
        pytest.skip("a yearly deadline cannot be set to 02-29")
    app.config.update(ASSESSMENT_DEADLINE=f"{today:%m-%d}", ASSESSMENT_REPORT_DUE=f"{today:%m-%d}")
    settings.init_app(app)
    make_user("trainer", units["east_team"], username="leader_east", display_name="周班长")
    return f"今天({today.month} 月 {today.day} 日)"


def _text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("who", "urls"), [
    ("trainer_east", ["/", "/assessment", "/records"]),  # assessment + compliance panels, the stage line, the dashboard
    ("leader_east", ["/", "/hours"]),  # the team's report note; the leader's own hours (not yet met)
    ("trainee_east", ["/hours"]),  # (their home says they joined on the deadline day: the account is new)
])
def test_deadline_day_in_words(client, deadline_today, who, urls):
    Auth(client).login(who)
    for url in urls:
        page = _text(client, url)
        assert deadline_today in page, (who, url)
        assert not re.search(r"还有\s*(<strong>)?\s*0\s*(</strong>)?\s*天", page), (who, url)


def test_a_team_sheet_says_the_report_is_due_today(client, deadline_today, units):
    Auth(client).login("leader_east")
    page = _text(client, f"/assessment/{local_year(utcnow())}/teams/{units['east_team'].id}")
    assert deadline_today + "报送截止" in page


def test_no_template_counts_days_left_by_hand():
    """A days-left figure goes through macros.until (or the view's words), so "还有 0 天" cannot come back."""
    offenders = [f"{path.relative_to(TEMPLATES)}:{n}" for path in TEMPLATES.rglob("*.html")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if "还有" in line and "days_left" in line and path.name != "macros.html"]
    assert offenders == []
