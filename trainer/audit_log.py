"""Reading the audit log: who may see which entries, filters, pages, and the rows of an export.

An admin sees every entry. A trainer sees the entries of their units: those made by someone in their
units (themself included) and those about a person in their units (``target`` ``user:<id>``), whoever
made them. Trainees see none. Times are stored as naive UTC; the date filters are local (Asia/Shanghai)
calendar days, inclusive.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import String, cast, func, literal, or_, select
from sqlalchemy.orm import aliased

from trainer.audit import AuditEvent, action_label
from trainer.auth import policy
from trainer.auth.models import User
from trainer.errors import Forbidden, ValidationFailed
from trainer.tabular import cells, csv_bytes
from trainer.timeutil import SHANGHAI, to_local

PAGE_SIZE = 50
EXPORT_MAX = 10_000  # rows in one export; narrow the filters for more
HEADER = ["时间", "操作人", "操作人用户名", "操作", "操作代码", "对象", "详情"]


@dataclass(frozen=True)
class Filters:
    who: str = ""  # the actor's username (exact) or part of their name
    action: str = ""  # an action ("token.revoke") or its prefix ending in "." ("token.")
    since: date | None = None
    until: date | None = None

    @classmethod
    def parse(cls, args) -> Filters:
        """From query-string values (strings); :class:`ValidationFailed` for a malformed date."""
        dates = {}
        for name in ("since", "until"):
            raw = (args.get(name) or "").strip()
            try:
                dates[name] = date.fromisoformat(raw) if raw else None
            except ValueError as error:
                raise ValidationFailed("日期格式应为 YYYY-MM-DD。", f"bad {name} {raw!r}") from error
        who, action = (args.get("who") or "").strip()[:64], (args.get("action") or "").strip()[:60]
        return cls(who=who, action=action, **dates)

    def as_args(self) -> dict:
        return {k: v for k, v in {"who": self.who, "action": self.action, "since": self.since and self.since.isoformat(),
                                  "until": self.until and self.until.isoformat()}.items() if v}


def events_query(actor: User, filters: Filters):
    """(event, actor user or None) rows visible to ``actor``, newest first."""
    if actor.role not in policy.STAFF_ROLES:
        raise Forbidden("无权查看。", f"user {actor.id} ({actor.role}) asked for the audit log")
    who = aliased(User)
    query = select(AuditEvent, who).outerjoin(who, who.id == AuditEvent.actor_id)
    unit_ids = policy.visible_unit_ids(actor)
    if unit_ids is not None:
        people = select(User.id).where(User.unit_id.in_(unit_ids))
        targets = select(literal("user:").concat(cast(User.id, String))).where(User.unit_id.in_(unit_ids))
        query = query.where(or_(AuditEvent.actor_id == actor.id, AuditEvent.actor_id.in_(people),
                                AuditEvent.target.in_(targets)))
    if filters.who:
        query = query.where(or_(who.username == filters.who, who.display_name.contains(filters.who, autoescape=True)))
    if filters.action:
        if filters.action.endswith("."):
            query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True))
        else:
            query = query.where(AuditEvent.action == filters.action)
    if filters.since:
        query = query.where(AuditEvent.created_at >= _utc_start(filters.since))
    if filters.until:
        query = query.where(AuditEvent.created_at < _utc_start(filters.until + timedelta(days=1)))
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def page_of(session, actor: User, filters: Filters, page: int) -> tuple[list[tuple[AuditEvent, User | None]], int, int]:
    """(rows of page ``page``, total entries, number of pages)."""
    query = events_query(actor, filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return [(row[0], row[1]) for row in rows], total, pages


def export_rows(session, actor: User, filters: Filters) -> list[list]:
    rows = session.execute(events_query(actor, filters).limit(EXPORT_MAX)).all()
    return [row_cells(event, who) for event, who in rows]


def row_cells(event: AuditEvent, who: User | None) -> list:
    return [to_local(event.created_at).strftime("%Y-%m-%d %H:%M:%S"), who.display_name if who else "系统",
            who.username if who else "", action_label(event.action), event.action, event.target, details_text(event)]


def details_text(event: AuditEvent) -> str:
    """``key: value`` pairs, one per line, for people (the stored JSON is for programs)."""
    try:
        details = json.loads(event.details or "{}")
    except ValueError:
        return event.details
    if not isinstance(details, dict):
        return str(details)
    return "\n".join(f"{key}: {_value_text(value)}" for key, value in details.items())


def _value_text(value) -> str:
    """A detail's value as people read it: no Python None/True/False (the demo crawl found "due_days: None")."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)


def event_json(event: AuditEvent, who: User | None) -> dict:
    try:
        details = json.loads(event.details or "{}")
    except ValueError:
        details = {"raw": event.details}
    return {"id": event.id, "at": event.created_at.isoformat() + "Z", "action": event.action,
            "action_label": action_label(event.action), "target": event.target,
            "actor": {"id": who.id, "username": who.username, "display_name": who.display_name} if who else None,
            "details": details}


def _utc_start(day: date) -> datetime:
    """Local midnight of ``day`` as naive UTC, the way timestamps are stored."""
    return datetime.combine(day, time(), SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def export_csv(rows: list[list]) -> bytes:
    return csv_bytes(HEADER, rows)


def export_xlsx(rows: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(cells(sheet, HEADER, font=Font(bold=True)))
    for row in rows:
        sheet.append(cells(sheet, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
