"""Home-page notices: a trainee's expiring or expired qualifications; a trainer's count of them."""

from datetime import timedelta

from sqlalchemy import func, select

from trainer.auth import policy
from trainer.auth.models import User
from trainer.certification import services
from trainer.certification.models import QualificationGrant
from trainer.extensions import db
from trainer.org.services import hours_policy
from trainer.timeutil import utcnow
from trainer.widgets import home_widget

NOTICE_STATUSES = {"expiring", "expired", "revoked"}


@home_widget("trainee", order=11)
def qualification_notices(user):
    now = utcnow()
    cells = services.person_cells(user, now)
    notices = [c for c in cells if c.status in NOTICE_STATUSES]
    held = [c for c in cells if services.held(c)]
    if not notices and not held:
        return None
    return "home/_qualifications.html", {"notices": notices, "held": held, "now": now, "local": hours_policy().local}


@home_widget("trainer", "admin", order=12)
def expiring_summary(user):
    """Grants that run out within EXPIRING_DAYS among the people this trainer sees (newest grant per person)."""
    now = utcnow()
    newest = (select(QualificationGrant.user_id, QualificationGrant.qualification_id,
                     func.max(QualificationGrant.granted_at).label("granted_at"))
              .group_by(QualificationGrant.user_id, QualificationGrant.qualification_id).subquery())
    query = (select(func.count()).select_from(QualificationGrant)
             .join(newest, (newest.c.user_id == QualificationGrant.user_id)
                   & (newest.c.qualification_id == QualificationGrant.qualification_id)
                   & (newest.c.granted_at == QualificationGrant.granted_at))
             .join(User, User.id == QualificationGrant.user_id)
             .where(QualificationGrant.revoked_at.is_(None), User.active.is_(True),
                    QualificationGrant.expires_at > now,
                    QualificationGrant.expires_at <= now + timedelta(days=services.expiring_days())))
    ids = policy.visible_unit_ids(user)
    if ids is not None:
        query = query.where(User.unit_id.in_(ids))
    expiring = db.session.scalar(query) or 0
    if not services.active_qualifications():
        return None
    return "home/_expiring.html", {"expiring": expiring, "days": services.expiring_days()}
