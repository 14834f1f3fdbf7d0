"""Pages: my qualifications, the trainers' matrix and per-person page, certificates, public verification."""

import threading
import time
from collections import deque

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from trainer import settings
from trainer.auth import policy
from trainer.auth.models import User
from trainer.certification import seal, services
from trainer.certification.forms import RenewForm, RevokeForm, VerifyForm
from trainer.certification.models import QualificationGrant
from trainer.certification.pdf import certificate_pdf
from trainer.certification.status import STATUSES
from trainer.courses.models import Module
from trainer.errors import TrainerError
from trainer.extensions import db
from trainer.ids import db_int
from trainer.item_kinds import REQUIREMENT_LABELS
from trainer.links import external_url
from trainer.org.models import Unit
from trainer.org.services import hours_policy
from trainer.pdf import find_font
from trainer.quiz.models import Exam
from trainer.records.report import REPORTED_ROLES
from trainer.roleplay.models import Scenario
from trainer.timeutil import utcnow
from trainer.web import report

bp = Blueprint("certification", __name__)
staff_only = policy.roles_required("trainer", "admin")
PAGE_SIZE = 50
KIND_LABELS = REQUIREMENT_LABELS  # trainer/item_kinds.py
GRANT_KINDS = {"auto": "自动授予", "renewal": "续期", "manual": "培训师授予"}


def _titles() -> dict[tuple[str, str], str]:
    titles = {("module", k): t for k, t in db.session.execute(select(Module.key, Module.title))}
    titles.update({("scenario", k): t for k, t in db.session.execute(select(Scenario.key, Scenario.title))})
    titles.update({("exam", k): t for k, t in db.session.execute(select(Exam.key, Exam.title))})
    return titles


def _common() -> dict:
    return dict(statuses=STATUSES, kinds=KIND_LABELS, grant_kinds=GRANT_KINDS, titles=_titles(), local=hours_policy().local)


@bp.route("/qualifications")
@login_required
def mine():
    return render_template("certification/mine.html", cells=services.person_cells(current_user, utcnow()), **_common())


@bp.route("/certification")
@staff_only
def matrix():
    now = utcnow()
    unit_id = request.args.get("unit", type=db_int)
    unit = None
    if unit_id:
        unit = db.session.get(Unit, unit_id) or abort(404)
        policy.require_unit_visible(current_user, unit)
    quals = services.active_qualifications()
    wanted = request.args.get("q", "")
    if wanted:
        quals = [q for q in quals if q.key == wanted] or abort(404)
    status = request.args.get("status", "")
    if status and status not in STATUSES:
        abort(400)
    people_query = policy.visible_users_query(current_user).where(User.active.is_(True), User.role.in_(REPORTED_ROLES))
    if unit is not None:
        people_query = people_query.where(User.unit_id.in_(unit.subtree_ids()))
    people = list(db.session.scalars(people_query))
    table = services.cells(people_query.with_only_columns(User.id).order_by(None), quals, now)
    if status:
        people = [p for p in people if any(table[(p.id, q.id)].status == status for q in quals)]
    page = max(1, request.args.get("page", 1, type=db_int))
    pages = max(1, -(-len(people) // PAGE_SIZE))
    shown = people[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    counts = {s: sum(1 for p in people for q in quals if table[(p.id, q.id)].status == s) for s in STATUSES}
    return render_template(
        "certification/matrix.html", people=shown, quals=services.active_qualifications(), shown_quals=quals, table=table,
        unit=unit, units=policy.visible_units(current_user), wanted=wanted, status=status, page=page, pages=pages,
        total=len(people), counts=counts, **_common())


def _managed_person(user_id: int) -> User:
    return policy.visible_person(current_user, user_id)


@bp.route("/certification/people/<int:user_id>")
@staff_only
def person(user_id: int):
    person = _managed_person(user_id)
    return render_template("certification/person.html", person=person, cells=services.person_cells(person, utcnow()),
                           renew_form=RenewForm(), revoke_form=RevokeForm(), **_common())


@bp.route("/certification/people/<int:user_id>/<key>/renew", methods=["POST"])
@staff_only
def renew(user_id: int, key: str):
    person = _managed_person(user_id)
    form = RenewForm()
    if form.validate_on_submit():
        report(
            lambda: services.renew(current_user, person, services.get_qualification(key), note=form.note.data or "", now=utcnow()),
            "已授予新的资格证书。",
        )
    return redirect(url_for("certification.person", user_id=person.id))


@bp.route("/certification/grants/<int:grant_id>/revoke", methods=["POST"])
@staff_only
def revoke(grant_id: int):
    grant = db.session.get(QualificationGrant, grant_id) or abort(404)
    policy.require_user_visible(current_user, grant.user)
    form = RevokeForm()
    if form.validate_on_submit():
        report(lambda: services.revoke(current_user, grant, reason=form.reason.data, now=utcnow()), "资格已撤销。")
    else:
        flash("撤销资格必须填写原因。", "error")
    return redirect(url_for("certification.person", user_id=grant.user_id))


def _issuer(person: User) -> str:
    """The company at the top of the person's unit tree, which is who stands behind the certificate."""
    if person.unit is not None:
        top_id = int(person.unit.path.strip("/").split("/")[0])
        top = db.session.get(Unit, top_id)
        if top is not None:
            return top.name
    return "供电服务规范培训平台"


@bp.route("/certificates/<int:grant_id>.pdf")
@login_required
def certificate(grant_id: int):
    grant = db.session.get(QualificationGrant, grant_id) or abort(404)
    if grant.user_id != current_user.id and current_user.role not in policy.STAFF_ROLES:
        abort(404)  # a trainee learns nothing about other people's grants
    policy.require_user_visible(current_user, grant.user)
    if grant.revoked_at is not None:
        raise TrainerError("该证书已撤销,不能下载。", f"grant {grant.id} revoked")
    seal_path = settings.current().cert_seal
    body = certificate_pdf(
        name=grant.user.display_name, qualification=grant.qualification.title, granted_at=grant.granted_at,
        expires_at=grant.expires_at, code=grant.code, verify_url=external_url("certification.verify", code=grant.code),
        issuer=_issuer(grant.user), font=find_font(current_app.config.get("PDF_FONT")), local=hours_policy().local,
        seal_png=seal.configured_png(seal_path) if seal_path else None,
    )
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="certificate-{grant.code}.pdf"'})


# Public look-ups are throttled per client address (per process), so the code space cannot be walked
# from one machine.
_hits_lock = threading.Lock()


def _throttle() -> None:
    limit = int(current_app.config.get("VERIFY_RATE_PER_MINUTE") or 0)
    if limit <= 0:
        return
    now, key = time.monotonic(), request.remote_addr or "-"
    with _hits_lock:
        hits: dict[str, deque] = current_app.extensions.setdefault("verify_hits", {})
        if len(hits) > 10_000:
            hits.clear()  # bounded memory; a reset only forgives a minute of look-ups
        window = hits.setdefault(key, deque())
        while window and now - window[0] > 60:
            window.popleft()
        if len(window) >= limit:
            abort(429)
        window.append(now)


@bp.route("/verify")
def verify_form():
    form = VerifyForm(request.args)
    if request.args.get("code") and form.validate():
        return redirect(url_for("certification.verify", code=services.normalize_code(form.code.data) or "-"))
    return render_template("certification/verify.html", form=form, result=None, looked_up=False)


@bp.route("/verify/<code>")
def verify(code: str):
    _throttle()
    now = utcnow()
    result = services.verify(code, now)
    form = VerifyForm(data={"code": code})
    status = 200 if result else 404
    return render_template("certification/verify.html", form=form, result=result, looked_up=True,
                           local=hours_policy().local), status
