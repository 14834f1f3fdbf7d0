"""评分分歧 (trainer overrides that disagree with the automatic verdict, turned into content) and 评分试用
(score a typed or recorded answer to any turn through the practice scorer, storing nothing)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import FileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from trainer.auth import policy
from trainer.errors import Forbidden, TrainerError
from trainer.extensions import db
from trainer.ids import db_int
from trainer.roleplay import services
from trainer.roleplay.models import CASE_OUTCOMES, Scenario
from trainer.roleplay.presentation import item_json, segments
from trainer.roleplay.services import cases
from trainer.roleplay.services.recognition import app_recognizer, rubric_for, second_pass_enabled
from trainer.roleplay.views import bp
from trainer.speech.assess import assess
from trainer.speech.audio import AudioRejected, decode_upload
from trainer.timeutil import utcnow
from trainer.web import flash_errors

EXAMPLE_CHOICES = [SelectChoice("accept", "加为通过样例(accept)"), SelectChoice("reject", "加为不通过样例(reject)"),
                   SelectChoice("", "不加样例")]


class CaseForm(FlaskForm):
    example = RadioField("样例", choices=EXAMPLE_CHOICES, default="", validators=[Optional()])
    intent = SelectField("要点", choices=[], validate_choice=False)
    wording = StringField("新的说法(可选)", validators=[Optional(), Length(max=60, message="说法请不超过 60 字。")])


class TryForm(FlaskForm):
    turn = SelectField("情景与轮次", choices=[], validate_choice=False)
    answer = TextAreaField("回答(打字)", validators=[Optional(), Length(max=500, message="回答请不超过 500 字。")])
    audio = FileField("或上传录音(WAV)")


def _content_dir() -> str:
    return current_app.config["CONTENT_DIR"]


@bp.route("/roleplay/cases")
@policy.roles_required(*policy.STAFF_ROLES)
def cases_list():
    scenario_id = request.args.get("scenario", type=db_int) or None
    closed = request.args.get("closed") == "1"
    found = db.session.scalars(cases.case_query(current_user, scenario_id=scenario_id, closed=closed).limit(200)).all()
    scenarios = db.session.scalars(select(Scenario).where(Scenario.retired.is_(False)).order_by(Scenario.key)).all()
    agreement = cases.agreement_by_scenario(current_user)
    return render_template("roleplay/cases.html", cases=found, scenarios=scenarios, agreement=agreement,
                           chosen=scenario_id, closed=closed, outcomes=CASE_OUTCOMES, deciding=cases.deciding_items)


def _case_form(attempt) -> CaseForm:
    # The preview is a GET (it writes nothing) and reads its choices from the query string.
    form = CaseForm() if request.method == "POST" else CaseForm(request.args, meta={"csrf": False})
    form.intent.choices = [SelectChoice(i.id, f"{i.label}({i.id})") for i in rubric_for(attempt.turn).intents]
    if not form.example.raw_data:
        form.example.data = "accept" if attempt.override_passed else "reject"
    return form


@bp.route("/roleplay/cases/<int:attempt_id>")
@policy.roles_required(*policy.STAFF_ROLES)
def case(attempt_id: int):
    """The case with the edit it would make; ``?preview=1`` shows the diff (computed, nothing written)."""
    attempt = services.get_attempt(attempt_id)
    policy.require_user_visible(current_user, attempt.user)
    form = _case_form(attempt)
    change, problem = None, None
    if request.args.get("preview"):
        try:
            change = cases.propose(attempt, _content_dir(), example=form.example.data or None,
                                   intent_id=form.intent.data, wording=form.wording.data)
        except TrainerError as error:
            problem = error.message
    return render_template("roleplay/case.html", attempt=attempt, form=form, change=change, problem=problem,
                           segments=segments, deciding=cases.deciding_items(attempt), outcomes=CASE_OUTCOMES)


@bp.route("/roleplay/cases/<int:attempt_id>/apply", methods=["POST"])
@policy.roles_required(*policy.STAFF_ROLES)
def case_apply(attempt_id: int):
    attempt = services.get_attempt(attempt_id)
    policy.require_user_visible(current_user, attempt.user)
    form = _case_form(attempt)
    back = url_for("roleplay.case", attempt_id=attempt.id)
    if not form.validate():
        flash("表单已过期或填写有误,请重试。", "error")
        return redirect(back)
    with flash_errors(raises=(Forbidden,)) as outcome:
        if request.form.get("dismiss"):
            cases.dismiss(current_user, attempt, now=utcnow())
            flash("已标记为不采纳。", "success")
        else:
            example = form.example.data or None
            change = cases.propose(attempt, _content_dir(), example=example, intent_id=form.intent.data,
                                   wording=form.wording.data)
            cases.apply(current_user, attempt, change, _content_dir(), example=example, now=utcnow())
            flash(f"已写入 {change.relative},内容检查通过,评分已使用新的内容。", "success")
    if not outcome.ok:
        return redirect(back)
    return redirect(url_for("roleplay.cases_list"))


def _turn_choices() -> list[SelectChoice]:
    scenarios = db.session.scalars(select(Scenario).where(Scenario.retired.is_(False)).order_by(Scenario.key)).all()
    return [SelectChoice(f"{s.key}:{t.position}", f"{s.title} · 第 {t.position} 轮:{t.customer[:24]}")
            for s in scenarios for t in s.active_turns]


@bp.route("/roleplay/try", methods=["GET", "POST"])
@policy.roles_required(*policy.STAFF_ROLES)
def try_scoring():
    """评分试用: the verdict and evidence an answer would get in practice. POST computes, never stores."""
    form = TryForm()
    form.turn.choices = _turn_choices()
    if request.method == "GET" and request.args.get("turn"):
        form.turn.data = request.args["turn"]
    result, turn, heard_as = None, None, None
    if form.validate_on_submit():
        key, _, position = (form.turn.data or "").partition(":")
        turn = services.get_turn(services.get_scenario(key), db_int(position) or 0)
        upload = request.files.get(form.audio.name)
        try:
            result, heard_as = _score(turn, form.answer.data or "", upload)
        except AudioRejected as exc:
            flash(exc.message_zh, "error")
    elif request.method == "POST":
        flash("表单已过期或填写有误,请重试。", "error")
    return render_template("roleplay/try.html", form=form, turn=turn, result=result, heard_as=heard_as,
                           items=[item_json(i) for i in result["items"]] if result else [],
                           segments=segments)


def _score(turn, typed: str, upload):
    """Typed text goes straight to the scorer; a recording through recognition first, exactly as practice."""
    rubric = rubric_for(turn)
    if upload and upload.filename:
        limits = services.limits()
        audio = decode_upload(upload.read(), max_bytes=limits["max_bytes"], max_seconds=limits["max_seconds"])
        assessment = assess(audio, rubric, app_recognizer(), second_pass=second_pass_enabled())
        return assessment.result.to_dict(), "speech"
    if not typed.strip():
        abort(400, description="请输入回答或上传录音。")
    from trainer.scoring import score_transcript

    return score_transcript(typed, rubric).to_dict(), "text"
