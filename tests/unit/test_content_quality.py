"""Question-bank quality: position references, guessability statistics, near-duplicates and their marks."""

import shutil
from pathlib import Path

import pytest

from trainer.content import load_content
from trainer.content.model import BankDef, QuestionDef
from trainer.content.quality import ascii_punctuation, bank_stats, position_references, quality
from trainer.content.similarity import SIMILAR_AT, similarity, statement

FIXTURE = Path(__file__).parent.parent / "fixtures" / "content"


def question(qtype="single", stem="问题?", options=("甲", "乙", "丙", "丁"), answer=(0,), explanation="说明。", **kw):
    return QuestionDef(kw.pop("id", "q-1"), qtype, stem, list(options), list(answer), explanation,
                       kw.pop("source", "000 §5.2.5"), 1, [], **kw)


@pytest.mark.parametrize("text", ["前三项分别出自第(一)项", "第四项符合规定", "第二、三项都是别处的时限", "所以最后一项错误",
                                  "B 项不对", "选项C 是对的", "应选D", "以上都对"])
def test_position_reference_in_an_explanation_is_found(text):
    assert position_references(question(explanation=text))


@pytest.mark.parametrize("text", ["这是操作结束时的第一项要求", "第七条第3项写明了", "超过5声才接的,第一句话要先道歉",
                                  "见 001 篇1 八.(一).6", "客户第一个找到的人要负责到底", "其余选项都是正常工作",
                                  "第二则第四条规定满分 100 分"])
def test_clause_items_and_ordinary_words_are_not_position_references(text):
    assert position_references(question(explanation=text)) == []


def test_position_reference_in_an_option_is_found_and_true_false_has_no_options():
    assert position_references(question(options=["甲", "乙", "以上都是"])) == [("options[2]", "以上都是")]
    assert position_references(question("true_false", options=(), answer=(False,), explanation="前三项")) == []


def test_bank_stats_count_the_patterns_a_guesser_uses():
    bank = BankDef("b", "题库", [
        question(options=["短", "稍长一点", "最长的一个选项"], answer=[2]),             # key is the longest
        question(options=["一样长", "一样长的", "一样长吗"], answer=[0]),
        question("multiple", options=["甲", "乙", "丙", "丁"], answer=[0, 1, 2]),       # all but one
        question("multiple", options=["甲", "乙", "丙", "丁"], answer=[0, 3]),
        question("true_false", stem="只要客户同意即可。", options=(), answer=[False]),
        question("true_false", stem="应当主动出示证件。", options=(), answer=[False]),
        question("true_false", stem="可以请客户稍候。", options=(), answer=[True]),
        question("ordering", options=["一", "二", "三"], answer=[0, 1, 2]),
        question("ordering", options=["一", "二", "三", "四"], answer=[0, 1, 2, 3]),
    ], "question_banks/b.yaml")
    stats = bank_stats(bank)
    assert (stats.single, stats.longest_key, stats.multiple, stats.all_but_one) == (2, 1, 2, 1)
    assert (stats.false, stats.giveaway_false, stats.true, stats.giveaway_true) == (2, 1, 1, 1)
    assert (stats.ordering, stats.three_steps) == (2, 1)
    assert stats.shares()["giveaway_false"] == 0.5


def test_ascii_punctuation_in_chinese_text_but_not_in_citations_or_numbers():
    assert ascii_punctuation("按南方电网《规范》,营业厅?") == [",", "?"]
    assert ascii_punctuation("礼貌服务第(六)项") == ["(", ")"]
    assert ascii_punctuation("（001 篇1 九.(三)）举报") == []
    assert ascii_punctuation("1,000 元，见 001 篇1 八.(一).6 的规定") == []


def test_same_fact_in_other_words_or_another_type_is_similar():
    # eth-sup-007 and law-comp-001 before issue 17: the same question in two banks
    a = statement("single", "按南网《供电营业员工文明服务行为规范》（000 §5.2.5），投诉电话应在几日内给予答复？",
                  ["3 日", "5 日", "7 日", "15 日"], [1])
    b = statement("single", "按南方电网《供电营业员工文明服务行为规范》,投诉电话应在几日内给予答复?",
                  ["3日", "5日", "7日", "15日"], [1])
    assert similarity(a, b) == 100
    # eth-sup-015 (fill-in) and law-audit-005 (fill-in with another lead): 80 points in both
    c = statement("fill_blank", "按供电所《实施细则》第二则（001 篇1 第二则.八），考核分数要达到____分以上。", [], ["80"])
    d = statement("fill_blank", "按长冈供电所《实施细则》,被推荐先进的员工,考核分数应达到____分以上。", [], ["80"])
    assert similarity(c, d) >= SIMILAR_AT


def test_parallel_rules_with_other_numbers_or_subjects_are_not_similar():
    day = statement("single", "处理低压下火线故障,白天不超过几小时使用户恢复正常供电?", ["2小时", "4小时", "8小时"], [1])
    night = statement("single", "处理低压下火线故障,夜晚不超过几小时使用户恢复正常供电?", ["4小时", "12小时", "24小时"], [1])
    assert similarity(day, night) == 0
    counter = statement("fill_blank", "对柜台服务的总体要求是优质、高效、____。", [], ["周全"])
    phone = statement("fill_blank", "对信息服务的总体要求是畅通、方便、____。", [], ["高效"])
    assert similarity(counter, phone) < SIMILAR_AT
    assert statement("true_false", "应当主动出示证件。", [], [True]) != statement("true_false", "应当主动出示证件。", [], [False])


@pytest.fixture
def root(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def add_bank(root: Path, extra: str = "") -> None:
    (root / "question_banks" / "other-bank.yaml").write_text(
        "id: other-bank\ntitle: 另一题库\nquestions:\n"
        "  - id: other-001\n    type: fill_blank\n    stem: 按南方电网规范，电话铃响____声内应接听。\n"
        f"    answer: ['5']\n    explanation: 五声以内接听。\n    source: \"000 §5.2.1\"\n    difficulty: 1\n{extra}",
        encoding="utf-8")


def test_near_duplicate_across_banks_warns_until_marked(root):
    add_bank(root)
    content, errors = load_content(root)
    assert errors == []
    report = quality(content)
    # other-001 asks what demo-004 asks (5 rings); demo-001 (apologise after 5 rings) tests something else
    assert [(p.a, p.b, p.same_source, p.marked) for p in report.duplicates] == [("demo-004", "other-001", True, False)]
    assert any(w.where == "demo-004" and "near-duplicate of other-001" in w.problem for w in report.warnings)

    add_bank(root, "    duplicate_of: [demo-004]\n")
    report = quality(load_content(root)[0])
    assert [p.marked for p in report.duplicates] == [True]
    assert not any("near-duplicate" in w.problem for w in report.warnings)


def test_marks_must_name_another_similar_question(root):
    add_bank(root, "    duplicate_of: [no-such-question, demo-002]\n")
    report = quality(load_content(root)[0])
    assert [str(e) for e in report.errors] == [
        "question_banks/other-bank.yaml: other-001.duplicate_of: 'no-such-question' is not another question's id"]
    assert any(w.where == "other-001.duplicate_of" and "no longer similar" in w.problem for w in report.warnings)


def test_position_reference_is_an_error_naming_file_question_and_text(root):
    path = root / "question_banks" / "demo-bank.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("起身、示座、倾听。", "前三项都对。"), encoding="utf-8")
    report = quality(load_content(root)[0])
    assert [str(e) for e in report.errors] == [
        "question_banks/demo-bank.yaml: demo-002.explanation: refers to an option by its position ('前三项'), "
        "but options are shuffled: name the option's content"]


def test_jargon_in_a_module_section_warns(root):
    path = next((root / "courses").rglob("*counter-basics.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\n本节依据种子文件 000 编写。\n", encoding="utf-8")
    report = quality(load_content(root)[0])
    assert any("authoring jargon '种子文件'" in w.problem and w.file.endswith("counter-basics.md") for w in report.warnings)


def test_repository_banks_pass_the_quality_guards():
    """Issue 17: no position references, no unmarked near-duplicates, no ASCII punctuation in Chinese text,
    and per course no more than LIMITS of guessable keys."""
    from trainer.content.quality import LIMITS, BankStats, course_of_bank

    repo = Path(__file__).parent.parent.parent
    content, errors = load_content(repo)
    assert errors == []
    report = quality(content)
    assert [str(e) for e in report.errors] == []
    assert [f"{p.a} ~ {p.b}" for p in report.duplicates if not p.marked] == []
    assert [s.bank for s in report.stats if s.ascii_punctuation] == []
    courses: dict[str, BankStats] = {}
    for stats in report.stats:
        courses.setdefault(course_of_bank(content).get(stats.bank, ""), BankStats("")).add(stats)
    for course, stats in courses.items():
        shares = stats.shares()
        assert all(shares[name] <= limit for name, limit in LIMITS.items()), (course, shares)
