"""trainer backup / restore: a round trip gives back every row and audio file."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from trainer.auth.models import User
from trainer.courses import services
from trainer.courses.models import SectionRead
from trainer.extensions import db
from trainer.ops.backup import create_backup, restore_backup


def test_round_trip(app, people, content, tmp_path):
    learner = people["trainee_east"]
    learner_id, learner_name = learner.id, learner.display_name
    module = services.get_module("counter-basics")
    services.mark_section_read(learner, module.sections[0].id)
    db.session.commit()
    audio_dir = Path(app.config["AUDIO_DIR"])
    (audio_dir / "2026").mkdir(parents=True)
    (audio_dir / "2026" / "a.wav").write_bytes(b"RIFF-fake-audio")
    archive = tmp_path / "backup.tar.gz"

    manifest = create_backup(db.engine, audio_dir, archive)
    assert manifest["tables"]["user"] == 5 and manifest["audio_files"] == 1

    # Lose data, then restore.
    db.session.execute(SectionRead.__table__.delete())
    db.session.execute(User.__table__.update().values(display_name="被改掉"))
    db.session.commit()
    (audio_dir / "2026" / "a.wav").unlink()
    db.session.close()

    restore_backup(db.engine, audio_dir, archive)
    assert db.session.scalar(select(func.count(SectionRead.id))) == 1
    assert db.session.get(User, learner_id).display_name == learner_name
    assert (audio_dir / "2026" / "a.wav").read_bytes() == b"RIFF-fake-audio"
    # New rows still get fresh ids after restore (PostgreSQL sequences are reset).
    db.session.add(User(username="after-restore", display_name="新", role="trainee"))
    db.session.commit()


def test_refuses_archive_from_other_schema(app, tmp_path):
    import io
    import json
    import tarfile

    archive = tmp_path / "old.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = json.dumps({"format": 1, "revisions": ["0000"], "tables": {}, "audio_files": 0}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(ValueError, match="differs from database schema"):
        restore_backup(db.engine, tmp_path / "audio", archive)


def test_health_endpoint(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "not configured"}


def test_health_reports_redis_down(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["checks"]["redis"] == "error"
