"""Active learning time with a database: the reading clock (capped by the wall clock, one clock per person),
module credit only with enough active time (and its evidence), quiz, exam, classroom and role-play time, reports."""

import random
from datetime import UTC, date, timedelta

import pytest
from sqlalchemy import func, select

from tests.quiz_support import right_response
from trainer import settings
from trainer.courses.services import get_module, mark_section_read
from trainer.errors import ValidationFailed
from trainer.extensions import db
from trainer.quiz import services as quiz
from trainer.quiz.exams import get_exam
from trainer.quiz.models import ModuleCompletion
from trainer.records import activity, activity_report, classroom, crediting, reading_clock, report, services
from trainer.records.models import ActivityClock, ActivityDay, HoursEntry
from trainer.roleplay.models import RoleplayAttempt, RoleplaySession, Scenario, ScenarioTurn
from trainer.timeutil import to_local, utcnow


@pytest.fixture
def trainee(people, content):
    return people["trainee_east"]


@pytest.fixture
def share(app):
    """phone-basics (1 h, no quiz) then needs 36 s and counter-basics (1.5 h) 54 s of active time."""
    app.config["ACTIVE_TIME_SHARE"] = 0.01
    settings.init_app(app)
    return 0.01


def module_entries(person):
    return list(db.session.scalars(select(HoursEntry).where(HoursEntry.user_id == person.id, HoursEntry.source == "module")))


def read_all(person, module):
    for section in module.active_sections:
        mark_section_read(person, section.id)
    db.session.commit()


class Page:
    """A module page served at the real time (the token's clock), and its beats at chosen seconds later. The token
    counts from the next whole second, so a first beat ``n`` seconds later may count only ``n - 1``."""

    def __init__(self, person, module):
        self.person, self.module = person, module
        self.token = reading_clock.page_token(person, module)
        self.opened = utcnow()  # after the token: a slow machine must not make the token younger than the page

    def beat(self, after_seconds: float, claimed):
        result = reading_clock.accept_beat(self.person, self.module, claimed, self.token,
                                           self.opened + timedelta(seconds=after_seconds))
        db.session.commit()
        return result


def test_beats_count_active_seconds_but_never_more_than_the_wall_clock(trainee, share):
    page = Page(trainee, get_module("phone-basics"))
    assert page.beat(31, 30).counted == 30
    assert page.beat(41, 30).counted == 10  # only 10 s passed since the previous beat
    assert page.beat(45, 10_000).counted == 4  # a forged claim
    assert page.beat(400, 400).counted == 300  # the per-beat maximum
    assert page.beat(460, "60").counted == 0  # not a number: nothing, but the clock moved on
    assert page.beat(461, 60).counted == 1
    assert db.session.scalar(select(func.sum(ActivityDay.seconds))) == 30 + 10 + 4 + 300 + 1


def test_the_first_beat_never_counts_more_than_passed_since_the_page_was_served(trainee, share):
    assert Page(trainee, get_module("phone-basics")).beat(0.9, 5).counted == 0


def test_two_pages_at_once_share_one_clock(trainee, share):
    first, second = Page(trainee, get_module("phone-basics")), Page(trainee, get_module("counter-basics"))
    second.opened = first.opened  # beat times on one time line
    assert first.beat(31, 30).counted == 30
    assert second.beat(41, 30).counted == 10  # the person cannot read two modules at the same time
    assert first.beat(61, 30).counted == 20
    rows = dict(db.session.execute(select(ActivityDay.subject_key, ActivityDay.seconds)).all())
    assert rows == {"phone-basics": 50, "counter-basics": 10}


def test_a_beat_that_loses_the_race_for_the_clock_counts_nothing(trainee, share, monkeypatch):
    page = Page(trainee, get_module("phone-basics"))
    page.beat(31, 30)
    stale = db.session.scalar(select(ActivityClock.beat_at)) - timedelta(seconds=5)
    # A concurrent beat moved the clock between this beat's read and its conditional update.
    monkeypatch.setattr(reading_clock.db.session, "scalar", lambda *_a, **_k: stale)
    assert page.beat(60, 30).counted == 0


def test_the_token_belongs_to_one_person_and_one_module(trainee, people, share):
    page = Page(trainee, get_module("phone-basics"))
    other = people["trainee_west"]
    for person, module, token in [(other, page.module, page.token), (trainee, get_module("counter-basics"), page.token),
                                  (trainee, page.module, "forged"), (trainee, page.module, None)]:
        with pytest.raises(ValidationFailed):
            reading_clock.accept_beat(person, module, 30, token, page.opened + timedelta(seconds=30))
    assert db.session.scalar(select(func.count(ActivityDay.id))) == 0


def test_marking_every_section_read_in_seconds_credits_nothing(trainee, share):
    module = get_module("phone-basics")
    page = Page(trainee, module)
    page.beat(4, 3)
    read_all(trainee, module)  # complete: it has no quiz
    assert db.session.scalar(select(ModuleCompletion.id)) is not None
    assert module_entries(trainee) == []
    state = crediting.module_time(trainee, module, services.hours_policy().year_of(utcnow()))
    assert (state.status, state.evidence.seconds, state.required_seconds, state.required_minutes) == ("waiting", 3, 36, 1)
    assert [w.module.key for w in crediting.waiting_modules(trainee, state_year())] == ["phone-basics"]


def state_year() -> int:
    return services.hours_policy().year_of(utcnow())


def test_reading_with_activity_credits_when_the_time_is_reached_with_evidence(trainee, share):
    module = get_module("phone-basics")
    read_all(trainee, module)
    page = Page(trainee, module)
    assert page.beat(31, 30).state.status == "waiting"
    beat = page.beat(61, 30)  # 60 s ≥ 36 s
    assert (beat.state.status, beat.state.credited) == ("credited", True)
    [entry] = module_entries(trainee)
    today = services.hours_policy().today(page.opened)
    assert (entry.minutes, entry.active_minutes, entry.active_from, entry.active_to) == (60, 1, today, today)
    page.beat(91, 30)
    assert len(module_entries(trainee)) == 1  # once per year
    assert crediting.waiting_modules(trainee, state_year()) == []


def test_time_before_completion_counts_and_completion_then_credits(trainee, share):
    module = get_module("phone-basics")
    Page(trainee, module).beat(41, 40)
    assert module_entries(trainee) == []  # time alone is not enough
    read_all(trainee, module)
    [entry] = module_entries(trainee)
    assert entry.active_minutes == 0 and entry.active_from is not None  # 40 s: under a minute, rounded down


def test_last_years_time_does_not_count_this_year(trainee, share):
    module = get_module("phone-basics")
    year = state_year()
    activity.add_seconds(trainee, "reading", module.key, 3600, at=utcnow(), day=date(year - 1, 12, 31),
                         category="law")
    read_all(trainee, module)
    assert module_entries(trainee) == []
    assert activity.module_evidence(trainee, module, year - 1).seconds == 3600


def test_credits_written_before_the_rule_stay_and_are_not_written_again(trainee, share):
    module = get_module("phone-basics")
    services.credit_module(trainee, module, utcnow())  # as the platform did before (no evidence)
    db.session.commit()
    read_all(trainee, module)
    Page(trainee, module).beat(61, 60)
    [entry] = module_entries(trainee)
    assert entry.active_minutes is None


def test_chapter_quiz_time_counts_toward_its_module_and_can_complete_the_credit(trainee, share):
    module = get_module("counter-basics")  # 1.5 h: needs 54 s
    read_all(trainee, module)
    started = utcnow()
    attempt, _ = quiz.start_practice(trainee, module, started, random.Random(3))
    for item in attempt.items:
        quiz.save_answer(trainee, attempt, item.question_id, right_response(item), started, check=True)
    quiz.submit(attempt, started + timedelta(minutes=2))
    db.session.commit()
    [entry] = module_entries(trainee)
    assert entry.active_minutes == 2
    assert db.session.scalar(select(ActivityDay.seconds).where(ActivityDay.kind == "quiz")) == 120


def test_an_untimed_quiz_left_open_counts_at_most_its_cap(trainee, app):
    module = get_module("counter-basics")
    started = utcnow()
    attempt, _ = quiz.start_practice(trainee, module, started, random.Random(3))
    quiz.submit(attempt, started + timedelta(hours=5))
    db.session.commit()
    assert db.session.scalar(select(ActivityDay.seconds).where(ActivityDay.kind == "quiz")) == len(attempt.items) * 120
    assert module_entries(trainee) == []  # not passed, not complete


def test_exam_time_is_capped_by_its_deadline(trainee):
    exam = get_exam("demo-exam", trainee)
    started = utcnow()
    attempt, _ = quiz.start_exam(trainee, exam, started, random.Random(1))
    quiz.submit(attempt, started + timedelta(minutes=7))
    db.session.commit()
    row = db.session.scalar(select(ActivityDay).where(ActivityDay.kind == "exam"))
    assert (row.subject_key, row.seconds, row.category) == ("demo-exam", 420, None)
    # Closed long after its deadline: submitted at the deadline, so no more than the exam's duration.
    attempt, _ = quiz.start_exam(trainee, exam, started + timedelta(days=1), random.Random(2))
    quiz.close_expired(started + timedelta(days=2))
    db.session.commit()
    total = db.session.scalar(select(func.sum(ActivityDay.seconds)).where(ActivityDay.kind == "exam"))
    assert total == 420 + exam.duration_minutes * 60


def test_classroom_sessions_record_their_minutes_on_the_day_held(people, content, units):
    trainer, person = people["trainer_east"], people["trainee_east"]
    held = services.hours_policy().today(utcnow()) - timedelta(days=2)
    session = classroom.record_session(trainer, unit=units["east"], held_on=held, topic="职业道德专题", category="ethics",
                                       minutes=90, attendees=[person], now=utcnow())
    db.session.commit()
    row = db.session.scalar(select(ActivityDay).where(ActivityDay.kind == "classroom"))
    assert (row.user_id, row.subject_key, row.day, row.seconds, row.category) == (person.id, str(session.id), held, 5400, "ethics")


def _practice(person, scenario_key, started, answers_after):
    scenario = db.session.scalar(select(Scenario).where(Scenario.key == scenario_key))
    turn = db.session.scalar(select(ScenarioTurn).where(ScenarioTurn.scenario_id == scenario.id).limit(1))
    session = RoleplaySession(user_id=person.id, scenario_id=scenario.id, started_at=started)
    db.session.add(session)
    db.session.flush()
    for seconds in answers_after:
        db.session.add(RoleplayAttempt(session_id=session.id, turn_id=turn.id, user_id=person.id,
                                       created_at=started + timedelta(seconds=seconds)))
    db.session.commit()
    return scenario


def _yesterday_morning():
    """10:00 yesterday in Shanghai, as naive UTC: two sessions an hour apart fall on one local day whatever
    the hour the suite runs (now − 3 h and now − 2 h straddled midnight in Shanghai between 02:00 and 03:00)."""
    local = to_local(utcnow())
    morning = (local - timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    return morning.astimezone(UTC).replace(tzinfo=None)


def test_roleplay_time_is_the_session_span_capped_per_answer(trainee):
    base = _yesterday_morning()
    _practice(trainee, "counter-greeting", base, [50, 130])  # 130 s for 2 answers (≤ 240)
    _practice(trainee, "counter-greeting", base + timedelta(hours=1), [3000])  # left open: 1 answer, at most 120 s
    rules = services.hours_policy()
    totals = activity_report.person_totals(trainee, rules.year_of(base), rules)
    assert totals.by_kind == {"roleplay": 250}
    assert totals.counted_seconds == 0  # counter-greeting credits 'service', which does not count
    [row] = activity_report.person_time(trainee, rules.year_of(base), rules)
    assert (row.kind, row.subject_key, row.seconds, row.days) == ("roleplay", "counter-greeting", 250, 1)
    assert activity_report.subject_titles([row]) == {("roleplay", "counter-greeting"): "客户来到柜台"}


def test_the_report_puts_active_time_next_to_credited_hours_per_person_and_unit(people, content, units, share):
    person, module = people["trainee_east"], get_module("phone-basics")
    read_all(person, module)
    Page(person, module).beat(51, 50)
    now = utcnow()
    year = services.hours_policy().year_of(now)
    rows = {r.username: r for r in report.hours_report(people["admin"], year)}
    east = rows["trainee_east"]
    assert (east.summary.counted_minutes, east.time.seconds, east.time.counted_seconds) == (60, 50, 50)
    assert east.as_json()["active_minutes"] == 0 and rows["trainee_west"].time.seconds == 0
    stats = {s.unit.name: s for s in report.unit_compliance(list(rows.values()), [units["east"], units["west"]])}
    assert (stats["东区供电所"].counted_minutes, stats["西区供电所"].counted_minutes) == (60, 0)
    # The trainer of the west station does not see east's time.
    assert "trainee_east" not in {r.username for r in report.hours_report(people["trainer_west"], year)}
