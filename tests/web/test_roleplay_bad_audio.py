"""One crafted recording must not break role-play for anyone (issue 13, item 5).

The probe uploaded a 1 KB WAV with bits per sample 0 and block align 0: decoding divided by zero, the
attempt stayed pending, and from then on every page that retries pending attempts answered 500.
"""

import struct
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import Auth
from tests.roleplay_support import GOOD_ANSWER, answer, make_wav
from trainer.extensions import db
from trainer.roleplay import services
from trainer.roleplay.models import RoleplayAttempt
from trainer.roleplay.services import storage
from trainer.timeutil import utcnow


def crafted_wav() -> bytes:
    fmt = struct.pack("<HHIIHH", 1, 1, 16000, 0, 0, 0)  # PCM, mono, 16 kHz, block align 0, 0 bits
    body = b"WAVEfmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", 1000) + b"\x01" * 1000
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.fixture
def session(app, people, content):
    s = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    return s


def _stored_files(app) -> list:
    return list(Path(app.config["AUDIO_DIR"]).rglob("*.wav"))


def test_crafted_wav_is_rejected_at_upload_and_not_kept(app, people, session):
    attempt = answer(app, people["trainee_east"], session, 1, GOOD_ANSWER, data=crafted_wav())
    assert attempt.status == "rejected" and attempt.error_code == "undecodable"
    assert "无法识别" in attempt.message
    assert attempt.audio_name is None and _stored_files(app) == []  # a non-audio upload is not stored


def _stored_pending(app, people, session, data: bytes) -> RoleplayAttempt:
    """A pending attempt whose file was stored before uploads were checked (what the probe left behind)."""
    turn = services.get_turn(session.scenario, 1)
    name = storage.save(app.config["AUDIO_DIR"], data)
    attempt = RoleplayAttempt(session=session, turn=turn, user_id=people["trainee_east"].id, status="pending",
                              audio_bytes=len(data), audio_name=name)
    db.session.add(attempt)
    db.session.commit()
    return attempt


def test_pages_and_retry_survive_a_bad_stored_file(app, client, people, session):
    from tests.web.test_roleplay import csrf_headers

    bad = _stored_pending(app, people, session, crafted_wav())
    auth = Auth(client)
    auth.login("trainee_east")
    assert client.get(f"/roleplay/sessions/{session.id}", follow_redirects=True).status_code == 200
    assert client.get(f"/roleplay/sessions/{session.id}/summary").status_code == 200
    # Pages never recognise (a GET never writes); the page's 重新识别 does, and stores why it cannot.
    retried = client.post(f"/api/v1/roleplay/attempts/{bad.id}/retry", headers=csrf_headers(client))
    assert retried.status_code == 422 and retried.get_json()["error_code"] == "undecodable"
    assert client.get(f"/roleplay/sessions/{session.id}").status_code == 200
    db.session.expire_all()
    bad = db.session.get(RoleplayAttempt, bad.id)
    assert bad.status == "rejected" and bad.error_code == "undecodable" and bad.error
    assert bad.audio_name is None and _stored_files(app) == []  # the unreadable file is deleted
    auth.logout()
    auth.login("trainer_east")
    assert client.get(f"/roleplay/review/{bad.id}").status_code == 200
    assert client.get("/roleplay/review").status_code == 200


def test_retry_pending_marks_an_unreadable_file_failed_and_goes_on(app, people, session, monkeypatch):
    from trainer.roleplay.commands import roleplay
    from trainer.roleplay.services import attempts

    bad = _stored_pending(app, people, session, make_wav(seed=7))
    good = _stored_pending(app, people, session, make_wav(seed=8))
    real_decode = attempts.decode_upload

    def decode(data, **limits):  # any unexpected decoder failure, not only the one we know of
        if data == make_wav(seed=7):
            raise ZeroDivisionError("integer modulo by zero")
        return real_decode(data, **limits)

    monkeypatch.setattr(attempts, "decode_upload", decode)
    app.config["ASR_FAKE_TRANSCRIPT"] = GOOD_ANSWER
    result = app.test_cli_runner().invoke(roleplay, ["retry-pending"])
    assert result.exit_code == 0, result.output
    assert "1 scored, 1 rejected" in result.output
    db.session.expire_all()
    assert db.session.get(RoleplayAttempt, good.id).status == "scored"
    bad = db.session.get(RoleplayAttempt, bad.id)
    assert bad.status == "rejected" and "ZeroDivisionError" in bad.error and "录音" in bad.message
    assert db.session.scalars(select(RoleplayAttempt).where(RoleplayAttempt.status == "pending")).all() == []


def test_trainer_review_pages_first_survive_a_bad_stored_file(app, client, people, session):
    bad = _stored_pending(app, people, session, crafted_wav())
    Auth(client).login("trainer_east")
    assert client.get(f"/roleplay/review/{bad.id}").status_code == 200
    assert client.get("/roleplay/review").status_code == 200
    assert client.get(f"/roleplay/sessions/{session.id}/summary").status_code == 200
    db.session.expire_all()
    assert db.session.get(RoleplayAttempt, bad.id).status in ("pending", "rejected")
