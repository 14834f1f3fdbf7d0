"""Pages: my hours, the trainers' dashboard and drill-down, adjustments, classroom sessions, exports."""

from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from trainer import tabular
from trainer.auth import policy
from trainer.auth.models import User
from trainer.content.model import CREDIT_CATEGORIES
from trainer.extensions import db
from trainer.forms import choices
from trainer.hours import ACTIVITIES, SOURCES
from trainer.ids import db_int
from trainer.org.models import Unit
from trainer.org.services import breakdown_units
from trainer.pdf import find_font
from trainer.records import activity_report, charts, classroom, crediting, exports, report, services
from trainer.records.activity import active_policy
from trainer.records.forms import AdjustmentForm, ClassroomForm
from trainer.records.models import ClassroomSession
from trainer.timeutil import utcnow
from trainer.web import flash_errors

bp = Blueprint("records", __name__)
staff_only = policy.roles_required("trainer", "admin")
BEHIND_SHOWN = 200


def selected_year(now) -> int:
    """?year=YYYY, else the current training year; nonsense gets 400 rather than a silent default."""
    raw = request.args.get("year")
    if raw is None or raw == "":
        return services.hours_policy().year_of(now)
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        abort(400)
    return int(raw)


def selected_unit() -> Unit | None:
    unit_id = request.args.get("unit", type=db_int)
    if not unit_id:
        return None
    unit = db.session.get(Unit, unit_id) or abort(404)
    policy.require_unit_visible(current_user, unit)
    return unit


def person_context(person: User, year: int, now) -> dict:
    rules = services.hours_policy()
    summary = services.year_summary(person, year)
    time = activity_report.person_time(person, year, rules)
    return dict(
        active_rules=active_policy(), activities=ACTIVITIES, time=time, time_titles=activity_report.subject_titles(time),
        time_totals=activity_report.person_totals(person, year, rules), waiting=crediting.waiting_modules(person, year),
        person=person, year=year, summary=summary, entries=services.entries(person, year), rules=rules,
        years=services.yearly_totals(person), days_left=rules.days_left(now, year), deadline=rules.deadline_date(year),
        current_year=rules.year_of(now), categories=CREDIT_CATEGORIES, sources=SOURCES,
        suggestions=[] if summary.compliant else services.next_to_take(person, year),
    )


@bp.route("/hours")
@login_required
def my_hours():
    now = utcnow()
    return render_template("records/my_hours.html", **person_context(current_user, selected_year(now), now))


def transcript_response(person: User, year: int) -> Response:
    from flask import current_app

    now = utcnow()
    rules = services.hours_policy()
    names = report.unit_names()
    body = exports.transcript_pdf(
        person, year, services.year_summary(person, year), services.entries(person, year), services.yearly_totals(person),
        rules, font=find_font(current_app.config.get("PDF_FONT")), unit_name=names.get(person.unit_id, ""), generated_at=now,
    )
    filename = f"transcript-{person.username}-{year}.pdf"
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/hours/transcript.pdf")
@login_required
def my_transcript():
    return transcript_response(current_user, selected_year(utcnow()))


@bp.route("/records")
@staff_only
def dashboard():
    now = utcnow()
    year, unit = selected_year(now), selected_unit()
    rules = services.hours_policy()
    rows = report.hours_report(current_user, year, unit)
    units = [u for u in policy.visible_units(current_user) if unit is None or u.is_within(unit)]
    stats = report.unit_compliance(rows, units)
    active = [r for r in rows if r.active]
    lagging = report.behind(rows)
    current = rules.year_of(now)
    last_month = 12 if year < current else rules.local(now).month if year == current else 0
    trend = charts.hours_trend(year, breakdown_units(units, unit), stats, rules, last_month)
    return render_template(
        "records/dashboard.html", year=year, unit=unit, units=policy.visible_units(current_user), stats=stats,
        compliance_chart=charts.compliance_chart(stats, year), trend=trend, trend_chart=charts.trend_chart(trend, year, rules),
        months=charts.MONTHS[:max(last_month, 1)],
        behind=lagging[:BEHIND_SHOWN], behind_count=len(lagging), people=len(active),
        compliant=sum(1 for r in active if r.summary.compliant), rules=rules, days_left=rules.days_left(now, year),
        deadline=rules.deadline_date(year), current_year=rules.year_of(now), categories=CREDIT_CATEGORIES,
        active_rules=active_policy(),
    )


@bp.route("/records/report.<any(xlsx, csv):fmt>")
@staff_only
def export_report(fmt: str):
    now = utcnow()
    year, unit = selected_year(now), selected_unit()
    rows = report.hours_report(current_user, year, unit)
    name = f"hours-{year}" + (f"-unit{unit.id}" if unit else "")
    if fmt == "csv":
        return Response(exports.report_csv(rows), content_type="text/csv; charset=utf-8",  # not mimetype: that appends charset again
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    units = [u for u in policy.visible_units(current_user) if unit is None or u.is_within(unit)]
    body = exports.report_xlsx(rows, report.unit_compliance(rows, units), year)
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})


def _managed_person(user_id: int) -> User:
    return policy.visible_person(current_user, user_id)


@bp.route("/records/people/<int:user_id>")
@staff_only
def person(user_id: int):
    person, now = _managed_person(user_id), utcnow()
    context = person_context(person, selected_year(now), now)
    form = AdjustmentForm(year=context["year"], category=services.hours_policy().categories[0])
    return render_template("records/person.html", form=form, **context)


@bp.route("/records/people/<int:user_id>/adjustments", methods=["POST"])
@staff_only
def adjust(user_id: int):
    person = _managed_person(user_id)
    form = AdjustmentForm()
    if form.validate_on_submit():
        with flash_errors("学时调整已保存。"):
            services.adjust(current_user, person, year=form.year.data, category=form.category.data,
                            minutes=form.minutes.data, reason=form.reason.data, now=utcnow())
    else:
        for errors in form.errors.values():
            flash(errors[0], "error")
    return redirect(url_for("records.person", user_id=person.id, year=form.year.data or None))


@bp.route("/records/people/<int:user_id>/transcript.pdf")
@staff_only
def transcript(user_id: int):
    return transcript_response(_managed_person(user_id), selected_year(utcnow()))


@bp.route("/records/classroom")
@staff_only
def classroom_sessions():
    return render_template("records/classroom_list.html", sessions=classroom.visible_sessions(current_user),
                           categories=CREDIT_CATEGORIES)


def _attendee_choices(unit: Unit) -> list[User]:
    query = policy.visible_users_query(current_user).where(
        User.unit_id.in_(unit.subtree_ids()), User.active.is_(True), User.role.in_(report.REPORTED_ROLES))
    return list(db.session.scalars(query))


@bp.route("/records/classroom/new", methods=["GET", "POST"])
@staff_only
def new_classroom_session():
    units = policy.visible_units(current_user)
    if not units:
        flash("您还没有分配单位,无法记录集中培训。", "warning")
        return redirect(url_for("records.classroom_sessions"))
    form = ClassroomForm()
    form.unit_id.choices = choices((u.id, "　" * u.depth + u.name) for u in units)
    unit_id = form.unit_id.data if request.method == "POST" else request.args.get("unit", type=db_int)
    unit = next((u for u in units if u.id == unit_id), units[0])
    people = _attendee_choices(unit)
    form.attendees.choices = choices((p.id, p.display_name) for p in people)
    if request.method == "GET":
        form.unit_id.data = unit.id
        form.held_on.data = services.hours_policy().today(utcnow())
        form.minutes.data = 60
        form.category.data = services.hours_policy().categories[0]
    unmatched: list[str] = []
    if form.validate_on_submit():
        with flash_errors() as outcome:
            chosen = [p for p in people if p.id in set(form.attendees.data or [])]
            if form.sheet.data:
                upload = form.sheet.data
                sheet = classroom.match_sign_in_sheet(current_user, classroom.read_sign_in_sheet(upload.filename, upload.read()))
                unmatched = sheet.unmatched
                chosen += sheet.matched
            if unmatched:
                flash(f"签到表中有 {len(unmatched)} 行无法对应到人员,本次未记录。请修改签到表或手动勾选。", "error")
            else:
                session = classroom.record_session(
                    current_user, unit=unit, held_on=form.held_on.data, topic=form.topic.data, category=form.category.data,
                    minutes=form.minutes.data, attendees=chosen, now=utcnow(), note=form.note.data or "")
        if outcome.ok and not unmatched:
            flash(f"集中培训已记录,{len(classroom.attendees(session))} 人计入学时。", "success")
            return redirect(url_for("records.classroom_session", session_id=session.id))
    unmatched, hidden = tabular.first_problems(unmatched)
    return render_template("records/classroom_form.html", form=form, unit=unit, people=people, unmatched=unmatched,
                           hidden=hidden, units=units)


@bp.route("/records/classroom/template.xlsx")
@staff_only
def classroom_template():
    return Response(classroom.sign_in_template(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=sign-in-template.xlsx; "
                                                    f"filename*=UTF-8''{quote('签到表模板.xlsx')}"})


@bp.route("/records/classroom/<int:session_id>")
@staff_only
def classroom_session(session_id: int):
    session = db.session.get(ClassroomSession, session_id) or abort(404)
    policy.require_unit_visible(current_user, session.unit)
    return render_template("records/classroom_session.html", session=session, attendees=classroom.attendees(session),
                           categories=CREDIT_CATEGORIES)
