"""Uploads of huge small files (100k rows in a few dozen kilobytes) are refused quickly with a short page,
and a broken file lists only its first problems; exports never write a live formula."""

import io

from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import Auth
from tests.quiz_support import import_through_page
from tests.unit.test_tabular import ROWS, xlsx
from trainer.content.model import QuestionDef
from trainer.extensions import db
from trainer.quiz.bankio import MAX_QUESTIONS
from trainer.quiz.excel import write_workbook
from trainer.quiz.models import QuestionBank
from trainer.records import services
from trainer.records.models import HoursEntry
from trainer.tabular import MAX_ERRORS_SHOWN
from trainer.timeutil import utcnow


def post_file(client, url, field, data, name, **form):
    """Encoded in memory: the test client spools a large body to a temporary file it never closes."""
    boundary, body = encode_multipart({**form, field: FileStorage(io.BytesIO(data), filename=name)})

    response = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    return response  # how long a refusal takes: benchmarks/upload_limits.py


def test_a_100k_row_bank_file_is_refused_fast_with_a_short_page(client, auth, people, content):
    auth.login("trainer_east")
    data = xlsx([["题型", "题干", "答案", "出处"], *(["单选题", f"题{i % 10}", "Z", ""] for i in range(ROWS))], title="题库")
    assert len(data) < 2_000_000
    response = post_file(client, "/banks/import", "file", data, "bank.xlsx", target="", title="大")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'name="token"' not in page  # refused: nothing kept, nothing to confirm
    assert f"一次最多导入 {MAX_QUESTIONS} 道题" in page and "道题未在此列出" in page
    assert len(page) < 100_000 and page.count('class="row-rejected"') == MAX_ERRORS_SHOWN + 1  # the file's, then the rows'
    assert db.session.scalar(select(func.count()).select_from(QuestionBank).where(QuestionBank.origin == "trainer")) == 0


def test_a_bank_file_with_few_errors_lists_them_all(client, auth, people, content):
    auth.login("trainer_east")
    data = xlsx([["题型", "题干", "答案", "出处"], *(["单选题", f"题{i}", "A", "000 §5.1"] for i in range(3))], title="题库")
    response = post_file(client, "/banks/import", "file", data, "bank.xlsx", target="", title="少")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.count('class="row-rejected"') == 3 and "未在此列出" not in page
    assert "需修改 3" in page and "没有可导入的题目" in page  # the preview lists them; nothing can be confirmed


def test_a_100k_row_sign_in_sheet_is_refused_fast(client, people, content, units):
    Auth(client).login("trainer_east")
    today = services.hours_policy().today(utcnow())
    data = ("用户名\n" + "\n".join(f"nobody{i}" for i in range(ROWS))).encode()
    response = post_file(client, "/records/classroom/new", "sheet", data, "签到表.csv", unit_id=units["east"].id,
                                  held_on=today.isoformat(), topic="职业道德", category="ethics", minutes="60")
    page = response.get_data(as_text=True)
    assert "签到表最多 2000 行" in page and len(page) < 100_000
    assert db.session.scalar(select(func.count()).select_from(HoursEntry)) == 0


def test_a_sign_in_sheet_with_many_unknown_names_lists_the_first(client, people, content, units):
    Auth(client).login("trainer_east")
    today = services.hours_policy().today(utcnow())
    data = ("用户名\n" + "\n".join(f"nobody{i}" for i in range(300))).encode()
    response = post_file(client, "/records/classroom/new", "sheet", data, "签到表.csv", unit_id=units["east"].id,
                                   held_on=today.isoformat(), topic="职业道德", category="ethics", minutes="60")
    page = response.get_data(as_text=True)
    assert "签到表中有 300 行无法对应到人员" in page and f"还有 {300 - MAX_ERRORS_SHOWN} 条错误未显示" in page
    assert "nobody49(" in page and "nobody50(" not in page


def test_a_100k_row_staff_list_is_refused_fast(client, people):
    Auth(client).login("admin")
    data = ("工号,姓名,岗位,单位\n" + "\n".join(f"E{i},张{i},营业厅,东区营业班" for i in range(ROWS))).encode()
    response = post_file(client, "/admin/import-staff", "file", data, "staff.csv", initial_password="Start-pass-2024")
    page = response.get_data(as_text=True)
    assert "一次最多导入 5000 行" in page and len(page) < 100_000


def test_a_staff_list_with_many_bad_rows_lists_the_first(client, people):
    Auth(client).login("admin")
    data = ("工号,姓名,岗位,单位\n" + "\n".join(f"E{i},张{i},营业厅,火星供电所" for i in range(200))).encode()
    response = post_file(client, "/admin/import-staff", "file", data, "staff.csv", initial_password="Start-pass-2024")
    page = response.get_data(as_text=True)
    assert "有 200 行无法导入" in page and page.count("找不到单位") == MAX_ERRORS_SHOWN
    assert f"还有 {200 - MAX_ERRORS_SHOWN} 条错误未显示" in page


def test_bank_export_never_writes_a_live_formula(client, auth, people, content):
    auth.login("trainer_east")
    question = QuestionDef(id="q1", type="single", stem='=HYPERLINK("http://evil.example","点我")', options=["=1+1", "@x"],
                           answer=[0], explanation="", source="000 §5.1", difficulty=1, tags=[])
    data = write_workbook("东区", [question])
    assert import_through_page(client, data, "bank.xlsx", title="东区").status_code == 302
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.origin == "trainer"))
    exported = client.get(f"/banks/{bank.key}/export.xlsx")
    row = list(load_workbook(io.BytesIO(exported.data))["题库"].iter_rows(min_row=2, max_row=2))[0]
    texts = [c for c in row if isinstance(c.value, str) and c.value.startswith(("=", "@"))]
    assert len(texts) == 3 and all(c.data_type == "s" for c in texts)
