"""Reminders: in-app notices as due dates approach and pass, and email when SMTP is configured; new notices
are also announced (``signals.notices_posted``) for the units' group robots (trainer/robots).

Two phases, so that a crash or a second concurrent run can never send a reminder twice:
1. :func:`plan_reminders` inserts the notices (INSERT … ON CONFLICT DO NOTHING on the unique
   (assignment, person, kind)); the caller commits: the notice is now claimed.
2. :func:`deliver_emails` sends the claimed, not yet emailed notices and marks each sent or failed.
An email that fails stays failed (the in-app notice is still there); it is not retried blindly.
"""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select

from trainer import audit, signals
from trainer.assignments import progress, rules, services
from trainer.assignments.models import Assignment, Notice, NoticeEmail
from trainer.auth.models import User
from trainer.errors import NotFound, ValidationFailed
from trainer.extensions import db
from trainer.inserts import insert_ignore
from trainer.links import external_url

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    onboarded: int = 0
    checked: int = 0
    notices: dict[str, int] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        return sum(self.notices.values())

    def summary(self) -> str:
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(self.notices.items())) or "none"
        return f"{self.onboarded} onboarded, {self.checked} open items checked, {self.sent} notices ({kinds})"


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def email_address(user: User) -> str | None:
    """The address a person gave, else ``<username>@MAIL_DOMAIN`` when a domain is configured."""
    row = db.session.get(NoticeEmail, user.id)
    if row is not None and row.address:
        return row.address
    domain = current_app.config.get("MAIL_DOMAIN")
    return f"{user.username}@{domain}" if domain else None


def checked_address(address: str) -> str:
    """One plain ASCII mailbox (``name@domain``: no display name, list, line break or special-use domain such
    as ``localhost``), normalised; otherwise :class:`ValidationFailed`. Checked when a person saves it and
    again before each send, since a header-injection value would make the message itself fail to build."""
    try:
        result = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise ValidationFailed("邮箱地址格式不正确。", f"bad address {address!r}: {error}") from error
    if len(result.normalized) > 200:
        raise ValidationFailed("邮箱地址格式不正确。", f"address longer than 200 characters: {address!r}")
    return result.ascii_email or result.normalized  # ASCII (punycode domain): what plain SMTP carries


def create_notice(user: User, assignment: Assignment | None, kind: str, title: str, body: str, now: datetime) -> int | None:
    """The new notice's id, or None when this (assignment, person, kind) was already sent."""
    state = "pending" if mail_enabled() and email_address(user) else "none"
    return insert_ignore(
        Notice, user_id=user.id, assignment_id=assignment.id if assignment else None, kind=kind, title=title[:200],
        body=body, created_at=now, email_state=state, email_error="",
    )


def plan_reminders(now: datetime) -> RunReport:
    """One pass over every open assignment (cron it daily): onboard new hires, then remind the late."""
    config = current_app.config
    report = RunReport()
    for account in services.new_hires_without_onboarding():
        if services.ensure_onboarding(account, None, now) is not None:
            report.onboarded += 1
    assignments = list(db.session.scalars(select(Assignment).where(Assignment.cancelled_at.is_(None))))
    members = {a.id: services.members_of(a) for a in assignments}
    everyone = {u.id: u for users in members.values() for u in users}
    learners = progress.load_learners(list(everyone.values()))
    posted = []
    for assignment in assignments:
        for item in services.person_items(assignment, members[assignment.id], now, learners, record=True):
            if item.complete:
                continue
            report.checked += 1
            kind = rules.reminder_kind(item.due, now, config["REMINDER_DAYS_BEFORE"], config["REMINDER_DAYS_AFTER"])
            body = rules.reminder_text(kind, assignment.title, item.due, now)
            if create_notice(item.user, assignment, kind, assignment.title, body, now) is not None:
                report.notices[kind] = report.notices.get(kind, 0) + 1
                posted.append((item.user, assignment.title, body))
    db.session.flush()
    signals.notices_posted.send(None, notices=posted, now=now)  # group robots (trainer/robots) announce them
    return report


def remind_now(actor: User, assignment: Assignment, now: datetime, user_ids: list[int] | None = None) -> int:
    """The trainer's one-click reminder to everyone (or ``user_ids``) not yet done, at most once a day each."""
    if assignment.cancelled_at is not None:
        raise ValidationFailed("这项任务已撤销。", f"assignment {assignment.id} is cancelled")
    people = services.members_of(assignment, viewer=actor)
    if user_ids is not None:
        people = [p for p in people if p.id in set(user_ids)]
    kind = f"manual-{rules.local_today(now).isoformat()}"
    posted = []
    for item in services.person_items(assignment, people, now, record=True):
        if item.complete:
            continue
        body = rules.reminder_text(kind, assignment.title, item.due, now) + f"({actor.display_name}提醒)"
        if create_notice(item.user, assignment, kind, assignment.title, body, now) is not None:
            posted.append((item.user, assignment.title, body))
    audit.record(actor, "assignment.remind", f"assignment:{assignment.id}", sent=len(posted))
    db.session.flush()
    signals.notices_posted.send(actor, notices=posted, now=now)
    return len(posted)


def deliver_emails(now: datetime, send=None) -> tuple[int, int]:
    """Email every pending notice; returns (sent, failed). ``send(to, subject, body)`` defaults to SMTP."""
    send = send or smtp_send
    sent = failed = 0
    pending = list(db.session.scalars(select(Notice).where(Notice.email_state == "pending").order_by(Notice.id)))
    for notice in pending:
        user = db.session.get(User, notice.user_id)
        address = email_address(user) if user is not None else None
        if address is None:
            notice.email_state = "none"
            continue
        try:
            send(checked_address(address), f"[培训提醒] {notice.title}", _email_body(notice))
        except Exception as error:  # one bad address or message fails alone; the run goes on to the others
            reason = getattr(error, "detail", None) or str(error)  # TrainerError: the English detail
            notice.email_state, notice.email_error = "failed", f"{type(error).__name__}: {reason}"[:300]
            log.warning("reminder email for notice %s to %r failed: %s", notice.id, address, reason)
            failed += 1
        else:
            notice.email_state, notice.emailed_at = "sent", now
            sent += 1
    db.session.flush()
    return sent, failed


def _email_body(notice: Notice) -> str:
    link = external_url("assignments.mine")  # PUBLIC_URL (trainer/links.py); none from cron without it
    lines = [notice.body, ""]
    if link:
        lines.append(f"查看我的培训任务:{link}")
    lines.append("此邮件由供电服务规范培训平台自动发送,请勿回复。")
    return "\n".join(lines)


def smtp_send(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=int(config["MAIL_TIMEOUT"])) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


# --- in-app notices ----------------------------------------------------------------------------------


def unread_notices(user: User, limit: int = 5) -> list[Notice]:
    query = (select(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
             .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit))
    return list(db.session.scalars(query))


def mark_read(user: User, notice_id: int, now: datetime) -> None:
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.user_id != user.id:
        raise NotFound("该提醒不存在。", f"no notice {notice_id} for user {user.id}")
    if notice.read_at is None:
        notice.read_at = now


def set_email(user: User, address: str) -> None:
    address = (address or "").strip()
    row = db.session.get(NoticeEmail, user.id)
    if not address:
        if row is not None:
            db.session.delete(row)
        return
    address = checked_address(address)
    if row is None:
        db.session.add(NoticeEmail(user_id=user.id, address=address))
    else:
        row.address = address
