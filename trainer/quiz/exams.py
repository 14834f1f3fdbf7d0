"""Exam blueprints in the database: kept in step with content files, made and edited by trainers,
and which exams a person may take or manage."""

import json
import secrets
from dataclasses import dataclass

from sqlalchemy import or_, select

from trainer import audit
from trainer.auth import policy
from trainer.auth.models import User
from trainer.content.exams import DrawRule, ExamDef, rule_matches, shortfalls
from trainer.errors import Forbidden, NotFound, ValidationFailed
from trainer.extensions import db
from trainer.importing import retire, upsert
from trainer.org.models import Unit
from trainer.org.services import ancestor_ids
from trainer.quiz.models import Exam, Question, QuestionBank


def import_exam_defs(exams: dict[str, ExamDef], report) -> None:
    """Upsert content-file blueprints by key; retire content exams whose file is gone. Trainer exams untouched."""
    existing = {e.key: e for e in db.session.scalars(select(Exam).where(Exam.origin == "content"))}
    for exam_def in exams.values():
        values = dict(
            title=exam_def.title, description=exam_def.description, duration_minutes=exam_def.duration_minutes,
            pass_percent=exam_def.pass_percent, max_attempts=exam_def.max_attempts,
            shuffle_options=exam_def.shuffle_options,
            rules_json=json.dumps([r.to_dict() for r in exam_def.rules], ensure_ascii=False), retired=False,
        )
        upsert(Exam, exam_def.id, report, "exams", existing,
                make=lambda key=exam_def.id: Exam(key=key, origin="content"), **values)
    retire(existing, report, "exams")


# --- who may take and manage which exam ------------------------------------------------------------------

def _offered_to(user: User):
    """SQL condition: exams offered to ``user`` (everyone's exams, plus trainer exams of units above them)."""
    if user.unit is None:
        return Exam.unit_id.is_(None)
    return or_(Exam.unit_id.is_(None), Exam.unit_id.in_(ancestor_ids(user.unit)))


def exams_for(user: User) -> list[Exam]:
    query = select(Exam).where(Exam.retired.is_(False), _offered_to(user)).order_by(Exam.origin, Exam.title)
    return list(db.session.scalars(query))


def get_exam(key: str, user: User) -> Exam:
    """An active exam offered to ``user`` (or manageable by them); 404 otherwise."""
    exam = db.session.scalar(select(Exam).where(Exam.key == key))
    if exam is None or (exam.retired and not can_manage(user, exam)) or not (can_take(user, exam) or can_manage(user, exam)):
        raise NotFound("考试不存在。", f"no exam {key!r} for user {user.id}")
    return exam


def can_take(user: User, exam: Exam) -> bool:
    if exam.retired:
        return False
    return exam.unit is None or (user.unit is not None and user.unit.is_within(exam.unit))


def can_manage(user: User, exam: Exam) -> bool:
    """Results and item analysis: any staff member (scoped to their units); editing: see :func:`can_edit`."""
    return user.role in policy.STAFF_ROLES and (exam.unit is None or policy.can_see_unit(user, exam.unit))


def can_edit(user: User, exam: Exam) -> bool:
    if exam.origin != "trainer" or user.role not in policy.STAFF_ROLES:
        return False
    return user.role == "admin" or (exam.unit is not None and policy.can_see_unit(user, exam.unit))


def manageable_exams(user: User) -> list[Exam]:
    return [e for e in db.session.scalars(select(Exam).order_by(Exam.retired, Exam.origin, Exam.title)) if can_manage(user, e)]


# --- trainer-made blueprints -------------------------------------------------------------------------------

@dataclass
class ExamInput:
    title: str
    description: str
    duration_minutes: int
    pass_percent: int
    max_attempts: int
    shuffle_options: bool
    rules: list[DrawRule]
    retired: bool = False


def active_banks(actor: User) -> list[QuestionBank]:
    """The banks ``actor`` may draw from (trainer/auth/policy.py: can_read_bank)."""
    query = select(QuestionBank).where(QuestionBank.retired.is_(False)).order_by(QuestionBank.origin, QuestionBank.key)
    return [bank for bank in db.session.scalars(query) if policy.can_read_bank(actor, bank)]


def rule_pools(rules: list[DrawRule]) -> list[set[int]]:
    """The active questions each rule may draw from (ids), read from the database."""
    bank_keys = {b for r in rules for b in r.banks}
    rows = db.session.execute(
        select(Question.id, QuestionBank.key, Question.type, Question.difficulty, Question.tags_json)
        .join(QuestionBank, Question.bank_id == QuestionBank.id)
        .where(QuestionBank.key.in_(bank_keys), Question.retired.is_(False), QuestionBank.retired.is_(False))
    ).all()
    return [
        {qid for qid, bank, qtype, difficulty, tags in rows if rule_matches(rule, bank, qtype, difficulty, json.loads(tags))}
        for rule in rules
    ]


def check_input(data: ExamInput, actor: User) -> None:
    problems = []
    if not data.title.strip():
        problems.append("请填写考试名称。")
    if not 1 <= data.duration_minutes <= 600:
        problems.append("考试时长应为 1–600 分钟。")
    if not 1 <= data.pass_percent <= 100:
        problems.append("合格分数线应为 1–100。")
    if data.max_attempts < 0:
        problems.append("考试次数不能为负数(0 表示不限)。")
    if not data.rules:
        problems.append("至少需要一条抽题规则。")
    known = {b.key for b in active_banks(actor)}
    for index, rule in enumerate(data.rules, start=1):
        if not rule.banks:
            problems.append(f"第 {index} 条规则:请选择题库。")
        elif not set(rule.banks) <= known:
            problems.append(f"第 {index} 条规则:题库不存在、已停用或属于其他单位。")
        if rule.count < 1:
            problems.append(f"第 {index} 条规则:请填写题数(至少 1 题)。")
        if not 0 < rule.points <= 100:
            problems.append(f"第 {index} 条规则:每题分值应大于 0、不超过 100。")
    for index, count, left in shortfalls(data.rules, rule_pools(data.rules)):
        problems.append(f"第 {index + 1} 条规则要抽 {count} 题,但符合条件的题目只有 {left} 道。")
    if problems:
        raise ValidationFailed(" ".join(problems), "; ".join(problems))


def _apply(exam: Exam, data: ExamInput) -> None:
    exam.title = data.title.strip()
    exam.description = data.description.strip()
    exam.duration_minutes = data.duration_minutes
    exam.pass_percent = data.pass_percent
    exam.max_attempts = data.max_attempts
    exam.shuffle_options = data.shuffle_options
    exam.rules_json = json.dumps([r.to_dict() for r in data.rules], ensure_ascii=False)
    exam.retired = data.retired


def create_exam(actor: User, data: ExamInput) -> Exam:
    """A trainer's exam is offered to the trainer's unit and below; an admin's to everyone."""
    if actor.role not in policy.STAFF_ROLES:
        raise Forbidden("没有权限。", f"user {actor.id} may not create exams")
    check_input(data, actor)
    unit: Unit | None = None if actor.role == "admin" else actor.unit
    if actor.role != "admin" and unit is None:
        raise Forbidden("您还没有所属单位,不能创建考试。", f"trainer {actor.id} has no unit")
    exam = Exam(key=f"t-{secrets.token_hex(4)}", origin="trainer", unit=unit, created_by_id=actor.id,
                duration_minutes=data.duration_minutes)
    _apply(exam, data)
    db.session.add(exam)
    db.session.flush()
    audit.record(actor, "exam.create", exam.key, title=exam.title, rules=exam.rules_json)
    return exam


def update_exam(actor: User, exam: Exam, data: ExamInput) -> Exam:
    if not can_edit(actor, exam):
        raise Forbidden("该考试由内容文件定义或不属于您的单位,不能在此修改。", f"user {actor.id} may not edit exam {exam.key}")
    check_input(data, actor)
    before = {"title": exam.title, "pass_percent": exam.pass_percent, "rules": exam.rules_json, "retired": exam.retired}
    _apply(exam, data)
    db.session.flush()
    audit.record(actor, "exam.update", exam.key, before=before, title=exam.title, pass_percent=exam.pass_percent,
                 rules=exam.rules_json, retired=exam.retired)
    return exam
