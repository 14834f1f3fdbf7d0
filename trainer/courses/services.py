"""Reading progress: which sections a learner has read, per module and per course."""

from dataclasses import dataclass

import markdown
from sqlalchemy import func, select

from trainer import signals
from trainer.auth.models import User
from trainer.courses.models import Course, Module, Section, SectionRead
from trainer.errors import NotFound
from trainer.extensions import db
from trainer.lookup import active_by_key
from trainer.timeutil import utcnow


@dataclass
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total


def render_markdown(text: str) -> str:
    # Content comes from the repository (trusted authors), so raw HTML is left as Markdown allows.
    return markdown.markdown(text, extensions=["tables", "sane_lists", "attr_list"], output_format="html")


def active_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).where(Course.retired.is_(False)).order_by(Course.position)))


def get_course(key: str) -> Course:
    return active_by_key(Course, key, "课程不存在。")


def get_module(key: str) -> Module:
    return active_by_key(Module, key, "学习单元不存在。")


def read_section_ids(user: User, module: Module) -> set[int]:
    query = (
        select(SectionRead.section_id)
        .join(Section, Section.id == SectionRead.section_id)
        .where(SectionRead.user_id == user.id, Section.module_id == module.id)
    )
    return set(db.session.scalars(query))


def module_progress(user: User) -> dict[int, Progress]:
    """Reading progress of every active module for one user, in two queries."""
    totals = dict(
        db.session.execute(
            select(Section.module_id, func.count(Section.id)).where(Section.retired.is_(False)).group_by(Section.module_id)
        ).all()
    )
    done = dict(
        db.session.execute(
            select(Section.module_id, func.count(SectionRead.id))
            .join(SectionRead, SectionRead.section_id == Section.id)
            .where(Section.retired.is_(False), SectionRead.user_id == user.id)
            .group_by(Section.module_id)
        ).all()
    )
    return {module_id: Progress(done.get(module_id, 0), total) for module_id, total in totals.items()}


def course_progress(course: Course, per_module: dict[int, Progress]) -> Progress:
    done = total = 0
    for module in course.active_modules:
        progress = per_module.get(module.id, Progress(0, 0))
        done += progress.done
        total += progress.total
    return Progress(done, total)


def mark_section_read(user: User, section_id: int) -> Section:
    """Idempotent: marking a read section again changes nothing."""
    section = db.session.get(Section, section_id)
    if section is None or section.retired or section.module.retired:
        raise NotFound("该章节不存在。", f"no section {section_id}")
    exists = db.session.scalar(
        select(SectionRead.id).where(SectionRead.user_id == user.id, SectionRead.section_id == section.id)
    )
    if exists is None:
        db.session.add(SectionRead(user_id=user.id, section_id=section.id))
        db.session.flush()
        # Reading the last section may complete the module (its quiz passed earlier): whoever owns that rule
        # listens (trainer/quiz/completion.py), so courses need not know about quizzes.
        signals.section_read.send(user, section=section, read_at=utcnow())
    return section


def next_module(user: User, per_module: dict[int, Progress]) -> Module | None:
    """The first module, in catalogue order, that the learner has not finished reading."""
    for course in active_courses():
        for module in course.active_modules:
            if not per_module.get(module.id, Progress(0, 0)).complete:
                return module
    return None


def following_module(module: Module) -> Module | None:
    """The module after ``module`` in catalogue order (the next in its course, else the first of the next
    course): the module page's 下一单元."""
    found = False
    for course in active_courses():
        for candidate in course.active_modules:
            if found:
                return candidate
            found = candidate.id == module.id
    return None
