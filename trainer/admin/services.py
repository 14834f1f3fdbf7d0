"""Units and user accounts."""

from sqlalchemy import select

from trainer import audit, signals
from trainer.auth.models import ROLES, User
from trainer.auth.passwords import check_new_password
from trainer.auth.services import end_access
from trainer.errors import Conflict, ValidationFailed
from trainer.extensions import db
from trainer.org.models import UNIT_KINDS, Unit
from trainer.org.services import add_unit
from trainer.timeutil import utcnow

# A child's kind must come after its parent's: 公司 → 供电所 → 班组.
KIND_ORDER = list(UNIT_KINDS)


def create_unit(actor: User, name: str, kind: str, parent: Unit | None) -> Unit:
    name = name.strip()
    if not name:
        raise ValidationFailed("单位名称不能为空。")
    if kind not in UNIT_KINDS:
        raise ValidationFailed("单位类型无效。", f"bad kind {kind!r}")
    if parent is not None and KIND_ORDER.index(kind) <= KIND_ORDER.index(parent.kind):
        raise ValidationFailed(f"{UNIT_KINDS[kind]}不能设在{parent.kind_label}之下。")
    siblings = select(Unit.id).where(Unit.name == name, Unit.parent_id == (parent.id if parent else None))
    if parent is None:
        siblings = select(Unit.id).where(Unit.name == name, Unit.parent_id.is_(None))
    if db.session.scalar(siblings):
        raise Conflict(f"同一上级下已有名为“{name}”的单位。")
    unit = add_unit(name, kind, parent)
    audit.record(actor, "unit.create", f"unit:{unit.id}", name=name, kind=kind)
    db.session.flush()
    return unit


def rename_unit(actor: User, unit: Unit, name: str) -> None:
    name = name.strip()
    if not name:
        raise ValidationFailed("单位名称不能为空。")
    audit.record(actor, "unit.rename", f"unit:{unit.id}", old=unit.name, new=name)
    unit.name = name


def save_user(
    actor: User, user: User | None, *, username: str, display_name: str, employee_no: str | None,
    role: str, position: str, unit: Unit | None, active: bool, password: str | None,
) -> User:
    """Create (``user`` is None) or update an account. A new account must change its password on first login."""
    if role not in ROLES:
        raise ValidationFailed("角色无效。", f"bad role {role!r}")
    if role == "trainer" and unit is None:
        raise ValidationFailed("培训师必须属于某个单位(他只能管理本单位及下级单位)。")
    clash = db.session.scalar(select(User).where(User.username == username))
    if clash is not None and clash is not user:
        raise Conflict(f"用户名“{username}”已存在。")
    if employee_no:
        clash = db.session.scalar(select(User).where(User.employee_no == employee_no))
        if clash is not None and clash is not user:
            raise Conflict(f"工号“{employee_no}”已被 {clash.display_name} 使用。")
    if password:
        check_new_password(password, username)
    if user is None:
        if not password:
            raise ValidationFailed("新账号需要设置初始密码。")
        user = User(username=username, must_change_password=True)
        db.session.add(user)
        action, before = "user.create", {}
    else:
        action, before = "user.update", _audited_fields(user)
        if user.id == actor.id and (role != "admin" or not active):
            raise ValidationFailed("不能取消自己的管理员权限或停用自己的账号。")
    user.username, user.display_name, user.employee_no = username, display_name, employee_no or None
    user.role, user.position, user.unit, user.active = role, position, unit, active
    if password:
        user.set_password(password)
        user.must_change_password = True
    db.session.flush()
    after = _audited_fields(user)
    changes = {k: [before[k], v] for k, v in after.items() if before.get(k) != v} if before else {}
    if password:
        changes["password"] = "reset"
    audit.record(actor, action, f"user:{user.id}", username=username, role=role, active=active,
                 **({"changed": changes} if action == "user.update" else {}))
    if password and action == "user.update":  # a reset: whoever knew the old password is out
        end_access(user, actor=actor, reason="password_reset", now=utcnow())
    if action == "user.create":
        signals.user_created.send(actor, account=user, created_at=user.created_at)
    return user


def _audited_fields(user: User) -> dict:
    """The account fields an admin edits, as the audit log shows them (before → after for user.update)."""
    return {"username": user.username, "display_name": user.display_name, "employee_no": user.employee_no,
            "role": user.role, "position": user.position, "unit_id": user.unit_id, "active": user.active}
