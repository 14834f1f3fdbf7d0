"""评分试用 and 评分分歧 pages through the Flask client."""

import shutil

from sqlalchemy import select

from tests.conftest import CONTENT, Auth
from tests.roleplay_support import answer, make_wav
from trainer.extensions import db
from trainer.roleplay import services
from trainer.roleplay.models import RoleplayAttempt
from trainer.timeutil import utcnow


def test_try_scores_typed_text_with_evidence_and_stores_nothing(client, people, content):
    Auth(client).login("trainer_east")
    page = client.get("/roleplay/try")
    assert page.status_code == 200 and "counter-greeting:1" in page.get_data(as_text=True)
    response = client.post("/roleplay/try", data={"turn": "counter-greeting:1", "answer": "您好!请坐。您想办理什么业务呢?"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "通过" in html
    assert "要点:询问客户需要办理什么" in html and "听到“想办理什么”" in html
    failed = client.post("/roleplay/try", data={"turn": "counter-greeting:1", "answer": "不清楚,你问别人去。"}).get_data(as_text=True)
    assert "未通过" in failed and "禁语“不清楚”" in failed
    assert db.session.scalars(select(RoleplayAttempt)).all() == []


def test_try_with_a_recording_goes_through_recognition(app, client, people, content):
    app.config["ASR_FAKE_TRANSCRIPT"] = "您好,请坐,请问您需要什么帮助?"
    Auth(client).login("trainer_east")
    import io

    response = client.post("/roleplay/try", data={"turn": "counter-greeting:1", "answer": "",
                                                  "audio": (io.BytesIO(make_wav()), "a.wav")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "按录音识别" in html and "请问您需要什么帮助" in html


def test_try_is_for_trainers(client, people, content):
    Auth(client).login("trainee_east")
    assert client.get("/roleplay/try").status_code == 403


def test_a_case_page_previews_the_diff_and_applies_it(app, client, people, content, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    app.config["CONTENT_DIR"] = str(root)
    session = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    attempt = answer(app, people["trainee_east"], session, 1, "您好,请坐,您办点啥?")
    services.override(people["trainer_east"], attempt, score=90, passed=True, reason="意思到了", now=utcnow())
    db.session.commit()
    Auth(client).login("trainer_east")
    listing = client.get("/roleplay/cases").get_data(as_text=True)
    assert "您办点啥" in listing and "缺少:询问客户需要办理什么" in listing
    preview = client.get(f"/roleplay/cases/{attempt.id}?preview=1&example=accept&intent=ask-need&wording=办点啥")
    text = preview.get_data(as_text=True)
    assert "+    intents: [{id: ask-need, wordings: [办点啥]}]" in text
    assert (root / "scenarios/counter-greeting.yaml").read_text(encoding="utf-8").count("办点啥") == 0  # GET wrote nothing
    done = client.post(f"/roleplay/cases/{attempt.id}/apply",
                       data={"example": "accept", "intent": "ask-need", "wording": "办点啥"})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert done.headers["Location"].endswith("/roleplay/cases"), client.get(done.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RoleplayAttempt, attempt.id).case_outcome == "accept"
    assert "办点啥" in (root / "scenarios/counter-greeting.yaml").read_text(encoding="utf-8")
