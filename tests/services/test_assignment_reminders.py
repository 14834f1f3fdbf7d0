"""Reminders: each (assignment, person, kind) at most once, as the due date approaches and passes; email
through a local SMTP sink; the trainer's one-click reminder at most once a day; Excel export."""

import io
import socket
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.smtp_sink import SmtpSink
from trainer.assignments import reminders, report, services
from trainer.assignments.cli import assignments as assignments_cli
from trainer.assignments.models import Notice
from trainer.courses.models import Module
from trainer.courses.services import mark_section_read
from trainer.extensions import db

DUE = date(2026, 3, 31)


def local_morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 1, 0)  # 09:00 Shanghai


@pytest.fixture
def east_path(units, people, content):
    assignment = services.create_assignment(people["trainer_east"], item_kind="path", item_key="new-hire-onboarding",
                                            due_date=DUE, units=[units["east"]], now=local_morning(date(2026, 3, 1)))
    db.session.commit()
    return assignment


def run(day: date) -> dict:
    result = reminders.plan_reminders(local_morning(day))
    db.session.commit()
    return result.notices


def kinds_for(user) -> list[str]:
    return list(db.session.scalars(select(Notice.kind).where(Notice.user_id == user.id).order_by(Notice.id)))


def test_each_reminder_is_sent_once_as_the_date_approaches_and_passes(east_path, people):
    learner = people["trainee_east"]
    assert run(date(2026, 3, 1)) == {"assigned": 1}
    assert run(date(2026, 3, 1)) == {}  # the same day again: nothing twice
    assert run(date(2026, 3, 20)) == {}
    assert run(date(2026, 3, 24)) == {"before-7": 1}
    assert run(date(2026, 3, 27)) == {}
    assert run(date(2026, 3, 30)) == {"before-1": 1}
    assert run(date(2026, 3, 31)) == {}  # due today: the 1-day reminder was already sent
    assert run(date(2026, 4, 1)) == {"after-1": 1}
    assert run(date(2026, 4, 3)) == {}
    assert run(date(2026, 4, 7)) == {"after-7": 1}
    assert run(date(2026, 5, 1)) == {}
    assert kinds_for(learner) == ["assigned", "before-7", "before-1", "after-1", "after-7"]
    assert kinds_for(people["trainee_west"]) == []  # another 供电所
    assert kinds_for(people["trainer_east"]) == []  # unit assignments reach trainees only


def test_reminder_at_the_local_midnight_edge(east_path, people):
    reminders.plan_reminders(datetime(2026, 3, 31, 15, 59, 59))  # 23:59:59 on the due day
    reminders.plan_reminders(datetime(2026, 3, 31, 16, 0, 0))  # 00:00 the next day
    db.session.commit()
    assert kinds_for(people["trainee_east"]) == ["before-1", "after-1"]


def test_people_who_finished_get_no_reminder(east_path, people, make_user, units):
    finished = make_user("trainee", units["east_team"])
    from trainer import signals
    from trainer.roleplay.models import Scenario

    for key in ("phone-basics", "counter-basics"):
        module = db.session.scalar(select(Module).where(Module.key == key))
        for section in module.active_sections:
            mark_section_read(finished, section.id)
        signals.module_completed.send(finished, module=module, completed_at=local_morning(date(2026, 3, 2)))
    scenario = db.session.scalar(select(Scenario).where(Scenario.key == "counter-greeting"))
    signals.scenario_passed.send(finished, scenario=scenario, score=90, attempt_id=1, passed_at=local_morning(date(2026, 3, 2)))
    signals.exam_passed.send(finished, exam_key="demo-exam", score=90, attempt_id=2, passed_at=local_morning(date(2026, 3, 2)))
    db.session.commit()
    assert run(date(2026, 4, 2)) == {"after-1": 1}
    assert kinds_for(finished) == []


def test_reminder_run_onboards_new_hires_made_outside_the_admin_form(content, units, make_user):
    newbie = make_user("trainee", units["east_team"], position="新员工")
    result = reminders.plan_reminders(local_morning(date(2026, 3, 1)))
    db.session.commit()
    assert result.onboarded == 1 and result.notices == {"assigned": 1}
    assert reminders.plan_reminders(local_morning(date(2026, 3, 1))).onboarded == 0
    assert kinds_for(newbie) == ["assigned"]


def test_one_click_reminder_once_a_day(east_path, people):
    trainer, learner = people["trainer_east"], people["trainee_east"]
    day = local_morning(date(2026, 3, 10))
    assert reminders.remind_now(trainer, east_path, day) == 1
    assert reminders.remind_now(trainer, east_path, day) == 0
    db.session.commit()
    assert reminders.remind_now(trainer, east_path, local_morning(date(2026, 3, 11))) == 1
    db.session.commit()
    assert kinds_for(learner) == ["manual-2026-03-10", "manual-2026-03-11"]
    notice = reminders.unread_notices(learner)[0]
    assert trainer.display_name in notice.body and "还有 20 天" in notice.body
    reminders.mark_read(learner, notice.id, day)
    db.session.commit()
    assert [n.kind for n in reminders.unread_notices(learner)] == ["manual-2026-03-10"]


def test_reminder_emails_go_through_smtp_once(app, east_path, people):
    with SmtpSink() as sink:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_DOMAIN="corp.example", PUBLIC_URL="http://train.local")
        reminders.set_email(people["trainee_east"], "east@example.org")
        db.session.commit()
        run(date(2026, 3, 24))
        assert reminders.deliver_emails(local_morning(date(2026, 3, 24))) == (1, 0)
        db.session.commit()
        run(date(2026, 3, 24))
        assert reminders.deliver_emails(local_morning(date(2026, 3, 24))) == (0, 0)
        (sent,) = sink.messages
    assert sent["to"] == ["east@example.org"] and sent["from"] == "training-noreply@localhost"
    message = sent["message"]
    assert message["Subject"] == "[培训提醒] 测试入职路径"
    body = message.get_content()
    assert "还有 7 天" in body and "http://train.local/my/assignments" in body
    notice = db.session.scalar(select(Notice))
    assert notice.email_state == "sent" and notice.emailed_at is not None


def test_unreachable_smtp_marks_the_email_failed_and_keeps_the_notice(app, east_path, people):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, MAIL_DOMAIN="corp.example", MAIL_TIMEOUT=2)
    run(date(2026, 3, 24))
    assert reminders.deliver_emails(local_morning(date(2026, 3, 24))) == (0, 1)
    db.session.commit()
    notice = db.session.scalar(select(Notice))
    assert notice.email_state == "failed" and "Connection" in notice.email_error
    assert reminders.unread_notices(people["trainee_east"]) == [notice]


def test_without_mail_server_notices_stay_in_the_app(east_path, people):
    run(date(2026, 3, 24))
    assert db.session.scalar(select(func.count(Notice.id)).where(Notice.email_state != "none")) == 0


def test_remind_command(app, east_path, people):
    runner = app.test_cli_runner()
    result = runner.invoke(assignments_cli, ["remind", "--dry-run"])
    assert result.exit_code == 0 and "Dry run" in result.output
    assert db.session.scalar(select(func.count(Notice.id))) == 0
    result = runner.invoke(assignments_cli, ["remind"])
    assert result.exit_code == 0, result.output
    assert "1 notices" in result.output
    assert "0 notices" in runner.invoke(assignments_cli, ["remind"]).output


def test_excel_export_by_person_and_unit(east_path, people, make_user, units):
    make_user("trainee", units["east_team"], display_name="=HYPERLINK(\"http://x\")", username="sneaky")
    data = report.build(people["trainer_east"], east_path, local_morning(date(2026, 4, 2)))
    book = load_workbook(io.BytesIO(report.workbook(data)))
    people_rows = list(book["按人员"].iter_rows(values_only=True))
    assert people_rows[0][:6] == ("姓名", "工号", "单位", "岗位", "进度(%)", "状态")
    names = {row[0]: row for row in people_rows[1:]}
    assert set(names) == {people["trainee_east"].display_name, "=HYPERLINK(\"http://x\")"}
    assert all(row[5] == "已逾期" and row[6] == "2026-03-31" for row in people_rows[1:])
    cell = next(c for c in book["按人员"]["A"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s"  # a name is never turned into a formula
    unit_rows = list(book["按单位"].iter_rows(values_only=True))
    # The trainer's table starts at their own 供电所 (the company above it is not theirs to report on).
    assert [(r[0].strip("　"), r[1], r[4]) for r in unit_rows[1:]] == [("东区供电所", 2, 2), ("东区营业班", 2, 2)]
