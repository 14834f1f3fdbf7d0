"""Helpers for role-play tests: WAV bytes made in memory, and a session answered through the services."""

import io
import wave

import numpy as np

from trainer.timeutil import utcnow

GOOD_ANSWER = "您好,请坐,请问您需要什么帮助吗?"
GOOD_BYE = "再见,您慢走!"


def make_wav(seconds: float = 2.0, *, rate: int = 16000, freq: float = 220.0, amplitude: float = 0.3,
             seed: int = 0) -> bytes:
    """A mono 16-bit WAV: a tone with a little noise (loud enough not to count as silence).
    ``seed`` changes the samples, so two recordings can be told apart by their fingerprint."""
    t = np.arange(int(seconds * rate)) / rate
    noise = np.random.default_rng(seed).normal(0, 0.01, t.size)
    samples = amplitude * np.sin(2 * np.pi * freq * t) + noise
    ints = np.clip(samples * 32767, -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(ints.tobytes())
    return buffer.getvalue()


def silent_wav(seconds: float = 2.0, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * int(seconds * rate))
    return buffer.getvalue()


def answer(app, user, session, position: int, text: str | None, data: bytes | None = None, delay=None):
    """Answer turn ``position`` of ``session`` as ``user`` with the fake recognizer hearing ``text``."""
    from trainer.extensions import db
    from trainer.roleplay import services

    if text is not None:
        app.config["ASR_FAKE_TRANSCRIPT"] = text
    turn = services.get_turn(session.scenario, position)
    attempt = upload_answer(user, session, turn, data or make_wav(seed=position), delay=delay)
    db.session.commit()
    return attempt


def upload_answer(user, session, turn, data: bytes, *, delay=None):
    """Both steps of an answer, as the upload's two units of work do them: store the recording and commit its
    pending row, then recognise (eager mode), queue it, or leave it to the workers."""
    from trainer.extensions import db
    from trainer.roleplay import services

    attempt = services.receive_upload(user, session, turn, data, now=utcnow(), response_delay=delay)
    db.session.commit()
    return services.dispatch(attempt, now=utcnow())


def roleplay_fixtures(people) -> dict:
    """For the route matrix: one answered session each for trainee_east and trainee_west; the customer
    voice switched off so its route answers the same (404) whether or not this machine has TTS."""
    from flask import current_app

    from trainer.extensions import db
    from trainer.roleplay import services

    current_app.config["TTS_ENABLED"] = False
    scenario = services.get_scenario("counter-greeting")
    found = {}
    for name in ("trainee_east", "trainee_west"):
        session = services.start_session(people[name], scenario, now=utcnow())
        db.session.commit()
        attempt = answer(current_app, people[name], session, 1, GOOD_ANSWER)
        found[f"rp_session_{name}"] = session.id
        found[f"rp_attempt_{name}"] = attempt.id
    found["rp_turn"] = services.get_turn(scenario, 1).id
    return found
