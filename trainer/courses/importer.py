"""Load validated content into the database, idempotently.

Rows are matched by the content id (``key``). Text is updated in place; rows whose files disappeared are
marked ``retired`` (hidden from learners) but never deleted, so reads, attempts and hours that point at
them survive. The caller commits once; nothing is written when the content has errors.
"""

import json
from dataclasses import dataclass, field

from sqlalchemy import select

from trainer.content import ContentSet
from trainer.courses.models import Course, Module, Question, QuestionBank, Section
from trainer.extensions import db
from trainer.roleplay.models import Scenario, ScenarioTurn


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    retired: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, what: str) -> None:
        bucket = getattr(self, what)
        bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.retired))
        return "; ".join(
            f"{k}: {self.created.get(k, 0)} created, {self.updated.get(k, 0)} updated, {self.retired.get(k, 0)} retired"
            for k in kinds
        )


def _upsert(model, key, report: ImportReport, kind: str, existing: dict, *, make=None, **values):
    """Find by ``key`` in ``existing`` (or make a new row: ``make()``, default ``model(key=key)``), set
    ``values``, count what changed. ``existing`` keeps the rows not seen yet, for :func:`_retire`."""
    row = existing.pop(key, None)
    if row is None:
        row = make() if make else model(key=key)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.add(row)
        report.count(kind, "created")
        return row
    changed = any(getattr(row, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(row, name, value)
    if changed:
        report.count(kind, "updated")
    return row


def _retire(leftovers: dict, report: ImportReport, kind: str) -> None:
    for row in leftovers.values():
        if not row.retired:
            row.retired = True
            report.count(kind, "retired")


def _by_key(model, **filters) -> dict:
    return {row.key: row for row in db.session.scalars(select(model).filter_by(**filters))}


def import_content(content: ContentSet) -> ImportReport:
    from trainer.assignments.paths import import_paths
    from trainer.quiz.exams import import_exam_defs  # exam blueprints draw from the banks just imported

    report = ImportReport()
    _import_banks(content, report)
    _import_courses(content, report)
    _import_scenarios(content, report)
    db.session.flush()
    import_exam_defs(content.exams, report)
    db.session.flush()
    import_paths(content, report)  # learning paths name modules, scenarios and exams by key
    db.session.flush()
    from trainer.certification.importer import import_qualifications

    import_qualifications(content, report)  # courses/qualifications/*.yaml
    db.session.flush()
    from trainer.assessment.importer import import_standards

    import_standards(content, report)  # courses/assessment/*.yaml
    db.session.flush()
    return report


def _import_banks(content: ContentSet, report: ImportReport) -> None:
    # Only banks that came from content files are ours to update or retire: banks trainers imported from
    # Excel/GIFT (origin 'trainer') and their questions are left alone.
    banks = _by_key(QuestionBank, origin="content")
    questions = {q.key: q for q in db.session.scalars(
        select(Question).join(QuestionBank, Question.bank_id == QuestionBank.id).where(QuestionBank.origin == "content"))}
    for bank_def in content.banks.values():
        bank = _upsert(QuestionBank, bank_def.id, report, "banks", banks, title=bank_def.title, retired=False)
        for position, q in enumerate(bank_def.questions):
            _upsert(
                Question, q.id, report, "questions", questions,
                bank=bank, position=position, type=q.type, stem=q.stem,
                options_json=json.dumps(q.options, ensure_ascii=False),
                answer_json=json.dumps(q.answer, ensure_ascii=False),
                explanation=q.explanation, source=q.source, difficulty=q.difficulty,
                tags_json=json.dumps(q.tags, ensure_ascii=False), retired=False,
            )
    _retire(banks, report, "banks")
    _retire(questions, report, "questions")


def _import_courses(content: ContentSet, report: ImportReport) -> None:
    courses, modules = _by_key(Course), _by_key(Module)
    for position, course_def in enumerate(content.courses.values()):
        course = _upsert(
            Course, course_def.id, report, "courses", courses,
            title=course_def.title, description=course_def.description,
            audience_json=json.dumps(course_def.audience, ensure_ascii=False), position=position, retired=False,
        )
        for module_position, m in enumerate(course_def.modules):
            module = _upsert(
                Module, m.id, report, "modules", modules,
                course=course, position=module_position, title=m.title,
                credit_category=m.credit.category, credit_minutes=m.credit.minutes,
                sources_json=json.dumps(m.sources, ensure_ascii=False),
                quiz_bank_key=m.quiz_bank, quiz_count=m.quiz_count, quiz_pass_percent=m.quiz_pass_percent,
                scenario_keys_json=json.dumps(m.scenarios, ensure_ascii=False), retired=False,
            )
            sections = {s.key: s for s in module.sections} if module.id else {}
            for section_position, s in enumerate(m.sections):
                _upsert(Section, s.key, report, "sections", sections, module=module,
                        position=section_position, title=s.title, body_markdown=s.body, retired=False)
            _retire(sections, report, "sections")
    _retire(courses, report, "courses")
    _retire(modules, report, "modules")


def _import_scenarios(content: ContentSet, report: ImportReport) -> None:
    scenarios = _by_key(Scenario)
    for s in content.scenarios.values():
        scenario = _upsert(
            Scenario, s.id, report, "scenarios", scenarios,
            title=s.title, setting=s.setting, situation=s.situation,
            roles_json=json.dumps(s.roles, ensure_ascii=False), sources_json=json.dumps(s.sources, ensure_ascii=False),
            credit_category=s.credit.category, credit_minutes=s.credit.minutes, retired=False,
            initial_mood=s.mood,
        )
        turns = {t.position: t for t in scenario.turns} if scenario.id else {}
        for position, t in enumerate(s.turns, start=1):
            values = dict(
                customer=t.customer, audio=t.audio,
                expect_json=json.dumps(t.phrases, ensure_ascii=False), forbid_json=json.dumps(t.forbid, ensure_ascii=False),
                rubric_json=json.dumps(t.rubric.to_dict(), ensure_ascii=False),
                turn_key=t.key, default_next=t.default_next, is_end=t.end,
                branches_json=json.dumps([b.to_dict() for b in t.branches], ensure_ascii=False),
                variants_json=json.dumps([{"customer": v.customer, "audio": v.audio} for v in t.variants], ensure_ascii=False),
                model_answer=t.model_answer, max_seconds=t.max_seconds, tips=t.tips, retired=False,
            )
            _upsert(ScenarioTurn, position, report, "turns", turns,
                    make=lambda scenario=scenario, position=position: ScenarioTurn(scenario=scenario, position=position),
                    **values)
        _retire(turns, report, "turns")
    _retire(scenarios, report, "scenarios")
