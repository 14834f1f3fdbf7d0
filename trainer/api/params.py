"""Query parameters and response pieces shared by the list endpoints: paging, a date range, a unit in the
caller's scope. Each parameter comes with its OpenAPI declaration, so the document and the check agree.

Query strings are checked here by hand (``validated_body`` covers JSON bodies only): a bad value is a 400
with a Chinese message, never a value the database cannot hold.
"""

from datetime import UTC, date, datetime, time, timedelta

from flask import request
from sqlalchemy import func, select

from trainer.auth import policy
from trainer.errors import Forbidden, NotFound, ValidationFailed
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.timeutil import SHANGHAI

MAX_PAGE = 100_000  # keeps the offset far inside what every database accepts
PER_PAGE = 50
MAX_PER_PAGE = 500

PAGE = {"name": "page", "in": "query", "required": False, "description": "页码,从 1 开始",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}}
PER_PAGE_PARAM = {"name": "per_page", "in": "query", "required": False, "description": f"每页条数(默认 {PER_PAGE})",
                  "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}}
DATE_FROM = {"name": "from", "in": "query", "required": False, "description": "起始日期(含,北京时间)",
             "schema": {"type": "string", "format": "date"}}
DATE_TO = {"name": "to", "in": "query", "required": False, "description": "截止日期(含,北京时间)",
           "schema": {"type": "string", "format": "date"}}
PAGED = [PAGE, PER_PAGE_PARAM]
PAGE_FIELDS = {"page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"},
               "pages": {"type": "integer"}}


def json_body(schema: dict) -> dict:
    """An OpenAPI requestBody of JSON with ``schema`` (what :func:`trainer.api.bodies.validated_body` checks)."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def ok(description: str, schema: dict, status: str = "200") -> dict:
    """An OpenAPI responses entry: ``status`` with a JSON body of ``schema``."""
    return {status: {"description": description, "content": {"application/json": {"schema": schema}}}}


def query_int(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not minimum <= int(raw) <= maximum:
        raise ValidationFailed(f"{name} 应为 {minimum} 到 {maximum} 之间的整数。", f"bad {name}")
    return int(raw)


def paginate(query, *, rows: bool = False) -> dict:
    """One page of ``query`` (``page``, ``per_page`` from the query string) as ``items`` plus the paging fields.
    ``rows``: the query selects several columns (a grouped report), and items are its rows, not entities."""
    page = query_int("page", 1, 1, MAX_PAGE)
    per_page = query_int("per_page", PER_PAGE, 1, MAX_PER_PAGE)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    found = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    items = found.all() if rows else list(found.scalars())
    return {"items": items, "page": page, "per_page": per_page, "total": total, "pages": -(-total // per_page)}


def query_date(name: str) -> date | None:
    raw = request.args.get(name, "")
    if raw == "":
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(f"{name} 应为 YYYY-MM-DD 格式的日期。", f"bad {name}") from None


def date_range() -> tuple[datetime | None, datetime | None]:
    """``from`` and ``to`` (local dates, both included) as naive-UTC bounds: start ≤ moment < end."""
    start, end = query_date("from"), query_date("to")
    if start and end and start > end:
        raise ValidationFailed("from 不能晚于 to。", "from after to")
    return _utc(start), _utc(end + timedelta(days=1)) if end and end < date.max else None


def _utc(day: date | None) -> datetime | None:
    """Local midnight of ``day`` as naive UTC."""
    if day is None:
        return None
    return datetime.combine(day, time(), SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def visible_unit(actor, unit_id: int) -> Unit:
    """The unit with ``unit_id`` if ``actor`` may see it (its own unit and those below; an admin every one):
    NotFound when there is none, Forbidden when it is out of scope (the pages' rule: 403)."""
    unit = db.session.get(Unit, unit_id) if -(2**31) <= unit_id < 2**31 else None
    if unit is None:
        raise NotFound("单位不存在。", f"no unit {unit_id}")
    if not policy.can_see_unit(actor, unit):
        raise Forbidden("没有权限查看该单位。", f"unit {unit_id} out of scope")
    return unit
