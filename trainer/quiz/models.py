"""Question banks, quiz and exam tables. Attempts and items are learner history: never deleted, even when
the exam, bank or question is retired. (Banks and questions lived in trainer.courses.models until issue 14;
the table names did not change.)"""

import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.auth.models import User
from trainer.content.exams import DrawRule
from trainer.courses.models import Module
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.timeutil import utcnow

EXAM_ORIGINS = {"content": "内容文件", "trainer": "培训师创建"}


class QuestionBank(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    retired: Mapped[bool] = mapped_column(default=False)
    # 'content': from question_banks/*.yaml (the content importer manages it); 'trainer': imported by a
    # trainer from Excel/GIFT (key prefix 't-'), which the content importer must never retire.
    origin: Mapped[str] = mapped_column(String(20), default="content", server_default="content")
    # A trainer bank belongs to whoever first imported it and to that person's unit; who may change it is
    # decided in trainer/auth/policy.py. None for shipped banks (and trainer banks nobody is known to own).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)

    questions: Mapped[list["Question"]] = relationship(back_populates="bank", order_by="Question.position")
    unit: Mapped["Unit | None"] = relationship()


class KeyedQuestion:
    """A question's options and answer key, stored as JSON: a bank question, or the copy an attempt item
    freezes when the attempt starts (trainer.quiz.models.QuizItem)."""

    options_json: str
    answer_json: str

    @property
    def options(self) -> list[str]:
        return json.loads(self.options_json)

    @property
    def answer(self) -> list:
        return json.loads(self.answer_json)


class Question(KeyedQuestion, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_bank.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(20))
    stem: Mapped[str] = mapped_column(Text)
    options_json: Mapped[str] = mapped_column(Text, default="[]")
    answer_json: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(80), default="")
    difficulty: Mapped[int] = mapped_column(default=1)
    tags_json: Mapped[str] = mapped_column(Text, default="[]")
    retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    bank: Mapped[QuestionBank] = relationship(back_populates="questions")

    @property
    def tags(self) -> list[str]:
        return json.loads(self.tags_json)


class Exam(db.Model):
    """A blueprint: how an attempt draws its questions, how long it runs, the pass mark and attempt limit.

    ``origin='content'`` rows mirror ``question_banks/exams/*.yaml`` (the content importer keeps them in
    step); ``origin='trainer'`` rows are made in the web UI and only ever retired by their makers.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int]
    pass_percent: Mapped[int] = mapped_column(default=80)
    max_attempts: Mapped[int] = mapped_column(default=3)  # 0 = unlimited
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    rules_json: Mapped[str] = mapped_column(Text, default="[]")
    origin: Mapped[str] = mapped_column(String(20), default="content")
    # Trainer-made exams are offered to the maker's unit and the units below it; None = everyone.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit | None] = relationship()

    @property
    def rules(self) -> list[DrawRule]:
        return [DrawRule.from_dict(r) for r in json.loads(self.rules_json)]

    @property
    def question_count(self) -> int:
        return sum(r.count for r in self.rules)

    @property
    def max_points(self) -> float:
        return sum(r.count * r.points for r in self.rules)


class QuizAttempt(db.Model):
    """One sitting of an exam (``mode='exam'``) or of a module's practice quiz (``mode='practice'``).

    ``scope`` ("exam:<id>" or "module:<id>") with ``number`` is unique per user, so two concurrent starts
    cannot both create attempt number N. ``status`` goes ``open`` → ``submitted`` exactly once, through a
    conditional UPDATE, so a double submit grades once.
    """

    __table_args__ = (UniqueConstraint("user_id", "scope", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    mode: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(40))
    exam_id: Mapped[int | None] = mapped_column(ForeignKey("exam.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(index=True)  # None: practice, untimed
    submitted_at: Mapped[datetime | None]
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    pass_percent: Mapped[int] = mapped_column(default=80)
    max_points: Mapped[float] = mapped_column(default=0.0)
    points: Mapped[float | None]
    percent: Mapped[float | None]  # 0–100, one decimal
    passed: Mapped[bool | None]

    user: Mapped[User] = relationship()
    exam: Mapped[Exam | None] = relationship()
    module: Mapped[Module | None] = relationship()
    items: Mapped[list["QuizItem"]] = relationship(back_populates="attempt", order_by="QuizItem.position")

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def title(self) -> str:
        if self.exam is not None:
            return self.exam.title
        return f"{self.module.title} · 章节测验" if self.module else "测验"


class QuizItem(KeyedQuestion, db.Model):
    """One question of an attempt, with the option order shown and the latest saved response.

    ``option_order[shown_position] = original option index``; ``response_json`` holds the response in
    original indexes (see trainer/quiz/marking.py), so re-shuffling can never corrupt a saved answer.

    The item keeps the question as it was drawn (type, stem, options, answer key; ``points`` too):
    showing, checking and grading read these, so a bank edited or re-imported while an attempt is open,
    or after it was graded, never changes what the learner saw or how it is scored. The explanation and
    source are read live (a corrected explanation is welcome).
    """

    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    points: Mapped[float] = mapped_column(default=1.0)
    option_order_json: Mapped[str] = mapped_column(Text, default="[]")
    response_json: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    checked: Mapped[bool] = mapped_column(default=False)  # practice: feedback shown, answer locked
    marked: Mapped[bool] = mapped_column(default=False, server_default=sa_false())  # 答题卡: marked for review
    credit: Mapped[float | None]  # 0–1 once graded (or checked, in practice)
    type: Mapped[str] = mapped_column(String(20))
    stem: Mapped[str] = mapped_column(Text)
    options_json: Mapped[str] = mapped_column(Text)
    answer_json: Mapped[str] = mapped_column(Text)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()

    @property
    def option_order(self) -> list[int]:
        return json.loads(self.option_order_json)

    @property
    def response(self) -> list | None:
        return None if self.response_json is None else json.loads(self.response_json)


class ModuleCompletion(db.Model):
    """A learner completed a module (sections read, quiz passed). Unique, so the signal goes out once."""

    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewCard(db.Model):
    """Spaced-repetition state (an ``fsrs.Card`` as JSON) of one question for one learner."""

    __table_args__ = (UniqueConstraint("user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    card_json: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(index=True)  # naive UTC
    reps: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)
    last_rating: Mapped[str] = mapped_column(String(10), default="")
    last_review_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship()
