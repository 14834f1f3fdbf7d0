"""Nominal hours (trainer/content/hours.py): characters, activities, quiz time, and the credit warnings."""

from pathlib import Path

import pytest

from trainer.content import load_content
from trainer.content.hours import (
    CASE_MINUTES,
    QUESTION_MINUTES,
    READING_CHARS_PER_MINUTE,
    REFLECTION_MINUTES,
    count_characters,
    credit_warnings,
    hours_report,
    module_hours,
)
from trainer.content.loader import ContentSet
from trainer.content.model import BankDef, Credit, ModuleDef, QuestionDef, SectionDef

REPO = Path(__file__).resolve().parents[2]


def _question(qid: str, qtype: str) -> QuestionDef:
    return QuestionDef(qid, qtype, "题干", [], [], "解释", "000 §5.1", 1, [])


def _module(body: str, minutes: int = 60, bank: str | None = None, count: int = 10) -> ModuleDef:
    sections = [SectionDef("one", "第一节", body), SectionDef("two", "第二节", "")]
    return ModuleDef("m", "模块", Credit("ethics", minutes), [], bank, count, 80, [], sections, "courses/c/01-m.md", "c")


def test_characters_count_han_and_latin_runs_not_markup_or_punctuation():
    assert count_characters("客户，您好！") == 4  # punctuation is free
    assert count_characters("拨打 95598 或访问 www.example.com") == 2 + 1 + 3 + 1
    assert count_characters("**加粗** [链接](https://example.com/很长的地址)") == 4
    assert count_characters("<details><summary>参考答案</summary>\n五日内答复\n</details>") == 4 + 5
    assert count_characters("000 §5.2.5") == 2  # a citation reads as two items: the document and the clause


def test_reading_time_uses_the_stated_rate():
    body = "电" * (READING_CHARS_PER_MINUTE * 2)
    hours = module_hours(_module(body), ContentSet())
    assert hours.reading_minutes == pytest.approx(2 + 6 / READING_CHARS_PER_MINUTE)  # plus the two section titles


def test_activities_are_counted_by_their_markers():
    body = "\n".join([
        "正文。",
        "**问题 1**：先想一想？",
        "<details><summary>参考答案</summary>",
        "答案。",
        "</details>",
        "### 案例：会问问题的案例",
        "情景。",
        "**问题 2**：错在哪里？",
        "### 案例：只讲不问的案例",
        "情景和分析。",
        "### 反思任务一：我的一天",
        "写 150～300 字。",
        "### 课堂教学方案（45 分钟）",
        "| 环节 | 时间 |",
        "**问题 3**：培训师提问，这里不算自学。",
    ])
    hours = module_hours(_module(body), ContentSet())
    assert hours.count("question") == 2
    assert hours.count("case") == 2 and hours.minutes_of("case") == CASE_MINUTES  # only the case that asks
    assert hours.minutes_of("reflection") == REFLECTION_MINUTES
    assert hours.classroom_minutes == 45
    expected = hours.reading_minutes + 2 * QUESTION_MINUTES + CASE_MINUTES + REFLECTION_MINUTES
    assert hours.self_study_minutes == pytest.approx(expected)
    assert not hours.problems


def test_classroom_plan_text_is_not_reading_and_needs_a_length():
    plain = module_hours(_module("正文"), ContentSet())
    with_plan = module_hours(_module("正文\n### 课堂教学方案\n" + "讲" * 600), ContentSet())
    assert with_plan.characters == plain.characters
    assert with_plan.problems and "states no length" in with_plan.problems[0]


def test_quiz_time_follows_the_bank_mix_and_count():
    bank = BankDef("b", "题库", [_question("q1", "single"), _question("q2", "true_false"),
                                  _question("q3", "multiple"), _question("q4", "ordering")], "question_banks/b.yaml")
    content = ContentSet(banks={"b": bank})
    hours = module_hours(_module("正文", bank="b", count=3), content)
    assert hours.quiz_items == 3
    assert hours.quiz_minutes == pytest.approx(3 * (1 + 0.5 + 1.5 + 1.5) / 4)
    capped = module_hours(_module("正文", bank="b", count=10), content)
    assert capped.quiz_items == 4  # never more items than the bank holds


def test_over_credited_module_is_warned_with_its_figures():
    content = ContentSet()
    content.modules["m"] = module = _module("正文" * 100, minutes=90)
    from trainer.content.model import CourseDef

    content.courses["c"] = CourseDef("c", "课程", "", [], ["m"], "courses/c/course.yaml", [module])
    report = hours_report(content)
    assert [m.module_id for m in report.over_credited()] == ["m"]
    assert report.modules[0].supported_minutes == 0
    (warning,) = credit_warnings(content)
    assert warning.startswith("m: credits 1.5 h but offers about") and "lower the credit to 0 h" in warning


# The repository's own content: the figures the README reports, kept honest by a test that can fail.
@pytest.fixture(scope="module")
def repo_report():
    content, errors = load_content(REPO)
    return hours_report(content)


def test_repository_modules_credit_no_more_than_they_offer(repo_report):
    over = [(m.module_id, m.credit_minutes, round(m.self_study_minutes)) for m in repo_report.over_credited()]
    assert over == []
    assert [p for m in repo_report.modules for p in m.problems] == []


def test_ethics_and_law_modules_support_the_annual_16_hours(repo_report):
    both = repo_report.combined(("ethics", "law"))
    assert both.credit_minutes >= 16 * 60
    assert both.supported_minutes >= both.credit_minutes
    assert both.classroom_minutes > 0


def test_supervision_clause_is_credited_once(repo_report):
    """001 篇1 第二则 used to be taught and credited by an ethics and a law module."""
    ids = {m.module_id for m in repo_report.modules}
    assert "ethics-supervision-assessment" in ids and "law-supervision-review" not in ids
