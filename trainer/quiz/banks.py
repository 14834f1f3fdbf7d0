"""Question banks trainers import and export (Excel, GIFT, Moodle XML).

- Export works for every bank: a shipped (content-file) bank or one a trainer imported.
- Import creates a new trainer bank (key ``t-…``, ``origin='trainer'``), owned by the importing trainer
  and their unit, or replaces the questions of an existing trainer bank the trainer may change
  (trainer/auth/policy.py: owner, trainers of the bank's unit or above, admins). Shipped banks are
  never changed here: their source of truth is the YAML file.
- Changing a bank never changes an attempt already started: each attempt item froze its question.
- Preview first: :func:`preview_import` reads a file into a :class:`~trainer.quiz.bankio.BankPreview` (every
  question 可导入 / 需修改 / 不支持 with its reasons; writes nothing). :func:`import_bank` then writes it in one of
  two modes: ``good`` (the 可导入 questions; the others are skipped and listed) or ``all`` (all or nothing: any
  question that is not 可导入 and nothing is written). Both are the stable entry points of the import page, the
  ``trainer bank`` CLI and the API:

      preview = preview_import(filename, data, default_source="000 §5")
      summary = import_bank(actor, preview, bank=None, title="新题库", filename=filename, mode="good")
- A question keeps its identity (and so its learners' history and review cards) across imports: matched
  by 编号, else by the same stem; questions missing from the new file are retired, never deleted.
- Exporting a bank and importing the file into it changes nothing (tested).
"""

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from trainer import audit
from trainer.auth import policy
from trainer.auth.models import User
from trainer.content.exams import TRAINER_BANK_PREFIX
from trainer.content.model import QuestionDef
from trainer.errors import Forbidden, NotFound, ValidationFailed
from trainer.extensions import db
from trainer.quiz.bankio import IMPORT_MODES, BankPreview, ParsedBank, PreviewItem, finish_preview
from trainer.quiz.excel import preview_workbook, write_workbook
from trainer.quiz.gift import export_gift, preview_gift
from trainer.quiz.marking import normalise_text
from trainer.quiz.models import Question, QuestionBank
from trainer.quiz.moodle_xml import export_xml, preview_xml

FORMATS = {"xlsx": "Excel(.xlsx)", "gift": "Moodle GIFT(.txt / .gift)", "xml": "Moodle XML(.xml)"}
AUTO_CODE = re.compile(r"^q(\d+)$")


@dataclass
class ImportSummary:
    bank: QuestionBank
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    notes: list[str] = field(default_factory=list)
    skipped: list[PreviewItem] = field(default_factory=list)  # mode 'good': the items not written


def get_bank(key: str) -> QuestionBank:
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.key == key))
    if bank is None:
        raise NotFound("题库不存在。", f"no bank {key!r}")
    return bank


def readable_banks(actor: User) -> list[QuestionBank]:
    query = select(QuestionBank).order_by(QuestionBank.retired, QuestionBank.origin, QuestionBank.key)
    return [bank for bank in db.session.scalars(query) if policy.can_read_bank(actor, bank)]


def readable_bank(actor: User, key: str) -> QuestionBank:
    bank = get_bank(key)
    if not policy.can_read_bank(actor, bank):
        raise Forbidden("该题库属于其他单位,您不能查看或导出。", f"user {actor.id} may not read bank {key}")
    return bank


def require_writable(actor: User, bank: QuestionBank) -> None:
    if bank.origin != "trainer":
        raise Forbidden("内置题库由内容文件维护,不能在此覆盖;请导入为新题库。", f"bank {bank.key} has origin {bank.origin}")
    if not policy.can_write_bank(actor, bank):
        raise Forbidden("该题库属于其他培训师或其他单位,您不能修改;可以导入为新题库。",
                        f"user {actor.id} may not write bank {bank.key} (owner {bank.created_by_id}, unit {bank.unit_id})")


def code_of(bank: QuestionBank, question: Question) -> str:
    """The 编号 written to files: trainer questions are stored as ``<bank key>:<code>``."""
    prefix = f"{bank.key}:"
    return question.key.removeprefix(prefix)


def to_def(bank: QuestionBank, question: Question) -> QuestionDef:
    return QuestionDef(id=code_of(bank, question), type=question.type, stem=question.stem, options=question.options,
                       answer=question.answer, explanation=question.explanation, source=question.source,
                       difficulty=question.difficulty, tags=question.tags)


def _xlsx(title: str, questions: list[QuestionDef]) -> bytes:
    return write_workbook(title, questions)


def _gift(title: str, questions: list[QuestionDef]) -> bytes:
    return export_gift(title, questions).encode("utf-8")


# Format name → (writer of (title, questions) to bytes, file name ending, MIME type). Other formats register here.
EXPORTERS: dict[str, tuple[Callable[[str, list[QuestionDef]], bytes], str, str]] = {
    "xlsx": (_xlsx, ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "gift": (_gift, ".gift.txt", "text/plain; charset=utf-8"),
    "xml": (export_xml, ".moodle.xml", "application/xml"),
}


def export_bank(bank: QuestionBank, fmt: str) -> tuple[bytes, str, str]:
    """(file bytes, download name, MIME type) of the bank's active questions, in bank order."""
    if fmt not in EXPORTERS:
        raise NotFound("不支持的导出格式。", f"unknown format {fmt!r}")
    write, ending, mimetype = EXPORTERS[fmt]
    return write(bank.title, [to_def(bank, q) for q in bank.questions if not q.retired]), f"{bank.key}{ending}", mimetype


def _gift_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("GIFT 文件应为 UTF-8 编码。", str(exc)) from exc


def _preview_gift(data: bytes) -> BankPreview:
    return preview_gift(_gift_text(data))


# File name ending → (format name, reader of the bytes into an unfinished preview). Other formats register here.
PREVIEW_READERS: dict[str, tuple[str, Callable[[bytes], BankPreview]]] = {
    ".xlsx": ("xlsx", preview_workbook),
    ".gift": ("gift", _preview_gift),
    ".txt": ("gift", _preview_gift),
    ".xml": ("xml", preview_xml),
}


def _reader(filename: str) -> tuple[str, Callable[[bytes], BankPreview]]:
    name = filename.lower()
    for ending, reader in PREVIEW_READERS.items():
        if name.endswith(ending):
            return reader
    endings = "、".join(PREVIEW_READERS)
    raise ValidationFailed(f"请上传以下格式的文件:{endings}。", f"unsupported file {filename!r}")


def preview_import(filename: str, data: bytes, *, default_source: str = "") -> BankPreview:
    """Read a bank file (format from its name) into a checked preview; writes nothing. ``default_source`` is the
    batch 出处 given to questions without one. ValidationFailed for a file type no reader takes or bad encoding."""
    fmt, read = _reader(filename)
    preview = read(data)
    preview.format = fmt
    return finish_preview(preview, default_source)


def parse_file(filename: str, data: bytes) -> ParsedBank:
    """All-or-nothing view of :func:`preview_import` (older callers)."""
    return preview_import(filename, data).to_parsed()


def question_values(question: QuestionDef, position: int) -> dict:
    """The stored columns of a question at ``position`` (import and the bank editor write the same)."""
    return dict(
        position=position, type=question.type, stem=question.stem,
        options_json=json.dumps(question.options, ensure_ascii=False),
        answer_json=json.dumps(question.answer, ensure_ascii=False), explanation=question.explanation,
        source=question.source, difficulty=question.difficulty,
        tags_json=json.dumps(question.tags, ensure_ascii=False), retired=False,
    )


def next_code(existing_codes: set[str]) -> str:
    """The next free automatic 编号 (q001, q002 …) of a bank."""
    numbers = [int(m.group(1)) for c in existing_codes if (m := AUTO_CODE.match(c))]
    return f"q{max(numbers, default=0) + 1:03d}"


def new_trainer_bank(actor: User, title: str) -> QuestionBank:
    """An empty trainer bank owned by ``actor`` and their unit, as an import into a new bank and the editor's
    新建题库 make it. An admin's bank belongs to no unit: every trainer may use it, only admins change it."""
    if actor.role not in policy.STAFF_ROLES:
        raise Forbidden("没有权限。", f"user {actor.id} may not create banks")
    title = title.strip()
    if not title or len(title) > 200:
        raise ValidationFailed("请填写题库名称(最多 200 字)。", "missing or long bank title")
    if actor.role != "admin" and actor.unit_id is None:
        raise Forbidden("您还没有所属单位,不能新建题库。", f"trainer {actor.id} has no unit")
    bank = QuestionBank(key=f"{TRAINER_BANK_PREFIX}{secrets.token_hex(4)}", title=title, origin="trainer",
                        created_by_id=actor.id, unit_id=None if actor.role == "admin" else actor.unit_id)
    db.session.add(bank)
    db.session.flush()
    return bank


def import_bank(actor: User, preview: BankPreview | ParsedBank, *, bank: QuestionBank | None = None, title: str = "",
                filename: str = "", mode: str = "all") -> ImportSummary:
    """Write a checked file into ``bank`` (a trainer bank) or into a new bank titled ``title``.

    ``mode`` (IMPORT_MODES): ``all`` writes only when every question is 可导入; ``good`` writes the 可导入 ones and
    lists the others in ``summary.skipped``. Questions of an existing bank are retired when the file no longer has
    them, except those whose 编号 belongs to a skipped question (fix the file and import again)."""
    if actor.role not in policy.STAFF_ROLES:
        raise Forbidden("没有权限。", f"user {actor.id} may not import banks")
    if mode not in IMPORT_MODES:
        raise ValidationFailed("导入方式无效。", f"unknown import mode {mode!r}")
    if isinstance(preview, ParsedBank):
        preview = BankPreview.from_parsed(preview)
    items = preview.importable(mode)
    if not items:
        problems = preview.errors + [e for i in preview.items if i.status != "ok" for e in _item_errors(i)]
        message = "文件有错误,没有导入任何题目。" if mode == "all" or preview.errors else "文件中没有可导入的题目。"
        raise ValidationFailed(message, "; ".join(str(e) for e in problems[:20]) or "no questions")
    parsed = ParsedBank(questions=[(i.number, i.question) for i in items], title=preview.title)
    kept_codes = {i.code for i in preview.items if i.status != "ok" and i.code}
    if bank is not None:
        require_writable(actor, bank)
    if bank is None:
        bank = new_trainer_bank(actor, title)
    elif title.strip():
        bank.title = title.strip()[:200]
    bank.retired = False
    summary = ImportSummary(bank)
    existing = {code_of(bank, q): q for q in bank.questions}
    by_stem = {normalise_text(q.stem): q for q in bank.questions}
    used: set[int] = set()
    codes = set(existing) | {q.id for _row, q in parsed.questions if q.id}  # never hand out a code the file uses
    for position, (_row, question) in enumerate(parsed.questions):
        row = existing.get(question.id) if question.id else None
        if row is None and not question.id:
            candidate = by_stem.get(normalise_text(question.stem))
            row = candidate if candidate is not None and candidate.id not in used else None
        values = question_values(question, position)
        if row is None:
            code = question.id or next_code(codes)
            codes.add(code)
            row = Question(key=f"{bank.key}:{code}", bank=bank, **values)
            db.session.add(row)
            summary.created += 1
        else:
            changed = any(getattr(row, k) != v for k, v in values.items() if k != "position")
            for k, v in values.items():
                setattr(row, k, v)
            summary.updated += changed
            summary.unchanged += not changed
        db.session.flush()
        used.add(row.id)
    summary.skipped = [i for i in preview.items if i.status != "ok"]
    for question in bank.questions:
        if question.id not in used and not question.retired and code_of(bank, question) not in kept_codes:
            question.retired = True
            summary.retired += 1
    db.session.flush()
    audit.record(actor, "bank.import", bank.key, title=bank.title, file=filename, created=summary.created,
                 updated=summary.updated, unchanged=summary.unchanged, retired=summary.retired,
                 skipped=len(summary.skipped), mode=mode)
    return summary


def _item_errors(item: PreviewItem) -> list[str]:
    return [f"第 {item.number} 行:{reason}" for reason in item.reasons or [item.status_label]]
