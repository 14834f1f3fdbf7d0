"""The hours ledger: credits from signals (once per person per year, Asia/Shanghai year), adjustments,
append-only, classroom sessions and sign-in sheets."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from trainer import signals
from trainer.audit import AuditEvent
from trainer.courses.services import get_module
from trainer.errors import Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.quiz.models import ModuleCompletion
from trainer.records import activity, classroom, services
from trainer.records.models import HoursEntry, LedgerIsAppendOnly
from trainer.roleplay.models import Scenario

NOW = datetime(2026, 6, 1, 2, 0)


def entries_of(user):
    return list(db.session.scalars(select(HoursEntry).where(HoursEntry.user_id == user.id).order_by(HoursEntry.id)))


def complete_with_time(person, module, seconds, at=NOW):
    """The module completed, with ``seconds`` of reading recorded (what the reader page and the quiz leave)."""
    db.session.add(ModuleCompletion(user_id=person.id, module_id=module.id, completed_at=at))
    activity.add_seconds(person, "reading", module.key, seconds, at=at, category=module.credit_category)
    db.session.commit()


def test_module_completion_credits_once_per_year(people, content):
    person, module = people["trainee_east"], get_module("counter-basics")
    complete_with_time(person, module, 45 * 60)  # half of its 1.5 hours
    signals.module_completed.send(person, module=module, completed_at=NOW)
    signals.module_completed.send(person, module=module, completed_at=NOW)  # retried signal
    signals.module_completed.send(person, module=module, completed_at=datetime(2026, 9, 1))  # done again later that year
    db.session.commit()
    rows = entries_of(person)
    assert len(rows) == 1
    assert (rows[0].year, rows[0].category, rows[0].minutes, rows[0].source, rows[0].source_key) == (2026, "ethics", 90, "module", "counter-basics")
    assert rows[0].title == module.title and rows[0].occurred_on == date(2026, 6, 1)
    assert (rows[0].active_minutes, rows[0].active_from, rows[0].active_to) == (45, date(2026, 6, 1), date(2026, 6, 1))
    assert services.year_summary(person, 2026).minutes("ethics") == 90


def test_year_boundary_is_shanghai_midnight(people, content):
    person, module = people["trainee_east"], get_module("counter-basics")
    assert services.credit_module(person, module, datetime(2025, 12, 31, 15, 59, 59))  # 23:59:59 on 31 Dec in Shanghai
    assert services.credit_module(person, module, datetime(2025, 12, 31, 16, 0, 0))  # 00:00 on 1 Jan: a new year
    assert not services.credit_module(person, module, datetime(2026, 3, 1))
    db.session.commit()
    assert [(e.year, e.occurred_on) for e in entries_of(person)] == [(2025, date(2025, 12, 31)), (2026, date(2026, 1, 1))]


def test_double_credit_is_impossible_even_bypassing_the_check(people, content):
    """The unique key, not the service, is what stops a second credit (two concurrent requests)."""
    from sqlalchemy.exc import IntegrityError

    person, module = people["trainee_east"], get_module("counter-basics")
    services.credit_module(person, module, NOW)
    db.session.add(HoursEntry(user_id=person.id, year=2026, category="ethics", minutes=90, source="module",
                              source_key=module.key, dedupe_key=f"module:{module.key}", occurred_on=date(2026, 6, 1)))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_passed_scenario_credits_once(people, content):
    person = people["trainee_east"]
    scenario = db.session.scalar(select(Scenario).where(Scenario.key == "counter-greeting"))
    for score in (85, 92):
        signals.scenario_passed.send(person, scenario=scenario, score=score, attempt_id=1, passed_at=NOW)
    db.session.commit()
    assert [(e.source, e.category, e.minutes) for e in entries_of(person)] == [("scenario", "service", 30)]


def test_receivers_run_in_the_senders_transaction(people, content):
    person, module = people["trainee_east"], get_module("counter-basics")
    complete_with_time(person, module, 45 * 60)
    signals.module_completed.send(person, module=module, completed_at=NOW)
    assert len(entries_of(person)) == 1
    db.session.rollback()  # the sender failed after sending: the credit goes with it
    assert entries_of(person) == []


def test_adjustment_needs_a_reason_is_audited_and_may_be_negative(people, content):
    trainer, person = people["trainer_east"], people["trainee_east"]
    services.credit_module(person, get_module("counter-basics"), NOW)
    with pytest.raises(ValidationFailed):
        services.adjust(trainer, person, year=2026, category="ethics", minutes=-30, reason="  ", now=NOW)
    entry = services.adjust(trainer, person, year=2026, category="ethics", minutes=-30, reason="重复计入,冲销半小时", now=NOW)
    services.adjust(trainer, person, year=2025, category="law", minutes=120, reason="补录2025年线下培训", now=NOW)
    db.session.commit()
    assert services.year_summary(person, 2026).minutes("ethics") == 60
    assert services.year_summary(person, 2025).minutes("law") == 120
    assert (entry.created_by_id, entry.reason, entry.source, entry.dedupe_key) == (trainer.id, "重复计入,冲销半小时", "adjustment", None)
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "hours.adjust")))
    assert len(events) == 2 and events[0].actor_id == trainer.id and "冲销" in events[0].details


def test_adjustment_permissions(people, content):
    with pytest.raises(Forbidden):  # another 供电所
        services.adjust(people["trainer_west"], people["trainee_east"], year=2026, category="law", minutes=60, reason="x", now=NOW)
    with pytest.raises(Forbidden):  # a trainee
        services.adjust(people["trainee_west"], people["trainee_west"], year=2026, category="law", minutes=60, reason="x", now=NOW)
    with pytest.raises(Forbidden):  # own hours
        services.adjust(people["trainer_east"], people["trainer_east"], year=2026, category="law", minutes=60, reason="x", now=NOW)
    with pytest.raises(ValidationFailed):  # next year
        services.adjust(people["admin"], people["trainee_east"], year=2027, category="law", minutes=60, reason="x", now=NOW)
    services.adjust(people["admin"], people["trainee_east"], year=2026, category="law", minutes=60, reason="管理员补录", now=NOW)


def test_the_ledger_is_append_only(people, content):
    person = people["trainee_east"]
    services.credit_module(person, get_module("counter-basics"), NOW)
    db.session.commit()
    entry = entries_of(person)[0]
    entry.minutes = 9000
    with pytest.raises(LedgerIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(entries_of(person)[0])
    with pytest.raises(LedgerIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert entries_of(person)[0].minutes == 90


def test_deactivated_users_keep_their_history(people, content):
    person = people["trainee_east"]
    services.credit_module(person, get_module("counter-basics"), NOW)
    person.active = False
    db.session.commit()
    assert services.year_summary(person, 2026).minutes("ethics") == 90


def test_classroom_session_credits_each_attendee_once(people, content, units, make_user):
    trainer = people["trainer_east"]
    other = make_user("trainee", units["east"], username="east2")
    session = classroom.record_session(
        trainer, unit=units["east"], held_on=date(2026, 5, 20), topic="供电服务“十个不准”专题", category="ethics",
        minutes=120, attendees=[people["trainee_east"], other, people["trainee_east"]], now=NOW)
    db.session.commit()
    assert [p.username for p in classroom.attendees(session)] == ["east2", "trainee_east"]
    assert services.year_summary(people["trainee_east"], 2026).minutes("ethics") == 120
    assert db.session.scalar(select(func.count()).select_from(HoursEntry)) == 2
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "hours.classroom")) == 1


def test_classroom_session_rules(people, content, units):
    trainer = people["trainer_east"]
    base = dict(unit=units["east"], held_on=date(2026, 5, 20), topic="法律法规", category="law", minutes=60, now=NOW)
    with pytest.raises(Forbidden):  # someone from the other 供电所
        classroom.record_session(trainer, attendees=[people["trainee_west"]], **base)
    with pytest.raises(Forbidden):  # the other 供电所 as organiser
        classroom.record_session(trainer, attendees=[people["trainee_east"]], **{**base, "unit": units["west"]})
    with pytest.raises(ValidationFailed):
        classroom.record_session(trainer, attendees=[], **base)
    with pytest.raises(ValidationFailed):
        classroom.record_session(trainer, attendees=[people["trainee_east"]], **{**base, "held_on": date(2026, 6, 2)})
    with pytest.raises(ValidationFailed):
        classroom.record_session(trainer, attendees=[people["trainee_east"]], **{**base, "minutes": 0})
    with pytest.raises(ValidationFailed):
        classroom.record_session(trainer, attendees=[people["trainee_east"]], **{**base, "topic": " "})


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_sign_in_sheet_matches_by_employee_number_username_or_name(people, content, units, make_user):
    trainer = people["trainer_east"]
    make_user("trainee", units["east_team"], username="zhang", display_name="张晓梅", employee_no="E1001")
    data = _xlsx([["城东供电所集中培训签到表"], ["序号", "工号", "姓名", "签名"], [1, "E1001", "张晓梅", ""], [2, "E9999", "王五", ""]])
    rows = classroom.read_sign_in_sheet("签到.xlsx", data)
    assert rows == [(3, "employee_no", "E1001"), (4, "employee_no", "E9999")]
    result = classroom.match_sign_in_sheet(trainer, rows)
    assert [p.username for p in result.matched] == ["zhang"]
    assert result.unmatched == ["第 4 行:E9999(找不到此人或不在您管理的单位)"]
    csv_rows = classroom.read_sign_in_sheet("sign.csv", "用户名,备注\ntrainee_east,\ntrainee_west,\n".encode("utf-8-sig"))
    result = classroom.match_sign_in_sheet(trainer, csv_rows)
    assert [p.username for p in result.matched] == ["trainee_east"] and len(result.unmatched) == 1  # west is not theirs


def test_sign_in_sheet_names_must_be_unambiguous(people, content, units, make_user):
    make_user("trainee", units["east_team"], username="a1", display_name="李明")
    make_user("trainee", units["east"], username="a2", display_name="李明")
    result = classroom.match_sign_in_sheet(people["trainer_east"], [(2, "display_name", "李明")])
    assert result.matched == [] and "重名" in result.unmatched[0]


@pytest.mark.parametrize("name,data", [("a.txt", b"x"), ("a.xlsx", b"not a zip"), ("a.csv", "姓名\n".encode("gbk") + "张三".encode("gbk")),
                                       ("a.csv", "序号,签名\n1,x\n".encode())])
def test_unreadable_sign_in_sheets_are_refused_clearly(name, data):
    with pytest.raises(ValidationFailed) as error:
        classroom.read_sign_in_sheet(name, data)
    assert error.value.message


def test_next_to_take_lists_counted_modules_not_done_this_year(people, content):
    person = people["trainee_east"]
    assert [s.key for s in services.next_to_take(person, 2026)] == ["counter-basics", "phone-basics"]
    services.credit_module(person, get_module("counter-basics"), NOW)
    assert [s.key for s in services.next_to_take(person, 2026)] == ["phone-basics"]
    assert [s.key for s in services.next_to_take(person, 2027)] == ["counter-basics", "phone-basics"]
