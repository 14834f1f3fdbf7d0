"""Assignments: create, cancel, who they reach, and where each person stands.

Membership is evaluated each time (see :mod:`trainer.assignments.models`), so a person who joins a unit
or takes a 岗位 later gets that unit's assignments with no job to run. ``AssignmentMember`` rows record
when the platform first saw a person in scope (relative due dates count from then) and when they
completed the item. Reading never writes them: they are written when the assignment is made, when the
person signs in or completes something (:func:`record_sight`, from trainer/assignments/receivers.py), and
by the daily reminder run; until then a page counts from the moment it is read.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from trainer import audit, settings
from trainer.assignments import progress, rules
from trainer.assignments.models import (
    ITEM_KINDS,
    Assignment,
    AssignmentMember,
    AssignmentTarget,
    LearningPath,
)
from trainer.auth import policy
from trainer.auth.models import User
from trainer.errors import Forbidden, NotFound, ValidationFailed
from trainer.extensions import db
from trainer.inserts import insert_ignore
from trainer.org.models import Unit
from trainer.org.services import ancestor_ids

log = logging.getLogger(__name__)
MAX_DUE_DAYS = 366
MAX_NOTE = 1000  # characters, as the form says
MAX_POSITIONS = 20  # 岗位 in one assignment


# --- membership --------------------------------------------------------------------------------------


def assignments_for(user: User) -> list[Assignment]:
    """Active assignments reaching ``user``: direct, or (trainees only) via a unit at or above theirs and/or their 岗位."""
    reaches = [AssignmentTarget.user_id == user.id]
    if user.role == "trainee":
        unit_ok = AssignmentTarget.unit_id.is_(None)
        if user.unit is not None:
            unit_ok = or_(unit_ok, AssignmentTarget.unit_id.in_(ancestor_ids(user.unit)))
        position_ok = AssignmentTarget.position.is_(None)
        if user.position:
            position_ok = or_(position_ok, AssignmentTarget.position == user.position)
        reaches.append(and_(AssignmentTarget.user_id.is_(None), unit_ok, position_ok))
    ids = select(AssignmentTarget.assignment_id).where(or_(*reaches))
    query = select(Assignment).where(Assignment.id.in_(ids), Assignment.cancelled_at.is_(None)).order_by(Assignment.id)
    return list(db.session.scalars(query))


def members_of(assignment: Assignment, viewer: User | None = None) -> list[User]:
    """Active accounts the assignment reaches now; with ``viewer``, only those the viewer may see."""
    ids: set[int] = set()
    for target in assignment.targets:
        if target.user_id is not None:
            ids.add(target.user_id)
            continue
        query = select(User.id).where(User.role == "trainee")
        if target.unit is not None:
            query = query.where(User.unit_id.in_(select(Unit.id).where(Unit.path.startswith(target.unit.path))))
        if target.position is not None:
            query = query.where(User.position == target.position)
        ids.update(db.session.scalars(query))
    if not ids:
        return []
    query = select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.username)
    visible = policy.visible_unit_ids(viewer) if viewer is not None else None
    if visible is not None:
        query = query.where(User.unit_id.in_(visible))
    return list(db.session.scalars(query))


def known_members(assignment: Assignment, users: list[User], now: datetime) -> dict[int, AssignmentMember]:
    """The bookkeeping row of each person, read only: one not yet written is a stand-in that is never
    added to the session (first seen now, as the write would record)."""
    rows = {m.user_id: m for m in db.session.scalars(
        select(AssignmentMember).where(AssignmentMember.assignment_id == assignment.id,
                                       AssignmentMember.user_id.in_([u.id for u in users]))
    )}
    for user in users:
        if user.id not in rows:
            rows[user.id] = AssignmentMember(assignment_id=assignment.id, user_id=user.id, first_seen_at=now)
    return rows


def ensure_members(assignment: Assignment, users: list[User], now: datetime) -> dict[int, AssignmentMember]:
    """The bookkeeping row of each person, made on first sight (first_seen = now)."""
    rows = {m.user_id: m for m in db.session.scalars(
        select(AssignmentMember).where(AssignmentMember.assignment_id == assignment.id,
                                       AssignmentMember.user_id.in_([u.id for u in users]))
    )}
    missing = [u for u in users if u.id not in rows]
    for user in missing:
        insert_ignore(AssignmentMember, assignment_id=assignment.id, user_id=user.id, first_seen_at=now)
    if missing:
        for member in db.session.scalars(select(AssignmentMember).where(
            AssignmentMember.assignment_id == assignment.id, AssignmentMember.user_id.in_([u.id for u in missing])
        )):
            rows[member.user_id] = member
    return rows


@dataclass
class PersonItem:
    """One assignment as one person sees it."""

    assignment: Assignment
    user: User
    member: AssignmentMember
    due: date | None
    progress: progress.ItemProgress
    status: str  # rules.STATUS_LABELS
    days_left: int | None
    completed_at: datetime | None  # None while open (and when complete but not yet recorded)

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    @property
    def complete(self) -> bool:
        return self.progress.complete

    @property
    def due_words(self) -> str:
        """还有 N 天 / 今天到期 / 已逾期 N 天 (rules.due_words); empty without a due date or once complete."""
        return "" if self.complete else rules.due_words(self.days_left)


def person_items(assignment: Assignment, users: list[User], now: datetime, learners: dict | None = None, *,
                 record: bool = False) -> list[PersonItem]:
    """Due date, progress and status of ``assignment`` for each of ``users``. With ``record`` (a write:
    sign-in, completion, reminders) also store first-seen and completion times; without, read only."""
    members = (ensure_members if record else known_members)(assignment, users, now)
    learners = learners if learners is not None else progress.load_learners(users)
    items = []
    for user in users:
        member = members[user.id]
        item_progress = progress.item_progress(learners[user.id], assignment.item_kind, assignment.item_key)
        if record and item_progress.complete and member.completed_at is None:
            member.completed_at = now
        elif record and not item_progress.complete and member.completed_at is not None:
            member.completed_at = None  # a path that gained a step is open again
        due = rules.person_due_date(assignment.due_date, assignment.due_days, member.first_seen_at)
        items.append(PersonItem(
            assignment, user, member, due, item_progress, rules.status(item_progress.complete, due, now),
            rules.days_left(due, now) if due else None, member.completed_at if item_progress.complete else None,
        ))
    return items


def record_sight(user: User, now: datetime) -> None:
    """The platform sees ``user`` (a sign-in, a completion): onboard a new hire made outside the admin form,
    and record first-seen and completion times of everything assigned to them. Idempotent; flushes."""
    ensure_onboarding(user, None, now)
    learners = progress.load_learners([user])
    for assignment in assignments_for(user):
        person_items(assignment, [user], now, learners, record=True)
    db.session.flush()


def my_items(user: User, now: datetime) -> tuple[list[PersonItem], list[PersonItem]]:
    """(to do ordered by due date, done most recent first) for the learner's own pages. Read only."""
    learners = progress.load_learners([user])
    items = [item for a in assignments_for(user) for item in person_items(a, [user], now, learners)]
    todo = sorted((i for i in items if not i.complete), key=lambda i: rules.sort_key(i.due, i.assignment.title))
    done = sorted((i for i in items if i.complete), key=lambda i: i.completed_at or now, reverse=True)
    return todo, done


def my_item(user: User, assignment_id: int, now: datetime) -> PersonItem:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment not in assignments_for(user):
        raise NotFound("没有这项培训任务。", f"assignment {assignment_id} does not reach user {user.id}")
    return person_items(assignment, [user], now)[0]


# --- trainer side ------------------------------------------------------------------------------------


def can_view(actor: User, assignment: Assignment) -> bool:
    """Admins see all; a trainer sees an assignment that can reach anyone in their units."""
    if actor.role == "admin":
        return True
    if actor.role != "trainer" or actor.unit is None:
        return False
    for target in assignment.targets:
        if target.user is not None and policy.can_see_user(actor, target.user):
            return True
        if target.user_id is None and (target.unit is None or policy.can_see_unit(actor, target.unit)
                                       or actor.unit.is_within(target.unit)):
            return True
    return False


def can_manage(actor: User, assignment: Assignment) -> bool:
    """Cancel: admins, the creator, or a trainer whose units hold everyone the assignment targets."""
    if actor.role == "admin" or (assignment.created_by_id == actor.id and actor.role == "trainer"):
        return True
    if actor.role != "trainer" or actor.unit is None:
        return False
    return all(
        (t.user is not None and policy.can_see_user(actor, t.user)) or (t.unit is not None and policy.can_see_unit(actor, t.unit))
        for t in assignment.targets
    )


def get_visible(actor: User, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound("培训任务不存在。", f"no assignment {assignment_id}")
    if not can_view(actor, assignment):
        raise Forbidden("您没有权限查看这项培训任务。", f"user {actor.id} cannot see assignment {assignment_id}")
    return assignment


def visible_assignments(actor: User, *, include_cancelled: bool = False) -> list[Assignment]:
    query = select(Assignment).order_by(Assignment.created_at.desc(), Assignment.id.desc()).options(
        selectinload(Assignment.targets).selectinload(AssignmentTarget.unit),
        selectinload(Assignment.targets).selectinload(AssignmentTarget.user),
    )
    if not include_cancelled:
        query = query.where(Assignment.cancelled_at.is_(None))
    return [a for a in db.session.scalars(query) if can_view(actor, a)]


def create_assignment(
    actor: User | None, *, item_kind: str, item_key: str, due_date: date | None = None, due_days: int | None = None,
    units: list[Unit] = (), positions: list[str] = (), people: list[User] = (), note: str = "",
    source: str = "manual", now: datetime,
) -> Assignment:
    """Assign an item to people, units (with their sub-units) and/or 岗位, by a date or within N days.

    Positions combine with units ("营业厅 staff of 城东供电所"); positions without units reach the trainer's own
    units (a trainer) or everyone (an admin). ``actor`` None: the platform itself (onboarding).
    """
    if item_kind not in ITEM_KINDS:
        raise ValidationFailed("培训内容类型无效。", f"bad item kind {item_kind!r}")
    title = progress.item_title(item_kind, item_key)
    if title is None:
        raise ValidationFailed("所选培训内容不存在或已下线。", f"no {item_kind} {item_key!r}")
    if (due_date is None) == (due_days is None):
        raise ValidationFailed("请填写截止日期,或“分配后几天内完成”,二者选一。", "exactly one of due_date, due_days")
    if due_days is not None and not 1 <= due_days <= MAX_DUE_DAYS:
        raise ValidationFailed(f"完成天数应在 1 到 {MAX_DUE_DAYS} 天之间。", f"due_days {due_days}")
    if due_date is not None and source != "onboarding" and due_date < rules.local_today(now):
        raise ValidationFailed("截止日期不能早于今天。", f"due_date {due_date} is in the past")
    positions = _known_positions(positions)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed(f"说明最多 {MAX_NOTE} 字。", f"note of {len(note)} characters")
    targets = _targets(actor, list(units), positions, list(people))
    assignment = Assignment(
        item_kind=item_kind, item_key=item_key, title=title, note=note, due_date=due_date, due_days=due_days,
        source=source, created_by_id=getattr(actor, "id", None), created_at=now, targets=targets,
    )
    db.session.add(assignment)
    db.session.flush()
    ensure_members(assignment, members_of(assignment), now)
    audit.record(actor, "assignment.create", f"assignment:{assignment.id}", item=f"{item_kind}:{item_key}",
                 due_date=due_date, due_days=due_days, targets=[_describe(t) for t in targets], source=source)
    return assignment


def _known_positions(positions) -> list[str]:
    """The distinct 岗位 asked for, each one held by some account or configured for new hires; a name
    nobody has is a typo that would silently reach nobody."""
    wanted = sorted({p.strip() for p in positions if p and p.strip()})
    if len(wanted) > MAX_POSITIONS:
        raise ValidationFailed(f"一次最多按 {MAX_POSITIONS} 个岗位分配。", f"{len(wanted)} positions")
    known = set(db.session.scalars(select(User.position).where(User.position.in_(wanted)).distinct()))
    known |= set(settings.current().onboarding.positions)
    unknown = [p for p in wanted if p not in known]
    if unknown:
        shown = "、".join(p[:32] for p in unknown[:5])
        raise ValidationFailed(f"没有人员属于这些岗位:{shown}。请检查岗位名称。", f"unknown positions {unknown[:20]}")
    return wanted


def _targets(actor: User | None, units: list[Unit], positions: list[str], people: list[User]) -> list[AssignmentTarget]:
    if not (units or positions or people):
        raise ValidationFailed("请至少选择一个单位、岗位或人员。", "no targets")
    if actor is not None:
        for unit in units:
            if not policy.can_see_unit(actor, unit):
                raise Forbidden("无权查看。", f"user {actor.id} cannot see unit {unit.id}")
        for person in people:
            if not policy.can_see_user(actor, person):
                raise Forbidden("无权查看。", f"user {actor.id} cannot see user {person.id}")
    targets = [AssignmentTarget(user=person) for person in dict.fromkeys(people)]
    scopes: list[Unit | None] = list(dict.fromkeys(units))
    if positions and not scopes:
        if actor is not None and actor.role != "admin":
            if actor.unit is None:
                raise ValidationFailed("按岗位分配需要先选择单位。")
            scopes = [actor.unit]
        else:
            scopes = [None]
    for unit in scopes:
        for position in positions or [None]:
            targets.append(AssignmentTarget(unit=unit, position=position))
    return targets


def _describe(target: AssignmentTarget) -> str:
    if target.user is not None:
        return f"user:{target.user.username}"
    return f"unit:{target.unit.id if target.unit else '*'} position:{target.position or '*'}"


def cancel_assignment(actor: User, assignment: Assignment, now: datetime) -> None:
    if not can_manage(actor, assignment):
        raise Forbidden("只有创建者、管理员或管辖全部对象的培训师可以撤销这项任务。", f"user {actor.id} cannot cancel {assignment.id}")
    if assignment.cancelled_at is None:
        assignment.cancelled_at = now
        audit.record(actor, "assignment.cancel", f"assignment:{assignment.id}", title=assignment.title)


# --- onboarding --------------------------------------------------------------------------------------


def ensure_onboarding(account: User, actor: User | None, now: datetime) -> Assignment | None:
    """Give a new hire (岗位 in NEW_HIRE_POSITIONS) the onboarding path once, due ONBOARDING_DAYS after the account
    was created (rules.onboarding_start).

    Runs when an account is created and again when the person signs in (:func:`record_sight`) or the
    reminder run sees them, so accounts made any other way (or moved into a new-hire 岗位) are covered too. An onboarding
    assignment that a trainer cancelled is not made again.
    """
    onboarding = settings.current().onboarding
    if not account.active or account.position not in onboarding.positions:
        return None
    path = db.session.scalar(select(LearningPath).where(LearningPath.key == onboarding.path, LearningPath.retired.is_(False)))
    if path is None:
        log.warning("onboarding path %r is not imported; %s gets no onboarding", onboarding.path, account.username)
        return None
    existing = db.session.scalar(
        select(Assignment.id).join(AssignmentTarget)
        .where(Assignment.source == "onboarding", Assignment.item_key == path.key, AssignmentTarget.user_id == account.id)
    )
    if existing is not None:
        return None
    start = rules.onboarding_start(account.created_at, now, onboarding.days)  # from the hire, not the first sign-in
    due = rules.local_today(start) + timedelta(days=onboarding.days)
    return create_assignment(actor, item_kind="path", item_key=path.key, due_date=due, people=[account],
                             source="onboarding", now=now)


def new_hires_without_onboarding() -> list[User]:
    """Accounts the reminder run should onboard (created outside the admin form, e.g. by the demo)."""
    positions = settings.current().onboarding.positions
    onboarded = (
        select(AssignmentTarget.user_id).join(Assignment)
        .where(Assignment.source == "onboarding", AssignmentTarget.user_id.is_not(None))
    )
    query = select(User).where(User.active.is_(True), User.position.in_(positions), User.id.not_in(onboarded))
    return list(db.session.scalars(query))


def find_people(actor: User, text: str) -> list[User]:
    """Usernames or 工号, separated by commas, spaces or new lines; every one must exist and be visible."""
    names = [n for n in text.replace(",", " ").replace(",", " ").replace("、", " ").split() if n]
    found = []
    for name in dict.fromkeys(names):
        user = db.session.scalar(select(User).where(or_(User.username == name, User.employee_no == name)))
        if user is None or not policy.can_see_user(actor, user):
            raise ValidationFailed(f"找不到人员“{name}”(请填用户名或工号)。", f"no visible user {name!r}")
        found.append(user)
    return found
