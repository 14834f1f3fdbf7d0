"""courses/assessment/*.yaml: the shipped standard adds up to 100 and cites real clauses; every mistake is
reported with file, line and key."""

import json
import shutil
from pathlib import Path

from trainer.content import load_content
from trainer.content.assessment import standard_for
from trainer.content.citations import parse_citation

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "content"
GOOD_ITEMS = """items:
  - {id: hours, title: 学时, points: 60, measure: hours_compliance, scoring: {rule: proportional}, how: 比例, source: "001 篇1 八.(一).6"}
  - {id: checks, title: 检查, points: 40, measure: manual, how: 缺一次扣 10 分, source: "001 篇1 第二则.二"}
"""


def _root_with(tmp_path, name: str, text: str) -> Path:
    root = tmp_path / "content"
    if not root.exists():
        shutil.copytree(FIXTURE, root)
    (root / "courses" / "assessment" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


def _errors(root) -> str:
    return "\n".join(str(e) for e in load_content(root)[1])


def test_the_shipped_standard_is_valid_and_cites_clauses_of_the_seeds():
    content, errors = load_content(REPO)
    assert errors == []
    standard = content.standards["standard-2026"]
    assert sum(i.points for i in standard.items) == 100 and standard.basis == "001 篇1 第二则.四"
    assert "assessment" not in content.courses  # the folder is not read as a course
    platform = {i.measure for i in standard.items if i.platform}
    assert platform == {"hours_compliance", "qualification_rate", "exam_pass_rate", "roleplay_pass_rate"}
    assert all(i.params["exam"] in content.exams for i in standard.items if i.measure == "exam_pass_rate")
    # 80 points is a condition for commendation (第二则.八), never called a pass mark
    assert standard.commendation_points == 80 and "不是合格线" in standard.description
    index = json.loads((REPO / "trainer" / "content" / "clauses.json").read_text(encoding="utf-8"))["documents"]
    known = {(doc, c["id"]) for doc, d in index.items() for c in d["clauses"]}
    for citation in [standard.basis, *(i.source for i in standard.items)]:
        parsed = parse_citation(citation)
        assert (parsed.doc, parsed.clause) in known, citation


def test_a_valid_standard_round_trips_through_its_stored_form(tmp_path):
    root = _root_with(tmp_path, "standard-2030", "id: standard-2030\ntitle: 新标准\nyear: 2030\nbasis: \"001 篇1 第二则.四\"\n" + GOOD_ITEMS)
    content, errors = load_content(root)
    assert errors == []
    from trainer.content.assessment import StandardDef

    standard = content.standards["standard-2030"]
    assert StandardDef.from_dict(json.loads(json.dumps(standard.to_dict()))).items == standard.items


def test_points_must_add_up_to_100(tmp_path):
    root = _root_with(tmp_path, "standard-2030", "id: standard-2030\ntitle: 新标准\nyear: 2030\nbasis: \"001 篇1 第二则.四\"\n"
                      + GOOD_ITEMS.replace("points: 40", "points: 39.5"))
    assert "courses/assessment/standard-2030.yaml: line 6, items: the items' points add up to 99.5, not 100" in _errors(root)


def test_errors_name_file_line_and_problem(tmp_path):
    root = _root_with(tmp_path, "standard-2030", """id: standard-2030
title: 新标准
year: 2030
basis: "001 篇1 第二则.四"
items:
  - {id: hours, title: 学时, points: 30, measure: hours_compliance, how: 比例, source: "001 篇1 八.(一).6"}
  - {id: exam, title: 考试, points: 20, measure: exam_pass_rate, exam: no-such-exam, scoring: {rule: deduct}, how: 比例, source: "001 篇1 八.(一)"}
  - {id: checks, title: 检查, points: 20.3, measure: manual, scoring: {rule: proportional}, how: 扣分, source: "第二则"}
  - {id: checks, title: 重复, points: 10, measure: guesswork, how: 说明, source: "001 篇1 九", colour: red}
""")
    text = _errors(root)
    assert "standard-2030.yaml: line 6, items[0]: missing required key 'scoring'" in text
    assert "line 7, items[1].scoring: 'per_percent' must be a number above 0" in text
    assert "items[1].exam: no exam 'no-such-exam' in question_banks/exams/" in text
    assert "line 8, items[2].points: points must be above 0 in whole or half points, got 20.3" in text
    assert "items[2].scoring: a manual item is scored by the 班组长; remove 'scoring'" in text
    assert "items[2].source: citation '第二则' must look like" in text
    assert "items[3].measure: unknown measure 'guesswork'" in text and "unknown key 'colour'" in text
    assert "item id 'checks' is used twice" in text


def test_one_standard_per_year_and_the_latest_not_after_the_year_applies(tmp_path):
    head = "title: 标准\nbasis: \"001 篇1 第二则.四\"\n"
    _root_with(tmp_path, "standard-2030", "id: standard-2030\nyear: 2030\n" + head + GOOD_ITEMS)
    root = _root_with(tmp_path, "standard-2030b", "id: standard-2030b\nyear: 2030\n" + head + GOOD_ITEMS)
    assert "standard-2030b.yaml: year: year 2030 already has a standard (courses/assessment/standard-2030.yaml)" in _errors(root)
    (root / "courses" / "assessment" / "standard-2030b.yaml").unlink()
    content, errors = load_content(root)
    assert errors == []
    standards = list(content.standards.values())  # the fixture's 2020 standard and this 2030 one
    assert standard_for(standards, 2019) is None
    assert standard_for(standards, 2029).id == "standard-test" and standard_for(standards, 2031).id == "standard-2030"
