"""People and units. Admin manages everything; a trainer sees the people of their own units."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from trainer import tabular
from trainer.admin import services, staff_import
from trainer.admin.forms import StaffImportForm, UnitForm, UserForm
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


@bp.route("/import-staff", methods=["GET", "POST"])
@policy.roles_required("admin")
def import_staff():
    form = StaffImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        with flash_errors() as outcome:
            records = staff_import.read_table(upload.filename, upload.read())
            result = staff_import.import_staff(
                records, initial_password=form.initial_password.data, apply=not form.dry_run.data, actor=current_user._get_current_object()
            )
        if outcome.ok:
            if result.rejected:
                discard()  # all or nothing: a file with a bad row imports nobody
                flash(f"有 {len(result.rejected)} 行无法导入,本次未导入任何人员。请修改后重新上传。", "error")
            elif form.dry_run.data:
                discard()  # a check only
                flash("检查通过,可以导入。", "info")
            else:
                from trainer import audit

                audit.record(current_user, "user.import", upload.filename, created=result.count("created"), updated=result.count("updated"))
                flash(f"导入完成:新建 {result.count('created')} 人,更新 {result.count('updated')} 人。", "success")
    # A rejected file lists only its rejected rows, and only the first of those.
    rows, hidden = tabular.first_problems(result.rejected) if result and result.rejected else (result.rows if result else [], 0)
    return render_template("admin/import_staff.html", form=form, result=result, rows=rows, hidden=hidden)
