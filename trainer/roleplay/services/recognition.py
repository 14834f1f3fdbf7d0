"""The app's recognizer and a turn's rubric, from configuration and the database rows.

Kept apart from the attempt logic so that the engine choice (config keys ``ASR_*``) is read in one place.
The recognizer itself is cached per process by :func:`trainer.speech.recognizer.build_recognizer`.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from trainer.roleplay.models import ScenarioTurn
from trainer.scoring import Rubric
from trainer.speech.recognizer import Recognizer, build_recognizer


def models_dir() -> Path:
    return Path(current_app.instance_path) / "models"


def app_recognizer() -> Recognizer:
    """Build (once per process and configuration) the engine named by ``ASR_ENGINE``.

    May raise anything the engine raises while loading (``RecognizerError``, ``ModelStoreError``, …): the
    caller keeps the attempt pending in that case.
    """
    config = current_app.config
    engine = config["ASR_ENGINE"]
    if engine == "fake":
        # Tests and model-less demos: ASR_FAKE_TRANSCRIPT is a string, a {fingerprint: text} mapping or a
        # callable (audio, prompt) -> text, as FakeRecognizer takes them.
        return build_recognizer("fake", None, models_dir(), responses=config.get("ASR_FAKE_TRANSCRIPT") or "")
    opts = {}
    if engine == "faster-whisper":
        opts = {
            "device": config["ASR_DEVICE"],
            "compute_type": config["ASR_COMPUTE_TYPE"],
            "cpu_threads": int(config["ASR_THREADS"] or 0),
            "lanes": lanes(config),
        }
    return build_recognizer(engine, config.get("ASR_MODEL") or None, models_dir(), **opts)


def lanes(config) -> int:
    """``ASR_PARALLEL``: answers recognised at once in this process. 0 (the default): every available core
    when the web process recognises itself (no Redis), one where ``trainer worker`` processes do (one
    worker per core already uses every core; more lanes each would only oversubscribe them)."""
    from trainer.speech.recognizer import lanes_for

    return lanes_for(config.get("ASR_PARALLEL"), one_process_per_core=bool(config.get("REDIS_URL")))


def rubric_for(turn: ScenarioTurn) -> Rubric:
    return turn.rubric


def second_pass_enabled() -> bool:
    """``ASR_PROMPT``: whether an answer the plain recognition fails gets a second, phrase-biased pass
    (see trainer.speech.assess for why biasing every answer is worse)."""
    return bool(current_app.config.get("ASR_PROMPT", True))


def rescue_gate() -> float | None:
    """``ASR_RESCUE_GATE``: skip the biased decode for an answer whose missing phrase is farther than this
    from the audio (trainer.speech.assess.CALIBRATED_RESCUE_GATE); None: never skip."""
    value = current_app.config.get("ASR_RESCUE_GATE")
    return None if value in (None, "") else float(value)


def strategy() -> str:
    """``ASR_STRATEGY``: what a failing answer's follow-up is (trainer.speech.assess.STRATEGIES)."""
    from trainer.speech.assess import DEFAULT_STRATEGY

    return current_app.config.get("ASR_STRATEGY") or DEFAULT_STRATEGY
