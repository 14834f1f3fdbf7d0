"""Practice sessions and answers: receive (save first), recognise and score, finish, retry.

The order matters for "nothing a learner saved is lost": :func:`receive_answer` writes the recording and
a ``pending`` row, the caller commits, and only then :func:`score_attempt` runs the recognizer, which can
be slow or fail. A failure leaves the attempt pending with the error; :func:`retry_pending` (the CLI, a page
view, the API) scores it later. Bad audio is ``rejected`` with the reason shown to the trainee.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import datetime, timedelta

from sqlalchemy import select, update

from trainer import gates, signals
from trainer.errors import Forbidden, NotFound, StorageFull, ValidationFailed
from trainer.extensions import db
from trainer.lookup import active_by_key
from trainer.roleplay.models import RoleplayAttempt, RoleplaySession, Scenario, ScenarioTurn
from trainer.roleplay.services import paths, storage
from trainer.roleplay.services.recognition import (
    app_recognizer,
    rescue_gate,
    rubric_for,
    second_pass_enabled,
    strategy,
)
from trainer.speech.assess import Answer, assess_batch
from trainer.speech.audio import AudioRejected, audio_seconds, check_upload, decode_upload

log = logging.getLogger(__name__)

# A page view retries a pending attempt at most this often, so a broken engine does not slow every view.
RETRY_AFTER = timedelta(seconds=30)
MAX_DELAY_SECONDS = 600.0
PENDING_MESSAGE = "录音已保存。语音识别暂时不可用,稍后会自动评分,您也可以点“重新识别”。"
NOTHING_HEARD_MESSAGE = "没有听清您的回答,请靠近麦克风、清楚地再说一遍。"
UNREADABLE_MESSAGE = "无法读取这段录音,请重新录音。"


# ---------------------------------------------------------------- look-ups
def get_scenario(key: str) -> Scenario:
    return active_by_key(Scenario, key, "情景不存在。")


def get_turn(scenario: Scenario, position: int) -> ScenarioTurn:
    for turn in scenario.active_turns:
        if turn.position == position:
            return turn
    raise NotFound("该情景没有这一轮。", f"scenario {scenario.key!r} has no active turn {position}")


def get_session(session_id: int) -> RoleplaySession:
    session = db.session.get(RoleplaySession, session_id)
    if session is None:
        raise NotFound("练习记录不存在。", f"no roleplay session {session_id}")
    return session


def get_attempt(attempt_id: int) -> RoleplayAttempt:
    attempt = db.session.get(RoleplayAttempt, attempt_id)
    if attempt is None:
        raise NotFound("作答记录不存在。", f"no roleplay attempt {attempt_id}")
    return attempt


def require_owner(actor, session: RoleplaySession) -> None:
    if actor.id != session.user_id:
        raise Forbidden("只能在自己的练习中作答。", f"user {actor.id} is not the owner of session {session.id}")


def parse_delay(raw) -> float | None:
    """Seconds from the end of the customer's line to the first voiced frame, as the page measured it.
    A missing or implausible value is dropped (it only adjusts the pace feedback), never an error."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value) or value < 0 or value > MAX_DELAY_SECONDS:
        log.info("response delay %r ignored", raw)
        return None
    return round(value, 2)


# ---------------------------------------------------------------- sessions
def start_session(user, scenario: Scenario, *, now: datetime) -> RoleplaySession:
    if not scenario.active_turns:
        raise ValidationFailed("该情景还没有可练习的对话。", f"scenario {scenario.key!r} has no active turns")
    gates.require_unlocked(user, "scenario", scenario.key)  # a learning path's order (trainer/gates.py)
    session = RoleplaySession(user_id=user.id, scenario=scenario, started_at=now, status="active")
    db.session.add(session)
    db.session.flush()
    return session


def open_session_for(user, scenario: Scenario, *, now: datetime) -> RoleplaySession:
    """The user's newest unfinished session of ``scenario``, or a new one (API callers without a session)."""
    session = db.session.scalar(
        select(RoleplaySession)
        .where(RoleplaySession.user_id == user.id, RoleplaySession.scenario_id == scenario.id,
               RoleplaySession.status == "active")
        .order_by(RoleplaySession.id.desc())
        .limit(1)
    )
    return session or start_session(user, scenario, now=now)


def latest_attempts(session: RoleplaySession) -> dict[int, RoleplayAttempt]:
    """turn id → the trainee's latest answer to it (rejected recordings hold no answer and are skipped)."""
    latest: dict[int, RoleplayAttempt] = {}
    for attempt in sorted(session.attempts, key=lambda a: a.id):
        if attempt.status != "rejected":
            latest[attempt.turn_id] = attempt
    return latest


def _rank(attempt: RoleplayAttempt) -> tuple:
    return (attempt.resolved, attempt.resolved and attempt.effective_passed, attempt.effective_score or 0, attempt.id)


def counting_attempts(session: RoleplaySession) -> dict[int, RoleplayAttempt]:
    """turn id → the attempt that counts: the turn's best resolved answer (passed before failed, then the
    higher score, then the later one), so practising a passed turn again never takes the pass away. A turn
    with no resolved answer yet counts its latest pending one, which keeps the session open until scored."""
    best: dict[int, RoleplayAttempt] = {}
    for attempt in session.attempts:
        if attempt.status == "rejected" and not attempt.overridden:
            continue
        current = best.get(attempt.turn_id)
        if current is None or _rank(attempt) > _rank(current):
            best[attempt.turn_id] = attempt
    return best


def next_turn(session: RoleplaySession) -> ScenarioTurn | None:
    """The turn the conversation has reached without an answer yet (the path follows each turn's counting
    answer: :mod:`trainer.roleplay.services.paths`); ``None`` once it has closed or waits for a score."""
    steps = paths.walk(session, counting_attempts(session)).steps
    if steps and steps[-1].attempt is None:
        return steps[-1].turn
    return None


def evaluate_session(session: RoleplaySession, *, now: datetime) -> RoleplaySession:
    """Recompute status, score and pass from the turns on the session's path, each by its best attempt
    (:func:`counting_attempts`), and send ``scenario_passed`` the first time the session passes. A retry can only raise the result; a trainer's
    override of the counting attempt may lower it (``passed_at`` and the hours credited then stay, since a
    scenario credits once per year anyway)."""
    db.session.flush()
    path = paths.walk(session, counting_attempts(session))
    if not path.ended:
        session.status = "active"
        return session
    results = [step.attempt for step in path.steps]
    session.score = math.floor(sum(a.effective_score or 0 for a in results) / len(results) + 0.5)
    session.passed = all(a.effective_passed for a in results)
    session.ending, session.recovered = path.ending.turn_key, paths.recovered(path)
    if session.status != "finished":
        session.status = "finished"
        session.finished_at = now
    if session.passed and session.passed_at is None:
        session.passed_at = now
        db.session.flush()
        signals.scenario_passed.send(
            session.user, scenario=session.scenario, score=session.score,
            attempt_id=max(a.id for a in results), passed_at=now,
        )
    return session


# ---------------------------------------------------------------- answers
def receive_answer(
    user, session: RoleplaySession, turn: ScenarioTurn, data: bytes, *, response_delay: float | None,
    audio_dir: str, max_bytes: int, now: datetime,
) -> RoleplayAttempt:
    """Step 1: keep the recording. Returns a ``pending`` attempt (file saved), or a ``rejected`` one for a
    file over ``max_bytes`` (not written: the limit exists to protect the disk). The caller commits."""
    require_owner(user, session)
    if turn.scenario_id != session.scenario_id or turn.retired:
        raise NotFound("该情景没有这一轮。", f"turn {turn.id} is not part of session {session.id}")
    if not data:
        raise ValidationFailed("没有收到录音,请重新录音。", "empty audio upload")
    audio_name = None
    try:
        check_upload(data, max_bytes=max_bytes)  # too large or not a WAV we read: never written to disk
    except AudioRejected as exc:
        unusable = exc
    else:
        unusable = None
        # Written before any row exists: a failed write (disk full, quota) leaves neither a row without its
        # recording nor a half file (storage.save writes a temporary name and renames it).
        try:
            audio_name = storage.save(audio_dir, data)
        except OSError as exc:
            log.error("cannot store roleplay audio for user %s: %s", user.id, exc)
            raise StorageFull("服务器存储空间不足,录音未能保存,请稍后再试或联系管理员。",
                              f"audio write failed: {exc}") from exc
    attempt = RoleplayAttempt(
        session=session, turn=turn, user_id=user.id, status="pending", audio_bytes=len(data),
        response_delay_seconds=response_delay, created_at=now, audio_name=audio_name,
    )
    db.session.add(attempt)
    if unusable is not None:
        _reject(attempt, unusable.code, unusable.message_zh, unusable.detail)
    db.session.flush()
    return attempt


def score_attempt(
    attempt: RoleplayAttempt, *, audio_dir: str, max_bytes: int, max_seconds: float, now: datetime,
) -> RoleplayAttempt:
    """Step 2: decode, recognise, score a pending attempt, then re-evaluate its session. Anything else is
    left as it is. Never raises for bad audio or a failing engine: the outcome is in ``attempt.status``."""
    return score_attempts([attempt], audio_dir=audio_dir, max_bytes=max_bytes, max_seconds=max_seconds, now=now)[0]


def score_attempts(
    attempts: list[RoleplayAttempt], *, audio_dir: str, max_bytes: int, max_seconds: float, now: datetime,
) -> list[RoleplayAttempt]:
    """:func:`score_attempt` for several pending attempts at once: their recordings are recognised together
    (one batch through the engine), then each is claimed and stored. The caller commits.

    Recognition comes *before* the claim, so no write lock is held while the engine works (SQLite has one
    writer: uploads must not wait for recognition). The claim is still the conditional UPDATE of
    :func:`_claim`, and nothing is written for an attempt whose claim fails: if two scorers recognise the
    same answer, only the first to claim it stores a result, and an answer is never scored twice.
    """
    ready: list[tuple[RoleplayAttempt, object]] = []  # (attempt, AudioData or _Unusable)
    for attempt in attempts:
        if attempt.status == "pending" and attempt.audio_name:
            ready.append((attempt, _load(attempt, audio_dir, max_bytes, max_seconds)))
    answers = [(attempt, audio) for attempt, audio in ready if not isinstance(audio, _Unusable)]
    assessed: dict[int, object] = {}
    if answers:
        try:
            results = assess_batch(
                [Answer(audio, rubric_for(attempt.turn), attempt.response_delay_seconds) for attempt, audio in answers],
                app_recognizer(), second_pass=second_pass_enabled(), strategy=strategy(), rescue_gate=rescue_gate(),
            )
            assessed = {id(attempt): result for (attempt, _), result in zip(answers, results, strict=True)}
        except Exception as exc:  # any engine failure (model missing, out of memory…): keep the answers, retry later
            log.exception("recognition failed for roleplay attempts %s", [a.id for a, _ in answers])
            failure = f"{type(exc).__name__}: {exc}"
            assessed = {id(attempt): failure for attempt, _ in answers}
    for attempt, audio in ready:
        if not _claim(attempt, now):
            continue
        if isinstance(audio, _Unusable):  # the recording could not be used: store why
            audio.apply(attempt, audio_dir)
            continue
        attempt.audio_seconds = round(audio_seconds(audio), 3)
        outcome = assessed[id(attempt)]
        if isinstance(outcome, str):
            _keep_pending(attempt, "recognizer", outcome)
        else:
            _apply(attempt, outcome, now)
    return attempts


class _Unusable:
    """Why a stored recording cannot be recognised; :meth:`apply` records it once the attempt is claimed."""

    def __init__(self, code: str, detail: str, *, reject: AudioRejected | None = None, delete: bool = False):
        self.code, self.detail, self.reject, self.delete = code, detail, reject, delete

    def apply(self, attempt: RoleplayAttempt, audio_dir: str) -> RoleplayAttempt:
        if self.delete:
            _delete_audio(attempt, audio_dir)
        if self.reject is None:
            return _keep_pending(attempt, self.code, self.detail)
        return _reject(attempt, self.code, self.reject.message_zh, self.detail)


def _load(attempt: RoleplayAttempt, audio_dir: str, max_bytes: int, max_seconds: float):
    """The decoded recording, or an :class:`_Unusable` saying why there is none."""
    try:
        data = storage.read(audio_dir, attempt.audio_name)
    except OSError as exc:
        return _Unusable("audio_missing", f"cannot read {attempt.audio_name}: {exc}")
    try:
        return decode_upload(data, max_bytes=max_bytes, max_seconds=max_seconds)
    except AudioRejected as exc:
        return _Unusable(exc.code, exc.detail, reject=exc, delete=exc.code == "undecodable")
    except Exception as exc:  # a stored file the decoder chokes on fails alone, never every page that retries it
        log.exception("cannot decode roleplay attempt %s", attempt.id)
        unreadable = AudioRejected("undecodable", UNREADABLE_MESSAGE, f"{type(exc).__name__}: {exc}")
        return _Unusable("undecodable", unreadable.detail, reject=unreadable, delete=True)


def _apply(attempt: RoleplayAttempt, assessment, now: datetime) -> RoleplayAttempt:
    heard = assessment.heard
    attempt.engine, attempt.model = heard.engine, heard.model[:200]
    attempt.asr_seconds = round(assessment.asr_seconds, 3)
    if heard.nothing_heard:
        return _reject(attempt, "nothing_heard", NOTHING_HEARD_MESSAGE, heard.reason or "nothing heard")
    _store_result(attempt, assessment.result)
    attempt.scored_at = now
    evaluate_session(attempt.session, now=now)
    return attempt


def _claim(attempt: RoleplayAttempt, now: datetime) -> bool:
    """Count a try with a conditional UPDATE that only matches a still-pending row. On PostgreSQL a
    second scorer (another worker, ``retry-pending``, a page view) blocks on the row lock until the first
    commits, then matches nothing and leaves the attempt alone: an answer is never scored twice."""
    result = db.session.execute(
        update(RoleplayAttempt)
        .where(RoleplayAttempt.id == attempt.id, RoleplayAttempt.status == "pending")
        .values(tries=RoleplayAttempt.tries + 1, tried_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    if result.rowcount != 1:
        log.info("roleplay attempt %s already %s; not scored again", attempt.id, attempt.status)
        return False
    return True


def _store_result(attempt: RoleplayAttempt, result) -> None:
    attempt.status = "scored"
    attempt.transcript = result.transcript
    attempt.items_json = json.dumps([i.to_dict() for i in result.items], ensure_ascii=False)
    attempt.forbidden_json = json.dumps(
        [{"phrase": f.phrase, "heard": f.heard} for f in result.forbidden], ensure_ascii=False
    )
    attempt.feedback_json = json.dumps(list(result.feedback), ensure_ascii=False)
    attempt.score = result.score
    attempt.passed = result.passed
    attempt.chars_per_second = result.chars_per_second
    attempt.error_code = attempt.error = attempt.message = None


def _reject(attempt: RoleplayAttempt, code: str, message: str, detail: str) -> RoleplayAttempt:
    log.info("roleplay attempt rejected (%s): %s", code, detail)
    attempt.status = "rejected"
    attempt.error_code, attempt.message, attempt.error = code, message[:200], detail
    return attempt


def _delete_audio(attempt: RoleplayAttempt, audio_dir: str) -> None:
    """An unreadable file holds no answer: delete it rather than keep it forever."""
    storage.path_for(audio_dir, attempt.audio_name).unlink(missing_ok=True)
    attempt.audio_name = None


def _keep_pending(attempt: RoleplayAttempt, code: str, detail: str) -> RoleplayAttempt:
    attempt.error_code, attempt.message, attempt.error = code, PENDING_MESSAGE, detail
    return attempt


def pending_attempts(*, session: RoleplaySession | None = None, tried_before: datetime | None = None,
                     limit: int | None = None) -> list[RoleplayAttempt]:
    query = select(RoleplayAttempt).where(RoleplayAttempt.status == "pending").order_by(RoleplayAttempt.id)
    if session is not None:
        query = query.where(RoleplayAttempt.session_id == session.id)
    if tried_before is not None:
        query = query.where((RoleplayAttempt.tried_at.is_(None)) | (RoleplayAttempt.tried_at < tried_before))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def retry_pending(attempts: list[RoleplayAttempt], *, now: datetime, **limits) -> list[RoleplayAttempt]:
    """Score each pending attempt again (``limits``: audio_dir, max_bytes, max_seconds); returns them."""
    for attempt in attempts:
        score_attempt(attempt, now=now, **limits)
    return attempts


def retry_due(session: RoleplaySession, *, now: datetime) -> list[RoleplayAttempt]:
    """A page view's nudge: the session's pending attempts not tried in the last ``RETRY_AFTER`` are queued
    for the workers (RQ, or the process's own: :mod:`trainer.roleplay.inline`); queueing is idempotent and
    writes nothing to the database, so a GET may call it. Never recognises: in eager mode (tests, no worker)
    it does nothing, and ``trainer roleplay retry-pending`` or the page's 重新识别 (a POST) scores them.
    Returns the attempts queued."""
    from flask import current_app

    from trainer.roleplay import inline, queue

    due = pending_attempts(session=session, tried_before=now - RETRY_AFTER)
    if queue.enabled():  # the enqueue is idempotent
        for attempt in due:
            queue.enqueue(attempt.id)
        return due
    app = current_app._get_current_object()
    if inline.eager(app):
        return []
    for attempt in due:
        inline.get_queue(app).submit(attempt.id)
    return due
