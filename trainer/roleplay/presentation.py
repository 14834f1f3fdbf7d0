"""How an attempt is shown: the JSON the API and the page share, and the highlighted transcript.

The JSON keeps the field names of ``trainer score-audio --json`` (file, transcript, items, forbidden,
passed, score, audio_seconds, asr_seconds, chars_per_second) and adds what a web client needs.
"""

from __future__ import annotations

from flask import url_for

from trainer.roleplay.models import RoleplayAttempt, RoleplaySession
from trainer.scoring import normalize
from trainer.scoring.result import INTENT, ITEM_KINDS, PHRASE, split_alternatives


def segments(transcript: str, items: list[dict], forbidden: list[dict]) -> list[dict]:
    """The normalised transcript cut into ``{"text", "kind"}`` pieces, ``kind`` "hit" for words that
    matched an expected item, "forbidden" for a forbidden phrase (which wins over a hit), "" otherwise.
    The matcher reports spans of the normalised text, so that is the text shown."""
    text = normalize(transcript or "")
    kinds = [""] * len(text)
    for spans, kind in (([i.get("heard") for i in items if i.get("hit")], "hit"),
                        ([f.get("heard") for f in forbidden], "forbidden")):
        for span in spans:
            start = text.find(span) if span else -1
            if start >= 0:
                kinds[start:start + len(span)] = [kind] * len(span)
    pieces: list[dict] = []
    for char, kind in zip(text, kinds, strict=True):
        if pieces and pieces[-1]["kind"] == kind:
            pieces[-1]["text"] += char
        else:
            pieces.append({"text": char, "kind": kind})
    return pieces


def item_label(item: dict) -> str:
    """What the trainee reads for a rubric item: an intent's label ("要点:向客户致歉"), or a standard
    phrase with its alternatives ("标准用语:请稍候 / 请稍等")."""
    kind = item.get("kind") or PHRASE
    text = item.get("expect", "") if kind == INTENT else " / ".join(split_alternatives(item.get("expect", "")))
    return f"{ITEM_KINDS.get(kind, '')}:{text}"


def item_evidence(item: dict) -> str:
    """Why an item counted: the words heard and, when they differ, the wording or pattern that matched."""
    if not item.get("hit"):
        return ""
    heard, by = item.get("heard") or "", item.get("alternative") or ""
    return f"听到“{heard}”" + (f",匹配“{by}”" if by and normalize(by) != heard else "")


def item_json(item: dict) -> dict:
    return {"expect": item["expect"], "hit": item["hit"], "heard": item["heard"], "kind": item.get("kind") or PHRASE,
            "matched_by": item.get("alternative"), "label": item_label(item), "evidence": item_evidence(item)}


def session_json(session: RoleplaySession, next_url: str | None = None) -> dict:
    return {
        "id": session.id,
        "status": session.status,
        "finished": session.finished,
        "score": session.score,
        "passed": session.passed if session.finished else None,
        "summary_url": url_for("roleplay.summary", session_id=session.id),
        "next_url": next_url,
    }


def queue_state(attempt: RoleplayAttempt) -> dict | None:
    from trainer.roleplay import services

    return services.queue_state(attempt) if attempt.status == "pending" else None


def attempt_json(attempt: RoleplayAttempt) -> dict:
    turn = attempt.turn
    session = attempt.session
    later = [t for t in session.scenario.active_turns if t.position > turn.position]
    next_url = (url_for("roleplay.practice", session_id=session.id, turn=later[0].position) if later
                else url_for("roleplay.summary", session_id=session.id))
    return {
        "attempt_id": attempt.id,
        "status": attempt.status,
        "file": attempt.audio_name,
        "transcript": attempt.transcript,
        "items": [item_json(i) for i in attempt.items],
        "forbidden": [f["phrase"] for f in attempt.forbidden],
        "forbidden_heard": attempt.forbidden,
        "passed": attempt.passed,
        "score": attempt.score,
        "audio_seconds": attempt.audio_seconds,
        "asr_seconds": attempt.asr_seconds,
        "chars_per_second": attempt.chars_per_second,
        "response_delay_seconds": attempt.response_delay_seconds,
        "feedback": attempt.feedback,
        "segments": segments(attempt.transcript, attempt.items, attempt.forbidden),
        "engine": attempt.engine,
        "model": attempt.model,
        "error_code": attempt.error_code,
        "message": attempt.message,
        "override": ({"score": attempt.override_score, "passed": attempt.override_passed,
                      "reason": attempt.override_reason} if attempt.overridden else None),
        "scenario": session.scenario.key,
        "turn": turn.position,
        "model_answer": turn.model_answer,
        "model_answer_audio": url_for("roleplay.voice", turn_id=turn.id, kind="answer"),
        "audio_url": (url_for("roleplay.attempt_audio", attempt_id=attempt.id) if attempt.audio_name else None),
        "retry_url": (url_for("api.roleplay_retry", attempt_id=attempt.id) if attempt.status == "pending" else None),
        "status_url": url_for("api.roleplay_attempt", attempt_id=attempt.id),
        "queued": attempt.status == "pending" and attempt.error_code is None,
        "queue": queue_state(attempt),
        "session": session_json(session, next_url),
    }


def module_scenarios(_user, module) -> dict:
    """For the module page (courses.views.MODULE_PAGE_EXTRAS): the titles of the scenarios a module practises,
    so the page links them by name, never by id."""
    from sqlalchemy import select

    from trainer.extensions import db
    from trainer.roleplay.models import Scenario

    keys = list(module.scenario_keys or [])
    found = db.session.execute(select(Scenario.key, Scenario.title).where(Scenario.key.in_(keys))).all() if keys else []
    return {"scenario_titles": dict(found)}
