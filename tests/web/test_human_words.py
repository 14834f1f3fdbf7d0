"""Trainee pages speak in words (issue 16, point 4): citations as the document's name and the clause's place and
opening words, linked to the clause page with the code in the hover text; scenarios by title, never by id;
classroom sessions in 学时."""

import re
from datetime import date

from markupsafe import Markup

from tests.conftest import Auth, csrf_token_from
from trainer.content.clause_text import describe, split_sources


def test_a_citation_in_words():
    ref = describe("000 §4.4.1")
    assert ref.name == "《供电营业员工文明服务行为规范》(南方电网)第 4.4.1 条"
    assert ref.short_title == "耐心听取客户的意见" and ref.hover.startswith("000 §4.4.1:耐心听取")
    assert describe("001 篇1 八.(二).10").name == "《供电所文明规范服务标准实施细则》八、(二)10"
    assert describe("004 三.4.b").name == "《用电客户受理员标准化操作规程》三、4.b"
    assert describe("001 篇1 第二则.三").name == "《供电所文明规范服务标准实施细则》第二则 三"
    outside = describe("000 篇2")  # a part the index does not hold: named, not quoted
    assert outside.name == "《供电营业员工文明服务行为规范》(南方电网)第2篇" and outside.title == ""
    assert describe("no such thing").name == "no such thing"  # unreadable: shown as written
    assert split_sources("000 §5.2.5、002 三.5") == ["000 §5.2.5", "002 三.5"]


def test_the_filters_link_each_citation_and_keep_the_code_for_hover(app):
    with app.test_request_context():
        html = app.jinja_env.filters["citations"](["000 §5.1", "000 §6.1"])
        prose = app.jinja_env.filters["cite_prose"]("向客户道歉(004 三.3.d、三.3.e)。<b>")
        kept = app.jinja_env.filters["cite_prose"](Markup("<p>见 000 §5.2.5</p>"))
    assert html.count('<a class="cite"') == 2 and 'title="000 §5.1:' in html and "/clauses?ref=000" in html
    assert "《供电营业员工文明服务行为规范》(南方电网)第 5.1 条" in html and "000 §" not in re.sub(r'"[^"]*"', "", html)
    assert "《用电客户受理员标准化操作规程》三、3.d</a>、<a" in prose and ">三、3.e</a>)" in prose
    assert prose.endswith("。&lt;b&gt;")  # plain text is escaped
    assert kept.startswith("<p>见 <a") and kept.endswith("</a></p>")  # safe HTML stays HTML


def test_module_page_shows_citations_and_scenarios_in_words(client, people, content):
    Auth(client).login("trainee_east")
    page = client.get("/modules/counter-basics").get_data(as_text=True)
    meta = page.split('<p class="meta">', 1)[1].split("</p>", 1)[0]
    assert "依据 <a class=\"cite\"" in meta and "《供电营业员工文明服务行为规范》(南方电网)第 5.1 条" in meta
    section = page.split('<section class="card">', 1)[1].split("</section>", 1)[0] if "配套情景演练" in page else ""
    assert "配套情景演练" in section and ">客户来到柜台<" in section and ">counter-greeting<" not in section


def test_clause_page_quotes_the_clause(client, people, content):
    Auth(client).login("trainee_east")
    page = client.get("/clauses", query_string={"ref": "000 §5.1"}).get_data(as_text=True)
    assert "<h1>《供电营业员工文明服务行为规范》(南方电网)第 5.1 条</h1>" in page
    assert 'class="clause-quote"' in page and "第 5.1.1 条" in page  # the clauses under it
    assert "柜台服务基础" in page  # the module that cites it
    assert client.get("/clauses", query_string={"ref": "000 §99.9"}).status_code == 404
    assert client.get("/clauses").status_code == 404


def test_classroom_pages_count_in_hours(client, people, units):
    from trainer.extensions import db
    from trainer.records.classroom import record_session
    from trainer.timeutil import utcnow

    session = record_session(people["trainer_east"], unit=units["east"], held_on=date(2026, 3, 2), topic="廉洁从业",
                             category="ethics", minutes=90, attendees=[people["trainee_east"]], now=utcnow())
    db.session.commit()
    Auth(client).login("trainer_east")
    listing = client.get("/records/classroom").get_data(as_text=True)
    detail = client.get(f"/records/classroom/{session.id}").get_data(as_text=True)
    assert "1.5 学时" in listing and "分钟" not in listing.split("<table", 1)[1]
    assert "1.5 学时" in detail and "90 分钟" not in detail


def test_checked_answers_carry_their_citations_in_words(client, people, content):
    """The practice page's script shows 依据 and 解析 from the answer check: in words there too."""
    from trainer.content.clause_text import in_words

    assert in_words("000 §5.2.1") == "《供电营业员工文明服务行为规范》(南方电网)第 5.2.1 条"
    assert in_words("道歉(004 三.3.d、三.3.e)。") == "道歉(《用电客户受理员标准化操作规程》三、3.d、三、3.e)。"
    Auth(client).login("trainee_east")
    csrf = {"X-CSRFToken": csrf_token_from(client.get("/modules/counter-basics/quiz").get_data(as_text=True))}
    attempt = client.post("/api/v1/modules/counter-basics/quiz/attempts", headers=csrf).get_json()
    item = attempt["items"][0]  # the draw is random: answer it in the form its type takes, right or wrong
    response = {"true_false": [True], "fill_blank": ["五"], "numerical": ["1"],
                "ordering": list(range(len(item["options"])))}.get(item["type"], [0])
    checked = client.post(f"/api/v1/attempts/{attempt['id']}/answers", headers=csrf,
                          json={"question_id": item["question_id"], "response": response, "check": True}).get_json()
    feedback = checked["feedback"]
    assert feedback["source_text"].startswith("《供电营业员工文明服务行为规范》") and "§" not in feedback["source_text"]



def test_the_review_names_the_recognizer_in_words(app, client, people, content):
    from tests.roleplay_support import roleplay_fixtures

    fixtures = roleplay_fixtures(people)
    Auth(client).login("trainer_east")
    detail = client.get(f"/roleplay/review/{fixtures['rp_attempt_trainee_east']}").get_data(as_text=True)
    shown = re.sub(r'title="[^"]*"', "", detail)
    assert "测试用识别" in shown and "fake" not in shown  # the fake engine of the tests; faster-whisper reads 离线语音识别


def test_clause_page_quotes_the_whole_clause_when_the_seeds_are_at_hand(app, client, people, tmp_path):
    import pytest

    from trainer.content.seeds import seeds_folder

    if not seeds_folder(None).is_dir():
        pytest.skip("the seed documents (../shared/seeds) are not on this machine")
    Auth(client).login("trainee_east")
    app.config["SEEDS_DIR"] = str(seeds_folder(None))
    whole = client.get("/clauses", query_string={"ref": "000 §4.4.1"}).get_data(as_text=True)
    assert "做到有则改之,无则加勉。不能顶撞和训斥客户,更不能与客户发生争执。" in whole and "开头部分" not in whole
    app.config["SEEDS_DIR"] = str(tmp_path)  # no documents there: the index's opening words
    opening = client.get("/clauses", query_string={"ref": "000 §4.4.1"}).get_data(as_text=True)
    assert "做到有则改之,无…" in opening and "以上为条文开头部分" in opening


def test_answer_options_that_are_clause_codes_show_in_words_without_links(app):
    """An option such as "001 篇1 八.(二).2" reads as the document and place; inside an option's label the
    citation is not a link (a click there must pick the option, not leave the exam)."""
    with app.test_request_context():
        template = app.jinja_env.from_string(
            '{% import "quiz/types/single.html" as s %}{% import "quiz/types/ordering.html" as o %}'
            '{{ s.attempt_input(item, "q1", []) }}|{{ o.attempt_input(item, "q1", []) }}')
        item = {"options": ["000 §5.1", "001 篇1 八.(二).2"], "checked": False, "question_id": 1}
        html = template.render(item=item)
    single, ordering = html.split("|", 1)
    assert "《供电营业员工文明服务行为规范》(南方电网)第 5.1 条" in single and "<a " not in single
    assert 'title="000 §5.1' in single  # the code stays in the hover text
    assert "《供电营业员工文明服务行为规范》(南方电网)第 5.1 条" in ordering and "<span" not in ordering
