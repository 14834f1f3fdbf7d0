"""Clause extraction from the seeds, citation reading, and content coverage (pure: no app)."""

from pathlib import Path

import pytest

from trainer.content.citations import CitationError, find_citations, parse_citation
from trainer.content.coverage import coverage, load_clauses
from trainer.content.coverage_text import fit, render, width
from trainer.content.loader import ContentSet
from trainer.content.model import (
    BankDef,
    Credit,
    ModuleDef,
    QuestionDef,
    ScenarioDef,
    SectionDef,
    TurnDef,
)
from trainer.content.seeds import PARSERS, Clause, SeedError, extract_clauses, load_index, write_index

REPO = Path(__file__).resolve().parent.parent.parent
REAL_SEEDS = REPO.parent / "shared" / "seeds"

# Synthetic seeds, one per numbering style, each with the scrape's noise in it.
SEED_000 = """南方电网供电营业规则(共2篇)
2024-07-03

南方电网供电营业规则 篇1

供电营业员工文明服务行为规范 适用范围

供电营业员工包括:客户代表等岗位的工作人员。基础行为规范

品质、技能是基础规范。

2.1 品 质 敬业爱岗

2.1.1 坚持宗旨,1 做到服务人民,不染彩色指 3 甲。

2.1.2 强化意识。外在形象规范

着装是外在表现。

3.1 着 装 统一

3.1.1 服装整洁,每次 2.5 小时。

3.1.2 鞋袜干净。基本文明用语

4.1 您好,请坐!4.2 请稍候!10 4.3(交谈时)再见。

南方电网供电营业规则 篇2

5.1 篇2 的编号不属于篇1。

上一篇:藏红花花语及传说下一篇:幼儿园观摩活动总结
"""

SEED_001 = """细则(共2篇)

细则 篇1

为规范服务,现制定本细则。第一则

一、礼貌服

(一)营业人员必须统一着装。

(二)悬挂照片、姓名、职

务和工号。

二、开展便民

服务

(一)公布规章制度:

1、《供电服务守则》;

2、《供电营业规则》;

5、跳号的不是条款;

(二)每年参加16小时的职业道德教育。第二则

监督、考核与奖惩

一、每季度检查一次。

二、获奖还应具备以下条件:

1、没有发生案件。

三、考核分数达到80分以上的。第三则

附则

一、自公布之日起实施

细则 篇2

一、篇2 的章节不属于篇1。
"""

SEED_002 = """- 目錄
包括哪些方面
1. 服務效率:保證業務辦理快速。
2. 服務質量:提供專業服務。
一、服務態(tài)度
1、服務時做到禮貌、謙和、熱情。
2、耐心聽取客戶意見。
二、服務效能
1、受理客戶投訴後,1個工作日內聯(lián)系客戶,7個工作日內答復。"""

SEED_003 = """供电营业厅服务行为规范剖析.docVIP

  1. 1、原创力文档(book118)网站文档一经付费,不意味着购买了该文档的版权。
  2. 2、本站所有内容均由合作方或网友上传。
供电营业厅服务行为规范剖析

摘要:从迎送客户、分流导办、咨询查询等方面探究。   一、迎送客户的服务行为规范   当客户走进营业厅3米范围时,保持微笑。   二、分流导办的服务行为规范   引导客户取号。   三、咨询、查询的服务行为规范   认真倾听。

文档评论(0)
相关文档- 1、原创力文档(book118)网站文档一经付费。
"""

SEED_004 = """PAGE
PAGE1
用电客户受理员标准化操作规程
编制时间:
2025年
一、总则
本规程适用于受理员。
二、操作前的准备
1.个人防护:
穿戴防护用品。
2.设备状态确认:
检查电脑。
三、操作的先后顺序、方式
1.操作顺序:
a.礼貌问候。
b.初步解答。
d.跳号的不是条款。
2.作业方式:
a.先询问、后操作。
原创力文档
"""


@pytest.fixture
def seeds(tmp_path) -> Path:
    for doc, text in {"000": SEED_000, "001": SEED_001, "002": SEED_002, "003": SEED_003, "004": SEED_004}.items():
        (tmp_path / f"{doc}_test.txt").write_text(text, encoding="utf-8")
    return tmp_path


def test_000_dotted_numbers_with_unnumbered_chapters(seeds):
    clauses = {c.id: c.title_excerpt for c in extract_clauses(seeds)["000"]}
    assert list(clauses) == ["1", "2", "2.1", "2.1.1", "2.1.2", "3", "3.1", "3.1.1", "3.1.2",
                             "4", "4.1", "4.2", "4.3"]
    assert clauses["1"] == "适用范围:供电营业员工包括:客户代表等岗位的工作人员。"
    assert clauses["2"] == "基础行为规范:品质、技能是基础规范。"
    assert clauses["2.1.1"] == "坚持宗旨,做到服务人民,不染彩色指甲。"  # page numbers gone
    assert clauses["2.1.2"] == "强化意识。"  # the glued heading and intro belong to §3
    assert clauses["3"] == "外在形象规范:着装是外在表现。"
    assert clauses["3.1.1"] == "服装整洁,每次 2.5 小时。"  # "2.5" does not continue the outline
    assert clauses["4"] == "基本文明用语"
    assert (clauses["4.1"], clauses["4.2"], clauses["4.3"]) == ("您好,请坐!", "请稍候!", "(交谈时)再见。")


def test_001_chapters_sections_and_broken_lines(seeds):
    clauses = {c.id: c.title_excerpt for c in extract_clauses(seeds)["001"]}
    assert list(clauses) == ["一", "一.(一)", "一.(二)", "二", "二.(一)", "二.(一).1", "二.(一).2", "二.(二)",
                             "第二则", "第二则.一", "第二则.二", "第二则.二.1", "第二则.三", "第三则", "第三则.一"]
    assert clauses["一.(二)"] == "悬挂照片、姓名、职务和工号。"
    assert clauses["二"] == "开展便民服务"
    assert clauses["二.(一).2"].startswith("《供电营业规则》;")  # "5、" is text, not a clause
    assert clauses["二.(二)"] == "每年参加16小时的职业道德教育。"
    assert clauses["第二则"] == "监督、考核与奖惩"
    assert clauses["第三则.一"] == "自公布之日起实施"


def test_002_traditional_text_shown_simplified(seeds):
    clauses = {c.id: c.title_excerpt for c in extract_clauses(seeds)["002"]}
    assert list(clauses) == ["一", "一.1", "一.2", "二", "二.1"]  # the "1. 服務效率" intro list is not a clause
    assert clauses["一"] == "服务态度"  # pinyin annotation removed, converted to Simplified
    assert clauses["二.1"] == "受理客户投诉后,1个工作日内联系客户,7个工作日内答复。"


def test_003_chapters_inline_and_furniture_ignored(seeds):
    clauses = extract_clauses(seeds)["003"]
    assert [c.id for c in clauses] == ["一", "二", "三"]
    assert clauses[0].title_excerpt == "迎送客户的服务行为规范 当客户走进营业厅3米范围时,保持微笑。"


def test_004_numbers_and_letters(seeds):
    clauses = {c.id: c.title_excerpt for c in extract_clauses(seeds)["004"]}
    assert list(clauses) == ["一", "二", "二.1", "二.2", "三", "三.1", "三.1.a", "三.1.b", "三.2", "三.2.a"]
    assert clauses["二.1"] == "个人防护: 穿戴防护用品。"
    assert clauses["三.1.b"] == "初步解答。 d.跳号的不是条款。"  # "d." skips c: text, not a clause


def test_missing_seeds_are_reported(tmp_path, seeds):
    with pytest.raises(SeedError, match="does not exist"):
        extract_clauses(tmp_path / "nothing")
    (seeds / "004_test.txt").unlink()
    with pytest.raises(SeedError, match="004_"):
        extract_clauses(seeds)


def test_index_round_trip_and_fallback(tmp_path, seeds, monkeypatch):
    clauses = extract_clauses(seeds)
    path = write_index(clauses, seeds, tmp_path / "clauses.json")
    assert load_index(path) == clauses
    import trainer.content.coverage as cov

    monkeypatch.setattr(cov, "INDEX_PATH", path)
    loaded, origin = load_clauses(tmp_path / "absent", required=False)
    assert loaded == clauses and origin.startswith("vendored index")
    with pytest.raises(SeedError, match="does not exist"):
        load_clauses(tmp_path / "absent", required=True)
    monkeypatch.setattr(cov, "INDEX_PATH", tmp_path / "none.json")
    with pytest.raises(SeedError, match="no vendored index"):
        load_clauses(tmp_path / "absent", required=False)


@pytest.mark.parametrize(
    ("text", "doc", "part", "clause"),
    [
        ("000 §5.2.1", "000", 1, "5.2.1"),
        ("000 5.2", "000", 1, "5.2"),
        ("000 篇2", "000", 2, None),
        ("001 篇1 八.(一).6", "001", 1, "八.(一).6"),
        ("001 篇1 八（一）6", "001", 1, "八.(一).6"),
        ("001 篇1 第二则", "001", 1, "第二则"),
        ("001 篇1 第二则.四", "001", 1, "第二则.四"),
        ("001 篇1 第一则 八", "001", 1, "八"),
        ("001 篇5 三", "001", 5, "三"),
        ("002 三.5", "002", 1, "三.5"),
        ("003 一", "003", 1, "一"),
        ("004 三.4.B", "004", 1, "三.4.b"),
    ],
)
def test_parse_citation(text, doc, part, clause):
    citation = parse_citation(text)
    assert (citation.doc, citation.part, citation.clause) == (doc, part, clause)


@pytest.mark.parametrize("text", ["005 一", "000 §五", "002 三-5", "001 篇1 八.第二则", "篇1 八"])
def test_parse_citation_rejects(text):
    with pytest.raises(CitationError):
        parse_citation(text)


@pytest.mark.parametrize(
    ("prose", "found"),
    [
        ("应先道歉(004 三.3.d、三.3.e)。", ["三.3.d", "三.3.e"]),
        ("见(003 一;000 §5.1.3)。", ["一", "5.1.3"]),
        ("002 二.9（不准收礼）", ["二.9"]),
        ("002 二.9，001 篇1 八.（二）.6）", ["二.9", "八.(二).6"]),
        ("000 §5.2.5、§5.2.7 以及 §6", ["5.2.5", "5.2.7"]),
        ("——001 篇1 第二则要求每年自查", ["第二则"]),
        ("种子文件 001 篇1,以下简称细则", []),
        ("003 一般认为", []),
        ("2002 年的文件", []),
    ],
)
def test_find_citations_in_prose(prose, found):
    assert [c.clause for c in find_citations(prose)] == found


def _content() -> ContentSet:
    credit = Credit("service", 30)
    module = ModuleDef("m1", "模块", credit, ["000 §2", "004 三.b"], None, 1, 80, [],
                       [SectionDef("a", "一", "> 引文\n> ——000 §2.1.1"), SectionDef("b", "二", "正文")], "m1.md")
    other = ModuleDef("m2", "模块二", credit, ["000 篇2", "001 篇1 第二则", "002 九.1"], None, 1, 80, [],
                      [SectionDef("a", "一", ""), SectionDef("b", "二", "")], "m2.md")
    questions = [
        QuestionDef("q1", "single", "按 003 二,应当?", ["甲", "乙"], [0], "见 004 三.1.a。", "000 §2.1.1", 1, []),
        QuestionDef("q2", "true_false", "题", [], [True], "解释", "004 二.1", 1, []),
    ]
    scenario = ScenarioDef("s1", "情景", "counter", "客户来了", [], ["000 §3.1.1"], credit,
                           [TurnDef("你好", ["您好"], [], "您好", 15, "按 001 篇1 二.(一).1 做")], "s1.yaml")
    content = ContentSet()
    content.modules = {"m1": module, "m2": other}
    content.banks = {"b": BankDef("b", "题库", questions, "b.yaml")}
    content.scenarios = {"s1": scenario}
    return content


def test_coverage_rules(seeds):
    report = coverage(_content(), extract_clauses(seeds))
    rows = {(r.doc, r.clause.id): r for rows in report.documents.values() for r in rows}
    assert rows["000", "2"].status == "cited" and rows["000", "2"].cited_by["modules"] == ["m1"]
    assert rows["000", "2.1.1"].cited_by == {"modules": ["m1"], "questions": ["q1"], "scenarios": []}
    assert rows["000", "2.1"].status == "via-children"  # not cited itself, a child is
    assert rows["000", "2.1.2"].status == "uncovered" and rows["000", "2.1.2"].ancestor_cited
    assert rows["000", "3"].status == "via-children" and not rows["000", "3"].ancestor_cited
    assert rows["001", "第二则"].status == "cited"
    assert rows["001", "第二则.一"].status == "uncovered"  # a parent citation does not cover children
    assert rows["001", "二.(一).1"].cited_by["scenarios"] == ["s1"]  # quoted in the tips
    assert rows["003", "二"].cited_by["questions"] == ["q1"]  # quoted in the stem
    assert rows["004", "三.1.a"].status == "cited"  # quoted in the explanation
    assert {(r.citation, r.item_id) for r in report.outside} == {("000 篇2", "m2")}
    reasons = {r.citation: r.reason for r in report.unresolved}
    assert reasons["004 三.b"] == "ambiguous, did you mean 004 三.1.b?"
    assert reasons["002 九.1"] == "no clause 九.1 in the 002 seed"
    assert report.items == {"modules": 2, "questions": 2, "scenarios": 1}
    assert report.totals()["clauses"] == sum(len(r) for r in report.documents.values())
    assert report.totals("003") == {"clauses": 3, "cited": 1, "via-children": 0, "uncovered": 2}


def test_declared_only_ignores_quotes(seeds):
    report = coverage(_content(), extract_clauses(seeds), declared_only=True)
    rows = {(r.doc, r.clause.id): r for rows in report.documents.values() for r in rows}
    assert rows["000", "2.1.1"].cited_by["modules"] == []
    assert rows["003", "二"].status == "uncovered"


def test_report_dict_and_text(seeds):
    report = coverage(_content(), extract_clauses(seeds))
    data = report.to_dict(uncovered_only=True)
    assert all(c["status"] == "uncovered" for d in data["documents"].values() for c in d["clauses"])
    assert "000 §2.1.2" in data["uncovered"]["000"] and "000 §2.1" in data["via_children"]["000"]
    text = "\n".join(render(report))
    assert "Uncovered clauses (" in text and "§2.1.2*" in text
    assert "004 三.b: ambiguous" in text
    assert text.splitlines()[-1].startswith(f"Summary: {report.totals()['clauses']} clauses;")
    assert width("篇1 八") == 6 and width(fit("一二三四五", 6)) == 6


def test_clause_parent():
    assert Clause("八.(一).6", "").parent == "八.(一)"
    assert Clause("5", "").parent is None


@pytest.mark.skipif(not REAL_SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
def test_real_seeds():
    clauses = extract_clauses(REAL_SEEDS)
    # Counted by hand from the seeds: 000 篇1 §1 (scope) + chapters 2–6 with 2.1…6.10 = 85;
    # 001 篇1 第一则 104 (一…十 with their items and sub-items) + 第二则 12 + 第三则 5 = 121;
    # 002 四 chapters + 23 items = 27; 003 three chapters; 004 4 chapters + 17 items + 32 letters = 53.
    assert {doc: len(items) for doc, items in clauses.items()} == {"000": 85, "001": 121, "002": 27, "003": 3, "004": 53}
    ids = {doc: [c.id for c in items] for doc, items in clauses.items()}
    assert ids["000"][-1] == "6.10" and "5.1.10" in ids["000"]
    titles = {(doc, c.id): c.title_excerpt for doc, items in clauses.items() for c in items}
    assert "16小时" in titles["001", "八.(一).6"]
    assert titles["001", "第二则"] == "监督、考核与奖惩"
    assert "7个工作日内答复" in titles["002", "三.5"]
    assert ids["004"][-1] == "四.2.c" and "三.1.h" in ids["004"]
    for doc, items in clauses.items():  # every parent exists: nothing was skipped mid-outline
        known = {c.id for c in items}
        assert all(c.parent in known for c in items if c.parent), doc
    assert set(clauses) == set(PARSERS)


@pytest.mark.skipif(not REAL_SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
def test_vendored_index_matches_seeds():
    assert load_index() == extract_clauses(REAL_SEEDS), "run `trainer content coverage --write-index`"


def test_repository_content_citations_all_resolve():
    from trainer.content import load_content

    content, _errors = load_content(REPO)
    report = coverage(content, load_index())
    assert [f"{r.citation} ({r.kind} {r.item_id}): {r.reason}" for r in report.unresolved] == []
