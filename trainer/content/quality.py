"""Question-bank quality: what ``trainer content check`` rejects or warns about beyond the format.

- **Errors**: an explanation or option that points at an option by its position ("前三项", "第四项", "A 项",
  "以上都对"). Options are shuffled for every learner, so such a text points at the wrong option; name the
  option's content instead. A ``duplicate_of`` mark that names no question.
- **Warnings**: near-duplicate questions in different banks (``trainer/content/similarity.py``) that are not
  marked as intended with ``duplicate_of: [<other id>]``; marks that are no longer needed; banks whose keys
  are easy to guess (``LIMITS``); ASCII punctuation in Chinese text; authoring jargon ("种子文件") in questions
  and module sections.
- **Statistics** per bank (``BankStats``): how often the key is "all but one" option, the longest option,
  a false statement with a give-away word; how many ordering items have only three steps.

Pure: takes the parsed ``ContentSet``; the CLI prints the result.
"""

import re
from dataclasses import dataclass, field

from trainer.content.loader import ContentSet
from trainer.content.model import BankDef, QuestionDef
from trainer.content.reader import ContentError
from trainer.content.similarity import SIMILAR_AT, similar_pairs, statement

_NUMERAL = "[一二两三四五六]"
# A position word right after 的/条/时 names a clause's item ("操作结束时的第一项", "第七条第3项"), not an option.
POSITION_REFERENCE = re.compile(
    rf"(?<![的条时])(?:[前后]{_NUMERAL}(?:项|个选项|句(?!话))"
    rf"|第{_NUMERAL}(?:[、,，和与及]{_NUMERAL})*(?:项|个选项|句(?!话))"
    r"|最后一(?:项|个选项|句(?!话)))"
    r"|(?<![A-Za-z])[A-F]\s*(?:项|选项)|选项\s*[A-F](?![A-Za-z])|(?<![A-Za-z])选\s*[A-F](?![A-Za-z])"
    r"|(?:以上|上述|前面|上面)(?:各|几|所有|全部|的)?(?:项|选项|几项|都对|都是|均正确|全部正确)")
# Words that make a false statement easy to spot: they loosen a rule ("只要…即可", "可以不…", "不必…").
GIVEAWAY_WORDS = ("只要", "可以", "不必", "即可", "无需", "无须", "不用", "只需", "只须", "就行", "随意", "随便",
                  "一律", "完全")
# ASCII punctuation touching Chinese text; the banks write full-width (，。？：；！（）) there. Parentheses inside a
# citation ("八.(一).6", "§5.2.1") are the citation style and stay ASCII.
_CJK = r"[\u3400-\u9fff“”‘’《》（）、，。？：；！]"
ASCII_PUNCTUATION = re.compile(rf"(?<={_CJK})[,;:?!]|[,;:?!](?={_CJK})|(?<={_CJK})\((?![一二三四五六七八九十]+\)\.)"
                               rf"|(?<!\.)\((?={_CJK})|(?<={_CJK})\)(?!\.)|\)(?={_CJK})")
_CITATION_PARENS = re.compile(r"\.\([一二三四五六七八九十]+\)")
JARGON = ("种子文件", "种子材料", "种子资料")
# Above these shares a bank warns: a learner who knows nothing but the pattern scores better than chance.
LIMITS = {"all_but_one": 0.35, "longest_key": 0.35, "giveaway_false": 0.35}
OPTION_TYPES = ("single", "multiple", "ordering")


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass
class BankStats:
    bank: str
    questions: int = 0
    single: int = 0
    longest_key: int = 0        # single-choice items whose key is strictly the longest option
    multiple: int = 0
    all_but_one: int = 0        # multiple-choice items whose key is every option but one
    true: int = 0
    false: int = 0
    giveaway_false: int = 0     # false true/false items that carry a give-away word
    giveaway_true: int = 0      # the same words in true items: a word is a tell only if far rarer there
    ordering: int = 0
    three_steps: int = 0        # ordering items with only three steps
    ascii_punctuation: int = 0  # items with ASCII punctuation in Chinese text
    longest_guess: float = 0.0  # single-choice items a guesser who picks the longest option gets right (ties split)
    chance: float = 0.0         # ... and what blind guessing gets (sum of 1/options)

    def shares(self) -> dict[str, float]:
        return {"all_but_one": _share(self.all_but_one, self.multiple),
                "longest_key": _share(self.longest_key, self.single),
                "giveaway_false": _share(self.giveaway_false, self.false),
                "giveaway_true": _share(self.giveaway_true, self.true),
                "three_steps": _share(self.three_steps, self.ordering)}

    def add(self, other: "BankStats") -> None:
        for name in ("questions", "single", "longest_key", "multiple", "all_but_one", "true", "false",
                     "giveaway_false", "giveaway_true", "ordering", "three_steps", "ascii_punctuation",
                     "longest_guess", "chance"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def giveaway_words(text: str) -> list[str]:
    return [w for w in GIVEAWAY_WORDS if w in text]


def ascii_punctuation(text: str) -> list[str]:
    """ASCII punctuation marks touching Chinese text (citation parentheses such as ``八.(一)`` excepted)."""
    return [m.group(0) for m in ASCII_PUNCTUATION.finditer(_CITATION_PARENS.sub(".", text))]


def question_text(question: QuestionDef) -> str:
    answers = question.answer if question.type == "fill_blank" else []
    return "\n".join([question.stem, question.explanation, *question.options, *map(str, answers)])


def _visible_length(text: str) -> int:
    return len(re.sub(r"[\s\W_]+", "", text))


def key_is_longest(question: QuestionDef) -> bool:
    lengths = [_visible_length(o) for o in question.options]
    key = question.answer[0]
    return all(lengths[key] > n for i, n in enumerate(lengths) if i != key)


def longest_guess(question: QuestionDef) -> float:
    """Chance that picking the longest option (at random among equally long ones) hits the key."""
    lengths = [_visible_length(o) for o in question.options]
    longest = [i for i, n in enumerate(lengths) if n == max(lengths)]
    return (question.answer[0] in longest) / len(longest)


def bank_stats(bank: BankDef) -> BankStats:
    stats = BankStats(bank.id, questions=len(bank.questions))
    for q in bank.questions:
        stats.ascii_punctuation += bool(ascii_punctuation(question_text(q)))
        if q.type == "single" and q.options and q.answer:
            stats.single += 1
            stats.longest_key += key_is_longest(q)
            stats.longest_guess += longest_guess(q)
            stats.chance += 1 / len(q.options)
        elif q.type == "multiple":
            stats.multiple += 1
            stats.all_but_one += len(q.options) >= 3 and len(q.answer) == len(q.options) - 1
        elif q.type == "true_false" and q.answer:
            words = bool(giveaway_words(q.stem))
            if q.answer[0] is True:
                stats.true += 1
                stats.giveaway_true += words
            else:
                stats.false += 1
                stats.giveaway_false += words
        elif q.type == "ordering":
            stats.ordering += 1
            stats.three_steps += len(q.options) == 3
    return stats


def position_references(question: QuestionDef) -> list[tuple[str, str]]:
    """``(field, matched text)`` for every place that points at an option by its position."""
    if question.type not in OPTION_TYPES:
        return []
    found = [("explanation", m.group(0)) for m in POSITION_REFERENCE.finditer(question.explanation)]
    for index, option in enumerate(question.options):
        found += [(f"options[{index}]", m.group(0)) for m in POSITION_REFERENCE.finditer(option)]
    return found


@dataclass(frozen=True)
class DuplicatePair:
    a: str
    b: str
    bank_a: str
    bank_b: str
    score: float
    same_source: bool
    marked: bool


@dataclass
class QualityReport:
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)
    stats: list[BankStats] = field(default_factory=list)
    duplicates: list[DuplicatePair] = field(default_factory=list)


def _questions(content: ContentSet) -> dict[str, tuple[BankDef, QuestionDef]]:
    return {q.id: (bank, q) for bank in content.banks.values() for q in bank.questions}


def _statement(q: QuestionDef) -> str:
    return statement(q.type, q.stem, q.options, q.answer)


def near_duplicates(content: ContentSet, threshold: float = SIMILAR_AT) -> list[DuplicatePair]:
    """Similar pairs of questions in different banks, marked or not."""
    questions = _questions(content)
    pairs = similar_pairs({qid: _statement(q) for qid, (_bank, q) in questions.items()}, threshold=threshold)
    found = []
    for a, b, score in pairs:
        (bank_a, qa), (bank_b, qb) = questions[a], questions[b]
        if bank_a.id != bank_b.id:
            found.append(DuplicatePair(a, b, bank_a.id, bank_b.id, score, qa.source == qb.source,
                                       b in qa.duplicate_of or a in qb.duplicate_of))
    return found


def _check_questions(content: ContentSet, report: QualityReport) -> None:
    for bank in content.banks.values():
        for q in bank.questions:
            for where, text in position_references(q):
                report.errors.append(ContentError(bank.path, f"{q.id}.{where}", f"refers to an option by its position "
                                                  f"('{text}'), but options are shuffled: name the option's content"))
            for word in JARGON:
                if word in q.stem + q.explanation + "".join(q.options):
                    report.warnings.append(ContentError(bank.path, q.id, f"authoring jargon '{word}' in learner text"))


def _check_module_jargon(content: ContentSet, report: QualityReport) -> None:
    for module in content.modules.values():
        for section in module.sections:
            for word in JARGON:
                if word in section.title + section.body:
                    report.warnings.append(ContentError(module.path, f"section '{section.title}'",
                                                        f"authoring jargon '{word}' in learner text"))


def _check_marks(content: ContentSet, report: QualityReport) -> None:
    questions = _questions(content)
    similar = {frozenset((p.a, p.b)) for p in report.duplicates}
    for bank in content.banks.values():
        for q in bank.questions:
            for other in q.duplicate_of:
                if other not in questions or other == q.id:
                    report.errors.append(ContentError(bank.path, f"{q.id}.duplicate_of",
                                                      f"'{other}' is not another question's id"))
                elif frozenset((q.id, other)) not in similar:
                    report.warnings.append(ContentError(bank.path, f"{q.id}.duplicate_of", f"'{other}' is no longer "
                                                        f"similar (below {SIMILAR_AT:g}): remove the mark"))


def quality(content: ContentSet) -> QualityReport:
    report = QualityReport(stats=[bank_stats(b) for b in content.banks.values()], duplicates=near_duplicates(content))
    _check_questions(content, report)
    _check_module_jargon(content, report)
    _check_marks(content, report)
    paths = {b.id: b.path for b in content.banks.values()}
    for pair in report.duplicates:
        if not pair.marked:
            report.warnings.append(ContentError(paths[pair.bank_a], pair.a, (
                f"near-duplicate of {pair.b} in {paths[pair.bank_b]} (similarity {pair.score:g}"
                f"{', same clause' if pair.same_source else ''}): make one test something else, or mark "
                f"'duplicate_of: [{pair.b}]' when both are meant")))
    for stats in report.stats:
        if stats.ascii_punctuation:
            report.warnings.append(ContentError(paths[stats.bank], "questions", (
                f"{stats.ascii_punctuation} question(s) use ASCII punctuation in Chinese text (write ，。？：；（）)")))
        shares = stats.shares()
        for name, limit in LIMITS.items():
            if shares[name] > limit:
                report.warnings.append(ContentError(paths[stats.bank], "questions", (
                    f"{_LIMIT_LABELS[name]}: {shares[name]:.0%} (over {limit:.0%}); see 'trainer content quality'")))
    return report


_LIMIT_LABELS = {"all_but_one": "multiple-choice keys that are all options but one",
                 "longest_key": "single-choice keys that are the longest option",
                 "giveaway_false": "false true/false items with a give-away word"}


def course_of_bank(content: ContentSet) -> dict[str, str]:
    """bank id -> course id, through the modules that quiz from it (banks no module uses: '')."""
    courses = {}
    for module in content.modules.values():
        if module.quiz_bank:
            courses.setdefault(module.quiz_bank, module.course_id)
    return courses
