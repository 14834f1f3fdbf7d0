"""The question-bank editor: browse a bank's questions, add, edit, retire and restore them, start an empty bank.
Pure domain code (no Flask): the views in ``editor.py`` call it with the acting user.

- Reading follows the bank's read rule (trainer/auth/policy.py ``can_read_bank``: shipped banks, one's own unit's
  and the units' above); every change follows the write rule (``banks.require_writable``: trainer banks only;
  a shipped bank is changed in its YAML file).
- A question in the form is an Excel row (``编号 题型 题干 选项A… 答案 解析 出处 难度 标签``) read by the same
  functions as an imported row (``excel.row_item``, then ``bankio.finish_preview``, which ends in the content
  validators): an edited question is exactly as valid as an imported one, and as a YAML one.
- Nothing is deleted: attempts and review cards point at questions, so a question is retired (no longer drawn)
  and may be restored. An attempt already started keeps the copy it froze (trainer/quiz/models.py ``QuizItem``).
- Every change is audited (``bank.create``, ``question.add``, ``question.edit``, ``question.retire``,
  ``question.restore``).
"""

import math
from collections import Counter
from dataclasses import dataclass, field

from trainer import audit
from trainer.auth.models import User
from trainer.content.model import QuestionDef
from trainer.content.questions import QUESTION_TYPE_LABELS
from trainer.errors import NotFound, ValidationFailed
from trainer.extensions import db
from trainer.question_types import LETTERS, QUESTION_TYPES
from trainer.quiz import banks
from trainer.quiz.bankio import BankPreview, code_for, finish_preview
from trainer.quiz.excel import row_item
from trainer.quiz.models import Question, QuestionBank

PAGE_SIZE = 20
OPTION_FIELDS = [f"选项{letter}" for letter in LETTERS]


class QuestionInvalid(ValidationFailed):
    """The form breaks one or more rules; ``problems`` lists them in Chinese."""

    def __init__(self, problems: list[str]):
        super().__init__("题目没有保存:" + ";".join(problems), "; ".join(problems))
        self.problems = problems


@dataclass
class QuestionFilter:
    """What the bank page asks for. ``text``: part of the stem or the 编号 (any case); ``source``: the start of
    the 出处 (``000 §5`` finds ``000 §5.2.1``); ``retired``: show retired questions too; ``page`` from 1."""

    text: str = ""
    type: str = ""
    tag: str = ""
    source: str = ""
    retired: bool = False
    page: int = 1

    def matches(self, bank: QuestionBank, question: Question) -> bool:
        text = self.text.strip().casefold()
        return ((self.retired or not question.retired)
                and (not text or text in question.stem.casefold() or text in banks.code_of(bank, question).casefold())
                and (not self.type or question.type == self.type)
                and (not self.tag or self.tag in question.tags)
                and (not self.source.strip() or question.source.startswith(self.source.strip())))


@dataclass
class BankListing:
    """One page of a bank's questions that match a filter, with the counts the page shows."""

    questions: list[Question]
    matched: int
    page: int
    pages: int
    active: int
    retired: int
    by_type: dict[str, int]  # active questions per type name, in the registry's order
    tags: list[str]  # every tag of the bank, for the filter
    sources: list[str] = field(default_factory=list)  # every 出处 of the bank, for the filter


def browse(bank: QuestionBank, wanted: QuestionFilter, page_size: int = PAGE_SIZE) -> BankListing:
    """The bank's questions in bank order, filtered and paged. A bank holds at most a few thousand questions
    (an import takes 2000 at a time), so they are read once and filtered here, the same on SQLite and PostgreSQL."""
    everything = list(bank.questions)
    matched = [q for q in everything if wanted.matches(bank, q)]
    pages = max(1, math.ceil(len(matched) / page_size))
    page = min(max(wanted.page, 1), pages)
    active = [q for q in everything if not q.retired]
    per_type = Counter(q.type for q in active)
    return BankListing(
        questions=matched[(page - 1) * page_size: page * page_size], matched=len(matched), page=page, pages=pages,
        active=len(active), retired=len(everything) - len(active),
        by_type={name: per_type[name] for name in QUESTION_TYPES if per_type[name]},
        tags=sorted({t for q in everything for t in q.tags}), sources=sorted({q.source for q in everything if q.source}),
    )


def question_in(bank: QuestionBank, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.bank_id != bank.id:
        raise NotFound("题目不存在。", f"no question {question_id} in bank {bank.key}")
    return question


def form_values(bank: QuestionBank, question: Question) -> dict[str, str]:
    """A stored question as the form's fields (the Excel row it would export as)."""
    kind = QUESTION_TYPES[question.type]
    options = question.options
    return {
        "编号": banks.code_of(bank, question), "题型": kind.label, "题干": question.stem,
        **{name: options[i] if i < len(options) else "" for i, name in enumerate(OPTION_FIELDS)},
        "答案": kind.excel_text(banks.to_def(bank, question)), "解析": question.explanation, "出处": question.source,
        "难度": str(question.difficulty), "标签": ",".join(question.tags),
    }


def _read(bank: QuestionBank, values: dict[str, str], question: Question | None) -> QuestionDef:
    """The form as a checked question, read as an imported Excel row is; QuestionInvalid with every problem."""
    values = {name: (value or "").strip() for name, value in values.items()}
    if question is not None:
        values["编号"] = banks.code_of(bank, question)  # a question's 编号 never changes: imports match by it
    item = row_item(values, 1)
    finish_preview(BankPreview(items=[item]))
    problems = list(item.reasons)
    code = code_for(values.get("编号", ""))
    if question is None and code and any(banks.code_of(bank, q) == code for q in bank.questions):
        problems.insert(0, f"编号“{code}”已被本题库的另一道题使用。")
    if problems or item.status != "ok" or item.question is None:
        raise QuestionInvalid(problems or [item.status_label])
    return item.question


def add_question(actor: User, bank: QuestionBank, values: dict[str, str]) -> Question:
    """A new question at the end of the bank. 编号 optional: ``q001``… is given when empty."""
    banks.require_writable(actor, bank)
    parsed = _read(bank, values, None)
    codes = {banks.code_of(bank, q) for q in bank.questions}
    code = parsed.id or banks.next_code(codes)
    position = max((q.position for q in bank.questions), default=-1) + 1
    question = Question(key=f"{bank.key}:{code}", bank=bank, **banks.question_values(parsed, position))
    db.session.add(question)
    db.session.flush()
    audit.record(actor, "question.add", question.key, bank=bank.key, type=question.type)
    return question


def edit_question(actor: User, bank: QuestionBank, question: Question, values: dict[str, str]) -> list[str]:
    """Save the form over ``question`` (its 编号 and place stay; a retired one stays retired). Returns the names of
    the fields that changed (empty: nothing to save, nothing audited)."""
    banks.require_writable(actor, bank)
    parsed = _read(bank, values, question)
    new = banks.question_values(parsed, question.position)
    new["retired"] = question.retired
    changed = [name for name, value in new.items() if getattr(question, name) != value]
    for name in changed:
        setattr(question, name, new[name])
    if changed:
        db.session.flush()
        audit.record(actor, "question.edit", question.key, bank=bank.key, fields=changed)
    return changed


def set_retired(actor: User, bank: QuestionBank, question: Question, retired: bool) -> bool:
    """Retire (no longer drawn into new attempts) or restore a question; False when it already was."""
    banks.require_writable(actor, bank)
    if question.retired == retired:
        return False
    question.retired = retired
    db.session.flush()
    audit.record(actor, "question.retire" if retired else "question.restore", question.key, bank=bank.key)
    return True


def create_bank(actor: User, title: str) -> QuestionBank:
    """An empty trainer bank, owned by ``actor`` and their unit (an admin's belongs to no unit: every trainer
    may use it, only admins change it), as an import into a new bank makes it."""
    bank = banks.new_trainer_bank(actor, title)
    audit.record(actor, "bank.create", bank.key, title=title)
    return bank


def preview_item(question: Question) -> dict:
    """The question in the shape the attempt page renders (``present.item_json`` of a fresh, unanswered item),
    options in stored order (an attempt shuffles them)."""
    return {
        "question_id": question.id, "position": 1, "type": question.type,
        "type_label": QUESTION_TYPE_LABELS[question.type], "stem": question.stem, "options": question.options,
        "points": 1.0, "response": [], "answered_at": None, "checked": False,
    }
