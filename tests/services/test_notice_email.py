"""Reminder email addresses (issue 13, item 7): one strict check when a person saves an address, and a
bad address already stored (or derived from MAIL_DOMAIN) fails its own message only."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import Auth
from tests.smtp_sink import SmtpSink
from trainer.assignments import reminders, services
from trainer.assignments.models import Notice, NoticeEmail
from trainer.errors import ValidationFailed
from trainer.extensions import db

INJECTED = "a@b.c\nBcc:x@y.z"


@pytest.mark.parametrize("address", [INJECTED, "a@b.c\r\nBcc: x@y.z", "Boss <boss@corp.example>", "a@b.c, x@y.z",
                                     "a b@corp.example", "a@localhost", "张三@corp.example", "a@" + "b" * 250 + ".cn"])
def test_bad_addresses_are_refused(people, address):
    with pytest.raises(ValidationFailed) as info:
        reminders.set_email(people["trainee_east"], address)
    assert info.value.message == "邮箱地址格式不正确。"
    assert db.session.get(NoticeEmail, people["trainee_east"].id) is None


def test_good_address_is_kept_normalised(people):
    reminders.set_email(people["trainee_east"], "  Zhang.San@Corp.Example ")
    assert db.session.get(NoticeEmail, people["trainee_east"].id).address == "Zhang.San@corp.example"


def test_header_injection_refused_by_the_page(client, people):
    Auth(client).login("trainee_east")
    page = client.post("/my/notices/email", data={"address": INJECTED})
    assert page.status_code == 200 and "格式不正确" in page.get_data(as_text=True)
    assert db.session.scalars(select(NoticeEmail)).all() == []


def test_one_bad_stored_address_fails_alone(app, units, people, content):
    now = datetime(2026, 3, 24, 1, 0)
    services.create_assignment(people["admin"], item_kind="path", item_key="new-hire-onboarding",
                               due_date=date(2026, 3, 31), units=[units["company"]], now=datetime(2026, 3, 1, 1, 0))
    # Stored before addresses were checked: the probe's value, as it sits in the table.
    db.session.add(NoticeEmail(user_id=people["trainee_east"].id, address=INJECTED))
    db.session.add(NoticeEmail(user_id=people["trainee_west"].id, address="west@corp.example"))
    db.session.commit()
    with SmtpSink() as sink:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
        reminders.plan_reminders(now)
        db.session.commit()
        assert reminders.deliver_emails(now) == (1, 1)
        db.session.commit()
        assert reminders.deliver_emails(now) == (0, 0)  # the failed one is not retried every run
        assert [m["to"] for m in sink.messages] == [["west@corp.example"]]
    states = {n.user_id: (n.email_state, n.email_error) for n in db.session.scalars(select(Notice))}
    assert states[people["trainee_west"].id] == ("sent", "")
    state, error = states[people["trainee_east"].id]
    assert state == "failed" and "address" in error


def test_an_unexpected_send_error_fails_that_message_only(app, units, people, content):
    now = datetime(2026, 3, 24, 1, 0)
    services.create_assignment(people["admin"], item_kind="path", item_key="new-hire-onboarding",
                               due_date=date(2026, 3, 31), units=[units["company"]], now=datetime(2026, 3, 1, 1, 0))
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_DOMAIN="corp.example")
    reminders.plan_reminders(now)
    db.session.commit()
    sent = []

    def send(to, subject, body):
        if to.startswith("trainee_east"):
            raise ValueError("Header values may not contain linefeed or carriage return characters")
        sent.append(to)

    assert reminders.deliver_emails(now, send=send) == (len(sent), 1)
    assert "trainee_west@corp.example" in sent
