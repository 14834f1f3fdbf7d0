"""People and units. Admin manages everything; a trainer sees the people of their own units."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from trainer import tabular
from trainer.admin import services, staff_import
from trainer.admin.forms import StaffImportConfirmForm, StaffImportForm, UnitForm, UserForm
from trainer.auth import policy
from trainer.auth.models import User
from trainer.courses import services as course_services
from trainer.extensions import db
from trainer.forms import choices
from trainer.ids import db_int
from trainer.org.models import Unit
from trainer.unit_of_work import discard
from trainer.web import flash_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit_choices(units: list[Unit], blank: str | None = None):
    pairs = [(0, blank)] if blank else []
    return choices(pairs + [(u.id, "　" * u.depth + u.name) for u in units])


@bp.route("/units", methods=["GET", "POST"])
@policy.roles_required("admin")
def units():
    all_units = policy.visible_units(current_user)
    form = UnitForm()
    form.parent_id.choices = _unit_choices(all_units, "(无,顶级公司)")
    if form.validate_on_submit():
        with flash_errors("单位已添加。") as outcome:
            parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
            services.create_unit(current_user, form.name.data, form.kind.data, parent)
        if outcome.ok:
            return redirect(url_for("admin.units"))
    counts = dict(db.session.execute(select(User.unit_id, func.count(User.id)).group_by(User.unit_id)).all())
    return render_template("admin/units.html", units=all_units, form=form, counts=counts)


@bp.route("/users")
@policy.roles_required("trainer", "admin")
def users():
    query = policy.visible_users_query(current_user)
    text = request.args.get("q", "").strip()
    if text:
        like = f"%{text}%"
        query = query.where(or_(User.username.like(like), User.display_name.like(like), User.employee_no.like(like)))
    unit_id = request.args.get("unit", type=db_int)
    if unit_id:
        unit = db.session.get(Unit, unit_id) or abort(404)
        policy.require_unit_visible(current_user, unit)
        query = query.where(User.unit_id.in_(unit.subtree_ids()))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", page=page, q=text, unit_id=unit_id, units=policy.visible_units(current_user))


@bp.route("/users/<int:user_id>")
@policy.roles_required("trainer", "admin")
def person(user_id: int):
    person = policy.visible_person(current_user, user_id)
    per_module = course_services.module_progress(person)
    courses = [(c, course_services.course_progress(c, per_module)) for c in course_services.active_courses()]
    return render_template("admin/person.html", person=person, courses=courses, per_module=per_module)


@bp.route("/users/new", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@policy.roles_required("admin")
def edit_user(user_id: int | None):
    user = db.session.get(User, user_id) if user_id else None
    if user_id and user is None:
        abort(404)
    form = UserForm(obj=user)
    form.unit_id.choices = _unit_choices(policy.visible_units(current_user), "(无)")
    if request.method == "GET" and user is not None:
        form.unit_id.data = user.unit_id or 0
    if form.validate_on_submit():
        with flash_errors("账号已保存。") as outcome:
            services.save_user(
                current_user, user, username=form.username.data.strip(), display_name=form.display_name.data.strip(),
                employee_no=(form.employee_no.data or "").strip() or None, role=form.role.data,
                position=(form.position.data or "").strip(),
                unit=db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None,
                active=form.active.data, password=form.password.data or None,
            )
        if outcome.ok:
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


IMPORT_SALT = "staff-import"
IMPORT_MAX_AGE = 30 * 60  # seconds a preview may be confirmed
MAX_DIFF_SHOWN = 1000


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=IMPORT_SALT)


def _confirm_form(records: list[dict], disable_missing: bool, source: str, result) -> StaffImportConfirmForm:
    """The confirmation carries the list as read (signed, compressed), never the diff: confirming plans again."""
    token = _signer().dumps({"actor": current_user.id, "records": records, "disable_missing": disable_missing,
                             "source": source, "fingerprint": result.fingerprint()})
    return StaffImportConfirmForm(formdata=None, token=token)


def _import_page(form, result=None, confirm=None):
    if result is not None and result.rejected:
        rows, hidden = tabular.first_problems(result.rejected)  # a rejected file lists its first problems
    else:
        listed = [r for r in (result.rows if result else []) if r.action != "unchanged" or r.reason]
        rows, hidden = listed[:MAX_DIFF_SHOWN], max(0, len(listed) - MAX_DIFF_SHOWN)
    return render_template("admin/import_staff.html", form=form, result=result, rows=rows, hidden=hidden, confirm=confirm)


@bp.route("/import-staff", methods=["GET", "POST"])
@policy.roles_required("admin")
def import_staff():
    """Upload a list: the diff is shown and nothing is written (the confirmation applies it)."""
    form = StaffImportForm()
    result = confirm = None
    if form.validate_on_submit():
        upload = form.file.data
        actor = current_user._get_current_object()
        with flash_errors() as outcome:
            records = staff_import.read_table(upload.filename, upload.read())
            result = staff_import.plan(records, disable_missing=form.disable_missing.data, actor=actor)
        discard()  # a preview writes nothing
        if outcome.ok:
            if result.rejected:
                flash(f"有 {len(result.rejected)} 行无法导入,本次未导入任何人员。请修改后重新上传。", "error")
            elif not result.rows:
                flash("名单中没有人员。", "warning")
            else:
                confirm = _confirm_form(records, form.disable_missing.data, upload.filename, result)
    return _import_page(form, result, confirm)


@bp.route("/import-staff/confirm", methods=["POST"])
@policy.roles_required("admin")
def import_staff_confirm():
    """Apply a previewed list: re-read from the signed token and planned again; if the plan differs from
    the one shown (someone changed people or units meanwhile), the new diff is shown instead."""
    confirm = StaffImportConfirmForm()
    try:
        payload = _signer().loads(confirm.token.data or "", max_age=IMPORT_MAX_AGE)
    except BadSignature:  # also SignatureExpired
        flash("这次预览已过期或无效,请重新上传名单。", "error")
        return redirect(url_for("admin.import_staff"))
    if payload.get("actor") != current_user.id:
        flash("这次预览不是您做的,请重新上传名单。", "error")
        return redirect(url_for("admin.import_staff"))
    actor = current_user._get_current_object()
    records, disable_missing = payload["records"], payload["disable_missing"]
    result = staff_import.plan(records, disable_missing=disable_missing, actor=actor)
    if result.fingerprint() != payload["fingerprint"]:
        flash("预览之后人员或单位已有变化,下面是新的差异,请核对后再确认。", "warning")
        return _import_page(StaffImportForm(formdata=None), result, _confirm_form(records, disable_missing, payload["source"], result))
    if confirm.validate_on_submit():
        with flash_errors() as outcome:
            staff_import.apply_plan(result, initial_password=confirm.initial_password.data or None, actor=actor,
                                    source=payload["source"])
        if outcome.ok:
            counts = result.counts()
            flash(f"导入完成:新建 {counts['created']} 人,更新 {counts['updated']} 人(其中调动单位 {counts['moved']} 人),"
                  f"停用 {counts['disabled']} 人。", "success")
            return redirect(url_for("admin.import_staff"))
    return _import_page(StaffImportForm(formdata=None), result, confirm)


@bp.route("/import-staff/template.xlsx")
@policy.roles_required("admin")
def import_staff_template():
    return Response(staff_import.template_workbook(), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''%E4%BA%BA%E5%91%98%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"})
