"""Pages: the year's teams (班组长: their own; 供电所: all its teams), one team's sheet (fill, submit,
return, accept), the history, and the exports. Views are thin: check who may act, call one service, and
flash its error (trainer.web.flash_errors: the request's writes are then discarded) or re-show the form
with what was typed; the web layer commits (trainer/unit_of_work.py)."""

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.assessment import exports, reading, services
from trainer.assessment.models import STATUSES
from trainer.assessment.rules import SCORING_RULES
from trainer.auth import policy
from trainer.org.services import hours_policy
from trainer.pdf import find_font
from trainer.timeutil import utcnow
from trainer.web import flash_errors, report

bp = Blueprint("assessment", __name__)
staff_only = policy.roles_required("trainer", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        abort(404)
    return year


def _selected_year(now) -> int:
    raw = request.args.get("year", "")
    if not raw:
        return reading.assessment_calendar().current_year(now)
    if not raw.isdigit():
        abort(400)
    return _year(int(raw))


def _team(unit_id: int):
    return reading.visible_team(current_user, unit_id)  # NotFound / Forbidden become 404 / 403 pages


def _posted_values(standard) -> dict[str, tuple[str, str]]:
    """Manual items' fields from the form: ``points-<item id>`` and ``evidence-<item id>``."""
    return {item.id: (request.form.get(f"points-{item.id}", ""), request.form.get(f"evidence-{item.id}", ""))
            for item in standard.items if not item.platform and f"points-{item.id}" in request.form}


def _common() -> dict:
    return dict(statuses=STATUSES, rules=SCORING_RULES, local=hours_policy().local)


@bp.route("/assessment")
@staff_only
def index():
    now = utcnow()
    year = _selected_year(now)
    rows = reading.overview(current_user, year, now)
    row = reading.standard_row(year)
    calendar = reading.assessment_calendar()
    return render_template(
        "assessment/index.html", year=year, rows=rows, standard=row.definition if row else None,
        stage=calendar.stage(now, year), calendar=calendar, years=reading.years_to_show(now),
        reviewer=any(policy.reviews_team(current_user, r.team) for r in rows), **_common())


def _render_team(team, year: int, now, posted: dict | None = None, status: int = 200):
    view = reading.team_view(current_user, team, year, now)
    return render_template("assessment/team.html", view=view, history=reading.history(view.report),
                           posted=posted or {}, calendar=reading.assessment_calendar(), **_common()), status


@bp.route("/assessment/<int:year>/teams/<int:unit_id>")
@staff_only
def team(year: int, unit_id: int):
    return _render_team(_team(unit_id), _year(year), utcnow())


def _leader_post(year: int, unit_id: int, action, success: str):
    """Save or submit: on an error roll back and show the form again with what was typed, so nothing is lost."""
    team, now = _team(unit_id), utcnow()
    year = _year(year)
    if not policy.leads_team(current_user, team):
        abort(403)
    values = _posted_values(reading.standard_of(reading.find_report(team, year), year))
    with flash_errors(success) as outcome:
        action(current_user, team, year, values, now)
    if not outcome.ok:
        return _render_team(team, year, now, posted={k: {"points": p, "evidence": e} for k, (p, e) in values.items()})
    return redirect(url_for("assessment.team", year=year, unit_id=team.id))


@bp.route("/assessment/<int:year>/teams/<int:unit_id>/save", methods=["POST"])
@staff_only
def save(year: int, unit_id: int):
    return _leader_post(year, unit_id, services.save, "自查表已保存。")


@bp.route("/assessment/<int:year>/teams/<int:unit_id>/submit", methods=["POST"])
@staff_only
def submit(year: int, unit_id: int):
    return _leader_post(year, unit_id, services.submit, "自查表已报送供电所。")


def _reviewer_post(year: int, unit_id: int, action, success: str):
    team, now = _team(unit_id), utcnow()
    year = _year(year)
    if not policy.reviews_team(current_user, team):
        abort(403)
    report(lambda: action(team, year, now), success)
    return redirect(url_for("assessment.team", year=year, unit_id=team.id))


@bp.route("/assessment/<int:year>/teams/<int:unit_id>/return", methods=["POST"])
@staff_only
def return_report(year: int, unit_id: int):
    reason = request.form.get("reason", "")
    return _reviewer_post(year, unit_id, lambda team, y, now: services.return_report(current_user, team, y, reason, now),
                          "已退回班组修改。")


@bp.route("/assessment/<int:year>/teams/<int:unit_id>/accept", methods=["POST"])
@staff_only
def accept(year: int, unit_id: int):
    return _reviewer_post(year, unit_id, lambda team, y, now: services.accept(current_user, team, y, now), "已审核通过。")


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/assessment/<int:year>/teams/<int:unit_id>/report.pdf")
@staff_only
def team_pdf(year: int, unit_id: int):
    team, now, year = _team(unit_id), utcnow(), _year(year)
    result = reading.results(current_user, year, now, teams=[team])[0]
    body = exports.team_pdf(result, font=find_font(current_app.config.get("PDF_FONT")), local=hours_policy().local,
                            generated_at=now)
    return _download(body, "application/pdf", f"assessment-{year}-unit{team.id}.pdf")


@bp.route("/assessment/<int:year>/results.<any(xlsx, pdf):fmt>")
@staff_only
def results(year: int, fmt: str):
    now, year = utcnow(), _year(year)
    found = reading.results(current_user, year, now)
    local = hours_policy().local
    if fmt == "xlsx":
        return _download(exports.results_xlsx(found, year, local), XLSX, f"assessment-{year}.xlsx")
    body = exports.results_pdf(found, year, font=find_font(current_app.config.get("PDF_FONT")), local=local, generated_at=now)
    return _download(body, "application/pdf", f"assessment-{year}.pdf")
