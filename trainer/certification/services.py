"""Qualifications: evidence from signals, automatic grants, trainer renewals and revocations, look-ups.

Services flush, never commit. Every change by a trainer is audited; automatic grants are audited with
no actor.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, or_, select, update

from trainer import audit, settings
from trainer.auth import policy as access
from trainer.auth.models import User
from trainer.certification.models import Qualification, QualificationEvidence, QualificationGrant
from trainer.certification.status import (
    HELD,
    GrantFacts,
    Item,
    Requirements,
    add_months,
    all_met,
    requirement_items,
    status_of,
)
from trainer.errors import Conflict, Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.inserts import insert_ignore
from trainer.lookup import active_by_key

# 32 symbols without 0/O and 1/I, which people misread from paper; 12 of them carry 60 random bits.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What people type from a printout: lower case, spaces and dashes between the groups."""
    return "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())[:32]


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def expiring_days() -> int:
    return settings.current().expiring_days


def active_qualifications() -> list[Qualification]:
    return list(db.session.scalars(select(Qualification).where(Qualification.retired.is_(False)).order_by(Qualification.position)))


def scenarios_required() -> dict[str, list[str]]:
    """Scenario key → titles of the active qualifications that require passing it (the role-play catalogue's 必修)."""
    required: dict[str, list[str]] = {}
    for qualification in active_qualifications():
        for key in qualification.scenario_keys:
            required.setdefault(key, []).append(qualification.title)
    return required


def get_qualification(key: str) -> Qualification:
    return active_by_key(Qualification, key, "该资格不存在。")


def requirements(q: Qualification) -> Requirements:
    return Requirements(tuple(q.module_keys), tuple(q.scenario_keys), q.scenario_min_score, q.exam_key, q.exam_pass_percent)


# --- evidence --------------------------------------------------------------------------------------

def record_evidence(person: User, kind: str, key: str, score: int | None, at: datetime) -> None:
    """Insert once, then keep the best score. Safe to repeat and safe under concurrent signals."""
    db.session.flush()
    table = QualificationEvidence.__table__
    inserted = insert_ignore(QualificationEvidence, conflict=["user_id", "kind", "key"], user_id=person.id, kind=kind,
                             key=key, best_score=score, first_at=at, last_at=at)
    if inserted is None and score is not None:
        db.session.connection().execute(
            update(table).where(table.c.user_id == person.id, table.c.kind == kind, table.c.key == key).values(
                best_score=case((or_(table.c.best_score.is_(None), table.c.best_score < score), score), else_=table.c.best_score),
                last_at=at)
        )


def evidence_of(user_ids) -> dict[int, dict[tuple[str, str], int | None]]:
    """user → {(kind, key): best score}; ``user_ids`` is a list or a SELECT of ids."""
    found: dict[int, dict[tuple[str, str], int | None]] = {}
    rows = db.session.execute(select(QualificationEvidence.user_id, QualificationEvidence.kind, QualificationEvidence.key,
                                     QualificationEvidence.best_score).where(QualificationEvidence.user_id.in_(user_ids)))
    for user_id, kind, key, best in rows:
        found.setdefault(user_id, {})[(kind, key)] = best
    return found


def grants_of(user_ids) -> dict[tuple[int, int], list[QualificationGrant]]:
    found: dict[tuple[int, int], list[QualificationGrant]] = {}
    query = select(QualificationGrant).where(QualificationGrant.user_id.in_(user_ids)).order_by(QualificationGrant.granted_at)
    for grant in db.session.scalars(query):
        found.setdefault((grant.user_id, grant.qualification_id), []).append(grant)
    return found


def facts(grants: list[QualificationGrant]) -> list[GrantFacts]:
    return [GrantFacts(g.granted_at, g.expires_at, g.revoked_at) for g in grants]


# --- status ----------------------------------------------------------------------------------------

@dataclass
class Cell:
    qualification: Qualification
    status: str
    items: list[Item]
    grants: list[QualificationGrant]

    @property
    def latest(self) -> QualificationGrant | None:
        return self.grants[-1] if self.grants else None

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.met)


def cell_for(q: Qualification, evidence: dict, grants: list[QualificationGrant], now: datetime) -> Cell:
    items = requirement_items(requirements(q), evidence)
    relevant = {(i.kind, i.key) for i in items}
    status = status_of(facts(grants), items, any(k in relevant for k in evidence), now, expiring_days())
    return Cell(q, status, items, grants)


def cells(user_ids, quals: list[Qualification], now: datetime) -> dict[tuple[int, int], Cell]:
    """(user id, qualification id) → Cell for many people in three queries."""
    evidence, grants = evidence_of(user_ids), grants_of(user_ids)
    ids = user_ids if isinstance(user_ids, list) else list(db.session.scalars(user_ids))
    return {(uid, q.id): cell_for(q, evidence.get(uid, {}), grants.get((uid, q.id), []), now) for uid in ids for q in quals}


def person_cells(person: User, now: datetime) -> list[Cell]:
    quals = active_qualifications()
    table = cells([person.id], quals, now)
    return [table[(person.id, q.id)] for q in quals]


# --- grants ----------------------------------------------------------------------------------------

def _grant(person: User, q: Qualification, *, kind: str, now: datetime, actor: User | None, note: str = "") -> QualificationGrant:
    code = new_code()
    while db.session.scalar(select(QualificationGrant.id).where(QualificationGrant.code == code)) is not None:
        code = new_code()  # 2^60 codes: a repeat is practically impossible, but a unique key must hold
    grant = QualificationGrant(user_id=person.id, qualification_id=q.id, kind=kind, granted_at=now,
                               expires_at=add_months(now, q.validity_months), granted_by_id=actor.id if actor else None,
                               note=note, code=code)
    db.session.add(grant)
    db.session.flush()
    audit.record(actor, f"qualification.{kind}", f"user:{person.id}", qualification=q.key, grant=grant.id,
                 expires_at=grant.expires_at, note=note)
    return grant


def evaluate(person: User, kind: str, key: str, at: datetime) -> list[QualificationGrant]:
    """After new evidence: grant every qualification whose requirements are now all met.

    First grants are automatic. An expired or expiring holder is renewed automatically only by passing
    the final exam again after the last grant (or, without an exam, by any new evidence); a revoked
    qualification is never re-granted automatically: only a trainer can issue it again.
    """
    made = []
    for q in active_qualifications():
        if (kind, key) not in {(i.kind, i.key) for i in requirement_items(requirements(q), {})}:
            continue
        cell = person_cells_for(person, q, at)
        if not all_met(cell.items):
            continue
        latest = cell.latest
        if latest is None:
            made.append(_grant(person, q, kind="auto", now=at, actor=None))
        elif cell.status in {"expired", "expiring"} and at > latest.granted_at and (kind == "exam" or not q.exam_key):
            made.append(_grant(person, q, kind="renewal", now=at, actor=None, note="重新考试合格,自动续期"))
    return made


def person_cells_for(person: User, q: Qualification, now: datetime) -> Cell:
    return cells([person.id], [q], now)[(person.id, q.id)]


def _require_manager(actor: User, person: User) -> None:
    if actor.role not in access.STAFF_ROLES or not access.can_see_user(actor, person):
        raise Forbidden("您无权管理此人的上岗资格。", f"user {actor.id} may not manage user {person.id}")
    if actor.id == person.id and actor.role != "admin":
        raise Forbidden("不能为自己办理资格。", f"user {actor.id} acting on own qualification")


def renew(actor: User, person: User, q: Qualification, *, note: str, now: datetime) -> QualificationGrant:
    """A trainer issues a new grant: a renewal for someone who held it, or a grant for someone who meets
    every requirement. Either way it is a new row; the old grants stay as they were."""
    _require_manager(actor, person)
    if not person.active:
        raise Conflict("该人员已停用,不能办理资格。", f"user {person.id} inactive")
    cell = person_cells_for(person, q, now)
    if cell.latest is None and not all_met(cell.items):
        raise Conflict("此人尚未满足该资格的全部要求,也没有取得过该资格,不能直接授予。",
                       f"user {person.id} has no grant of {q.key} and unmet requirements")
    if cell.status == "certified":
        raise Conflict(f"该资格仍在有效期内,临近到期({expiring_days()} 天内)才能续期。",
                       f"user {person.id} {q.key} still certified")
    kind = "renewal" if cell.latest is not None else "manual"
    return _grant(person, q, kind=kind, now=now, actor=actor, note=(note or "").strip()[:2000])


def revoke(actor: User, grant: QualificationGrant, *, reason: str, now: datetime) -> QualificationGrant:
    _require_manager(actor, grant.user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("撤销资格必须填写原因。", "revoke without reason")
    if grant.revoked_at is not None:
        raise Conflict("该证书已经撤销。", f"grant {grant.id} already revoked")
    grant.revoked_at, grant.revoked_by_id, grant.revoke_reason = now, actor.id, reason[:2000]
    db.session.flush()
    audit.record(actor, "qualification.revoke", f"user:{grant.user_id}", qualification=grant.qualification.key,
                 grant=grant.id, reason=reason)
    return grant


# --- verification ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicCertificate:
    """All that the public verification page may show: no unit, no employee number, no user name."""

    name: str
    qualification: str
    granted_at: datetime
    expires_at: datetime
    state: str  # valid | expired | revoked
    code: str


def verify(code: str, now: datetime) -> PublicCertificate | None:
    code = normalize_code(code)
    if len(code) != CODE_LENGTH:
        return None
    grant = db.session.scalar(select(QualificationGrant).where(QualificationGrant.code == code))
    if grant is None:
        return None
    state = "revoked" if grant.revoked_at else ("expired" if grant.expires_at <= now else "valid")
    return PublicCertificate(grant.user.display_name, grant.qualification.title, grant.granted_at, grant.expires_at,
                             state, format_code(grant.code))


def held(cell: Cell) -> bool:
    return cell.status in HELD
