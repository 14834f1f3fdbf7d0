"""题库 › 导入 in two steps (issue 15, point 2): the upload shows every question as 可导入 / 需修改 / 不支持 and writes
nothing; the file waits on the server (trainer/quiz/pending_imports.py) under a token only its uploader may
confirm, within BANK_IMPORT_MINUTES; the confirmation imports the good ones, or all or nothing."""

import io
import re
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import Auth
from trainer.extensions import db
from trainer.quiz import banks, manage
from trainer.quiz.models import QuestionBank
from trainer.timeutil import utcnow

MOODLE_EXAMPLES = Path(__file__).parents[1] / "fixtures" / "interop" / "gift" / "moodle_examples.txt"


def _trainer_banks() -> int:
    return db.session.scalar(select(func.count()).select_from(QuestionBank).where(QuestionBank.origin == "trainer"))


def _preview(client, data: bytes, name: str = "moodle_examples.txt", **form):
    fields = {"target": "", "title": "", "source": "Moodle 示例"} | form
    return client.post("/banks/import", data={**fields, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _token(page: str) -> str:
    match = re.search(r'name="token" type="hidden" value="([^"]+)"', page) or re.search(r'name="token" value="([^"]+)"', page)
    assert match, "no confirmation form on the page"
    return match.group(1)


def _confirm(client, token: str, **form):
    return client.post("/banks/import/confirm", data={"token": token, **form})


def _kept(app) -> list[Path]:
    folder = Path(app.config["BANK_IMPORT_DIR"])
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def trainer(auth, people, content):
    auth.login("trainer_east")
    return people["trainer_east"]


@pytest.fixture
def moodle():
    return MOODLE_EXAMPLES.read_bytes()


def test_the_preview_lists_every_question_and_writes_nothing(app, client, trainer, moodle):
    response = _preview(client, moodle)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    expected = banks.preview_import("moodle_examples.txt", moodle, default_source="Moodle 示例")
    counts = expected.counts()
    assert counts["ok"] and counts["fix"] and counts["unsupported"]  # the file has all three
    assert f"可导入 {counts['ok']}" in page and f"需修改 {counts['fix']}" in page and f"不支持 {counts['unsupported']}" in page
    assert page.count("<tr class=") == len(expected.items)
    assert "配对题本平台不支持(只有把每一项配到 1…n 的配对题可作为排序题导入)。" in page  # 不支持, with the reason
    assert "单选题中的部分得分选项" in page  # partial credit in a single-answer question: 需修改, never 多选
    assert "数值题" in page and "已使用本批出处。" in page  # numerical questions import; the batch 出处 is used
    assert f"导入 {counts['ok']} 道可导入的题" in page
    assert _trainer_banks() == 0  # nothing written
    kept = _kept(app)
    assert [p.suffix for p in kept] == [".bin", ".json"] and kept[0].read_bytes() == moodle
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept)  # readable by this account only
    assert stat.S_IMODE(kept[0].parent.stat().st_mode) == 0o700


def test_confirm_imports_only_the_good_ones(app, client, trainer, moodle):
    token = _token(_preview(client, moodle).get_data(as_text=True))
    response = _confirm(client, token)
    assert response.status_code == 302
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.origin == "trainer"))
    assert response.headers["Location"].endswith(f"/banks/{bank.key}")
    expected = banks.preview_import("moodle_examples.txt", moodle, default_source="Moodle 示例")
    good = expected.good
    assert len(bank.questions) == len(good) and bank.title == "moodle_examples"
    codes = {q.key.split(":", 1)[1] for q in bank.questions}
    assert {i.code for i in good if i.code} <= codes  # named ones keep their (generated) codes; others are numbered
    assert {q.type for q in bank.questions} >= {"single", "multiple", "true_false", "fill_blank", "numerical"}
    assert all(q.source == "Moodle 示例" for q in bank.questions)
    assert _kept(app) == []  # the kept file is removed once imported
    page = client.get(f"/banks/{bank.key}").get_data(as_text=True)
    assert f"新增 {len(good)} 题" in page and f"跳过 {len(expected.items) - len(good)} 题" in page
    assert _confirm(client, token).status_code == 404  # used once


def test_all_or_nothing_refuses_a_file_with_problems(app, client, trainer, moodle):
    token = _token(_preview(client, moodle).get_data(as_text=True))
    refused = _confirm(client, token, all_or_nothing="y")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "文件有错误,没有导入任何题目。" in page
    assert _trainer_banks() == 0
    assert _token(page) == token and len(_kept(app)) == 2  # the same preview again: the good ones can still go in
    assert _confirm(client, token).status_code == 302 and _trainer_banks() == 1


def test_all_or_nothing_imports_a_clean_file(client, trainer):
    text = "// 出处: 000 §5.2.1\n::tel::供电服务热线是 {=95598}。\n\n// 出处: 000 §5.2.1\n额定电压多少伏? {#220:5}\n"
    token = _token(_preview(client, text.encode(), "clean.gift", title="干净的题库").get_data(as_text=True))
    assert _confirm(client, token, all_or_nothing="y").status_code == 302
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.title == "干净的题库"))
    assert [(q.type, q.answer) for q in bank.questions] == [
        ("fill_blank", ["95598"]), ("numerical", [{"value": 220, "tolerance": 5, "credit": 1}])]


def test_another_user_cannot_confirm_someones_preview(app, client, trainer, moodle):
    token = _token(_preview(client, moodle).get_data(as_text=True))
    for other in ("trainer_west", "admin"):
        Auth(client).logout()
        Auth(client).login(other)
        response = _confirm(client, token)
        assert response.status_code == 403 and "这次预览不是您做的" in response.get_data(as_text=True)
        assert _confirm(client, token, cancel="取消").status_code == 403  # nor cancel it
    assert _trainer_banks() == 0 and len(_kept(app)) == 2
    Auth(client).logout()
    Auth(client).login("trainer_east")
    assert _confirm(client, token).status_code == 302


def test_an_expired_preview_is_refused_and_removed(app, client, trainer, moodle, monkeypatch):
    token = _token(_preview(client, moodle).get_data(as_text=True))
    later = utcnow() + timedelta(minutes=app.config["BANK_IMPORT_MINUTES"] + 1)
    monkeypatch.setattr(manage, "utcnow", lambda: later)
    response = _confirm(client, token)
    assert response.status_code == 409 and "已失效,请重新上传文件" in response.get_data(as_text=True)
    assert _trainer_banks() == 0 and _kept(app) == []


def test_old_previews_are_swept_when_another_is_stored(app, client, trainer, moodle, monkeypatch):
    _preview(client, moodle)
    later = utcnow() + timedelta(minutes=app.config["BANK_IMPORT_MINUTES"] + 1)
    monkeypatch.setattr(manage, "utcnow", lambda: later)
    token = _token(_preview(client, moodle).get_data(as_text=True))
    assert [p.stem for p in _kept(app)] == [token, token]


def test_cancel_removes_the_kept_file(app, client, trainer, moodle):
    token = _token(_preview(client, moodle).get_data(as_text=True))
    assert _confirm(client, token, cancel="取消").status_code == 302
    assert _kept(app) == [] and _trainer_banks() == 0


@pytest.mark.parametrize("token", ["", "../../secret_key", "x" * 43])
def test_a_forged_token_is_refused(client, trainer, token):
    response = _confirm(client, token)
    assert response.status_code in (302, 404) and _trainer_banks() == 0


def test_a_file_that_cannot_be_read_is_refused_and_not_kept(app, client, trainer):
    response = _preview(client, b"\xff\xfe not utf-8", "bad.gift")
    assert response.status_code == 400 and "GIFT 文件应为 UTF-8 编码。" in response.get_data(as_text=True)
    empty = _preview(client, "// 只有注释\n".encode(), "empty.gift")
    assert empty.status_code == 400 and "文件中没有题目。" in empty.get_data(as_text=True)
    assert _kept(app) == []


def test_an_html_stem_is_rendered_sanitised_on_the_attempt_page(app):
    item = {"question_id": 7, "type": "numerical", "type_label": "数值题", "position": 1, "points": 1, "options": [],
            "stem": '[html]<p onclick="x()">额定电压是 <b>多少</b> 伏?<script>alert(1)</script></p>', "response": ["220"],
            "checked": False, "answered_at": None}
    page = app.jinja_env.get_template("quiz/_question.html").render(item=item, attempt={"mode": "exam"})
    assert '<div class="stem"><p>额定电压是 <b>多少</b> 伏?</p></div>' in page and "script" not in page and "onclick" not in page
    assert 'inputmode="decimal" name="q7"' in page and 'value="220"' in page
    plain = app.jinja_env.get_template("quiz/_question.html").render(item=item | {"stem": "<b>不是 HTML</b>"}, attempt={"mode": "exam"})
    assert "&lt;b&gt;不是 HTML&lt;/b&gt;" in plain


def test_a_numerical_exam_from_an_imported_gift_file(client, trainer, people):
    from tests.web.test_quiz_api import token_for
    from trainer.quiz import exams

    text = "\n\n".join(f"// 出处: 000 §5.2.1\n::n{i}::第 {i} 题:额定电压多少伏? {{#=220:5 =%50%220:20~#差太多}}" for i in range(3))
    token = _token(_preview(client, text.encode(), "numbers.gift", title="数值题库").get_data(as_text=True))
    assert _confirm(client, token, all_or_nothing="y").status_code == 302
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.title == "数值题库"))
    exam = exams.create_exam(people["trainer_east"], exams.ExamInput(
        title="数值考试", description="", duration_minutes=30, pass_percent=60, max_attempts=3, shuffle_options=True,
        rules=[exams.DrawRule(banks=[bank.key], type="numerical", count=3, points=1)]))
    db.session.commit()
    Auth(client).logout()
    trainee = token_for(client, "trainee_east")
    state = client.post(f"/api/v1/exams/{exam.key}/attempts", headers=trainee).get_json()
    typed = ["２２３", "235", "两百二"]  # full-width and within 5: 1; within 20: 0.5; not a number: 0
    for item, response in zip(state["items"], typed, strict=True):
        saved = client.post(f"/api/v1/attempts/{state['id']}/answers", headers=trainee,
                            json={"question_id": item["question_id"], "response": [response]})
        assert saved.status_code == 200
    again = client.get(f"/api/v1/attempts/{state['id']}", headers=trainee).get_json()
    assert [i["response"] for i in again["items"]] == [[t] for t in typed]  # kept as typed
    result = client.post(f"/api/v1/attempts/{state['id']}/submit", headers=trainee).get_json()
    assert result["points"] == 1.5 and result["passed"] is False
    Auth(client).login("trainee_east")
    review = client.get(f"/attempts/{state['id']}/review").get_data(as_text=True)
    assert "220(误差 ±5) 或 220(误差 ±20)(得 50%)" in review and "您的答案:两百二" in review
