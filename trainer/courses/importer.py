"""Courses, modules and sections from content into the database (see :mod:`trainer.importing`)."""


from trainer.content import ContentSet
from trainer.courses.models import Course, Module, Section
from trainer.importing import ImportReport, by_key, register, retire, upsert


def import_courses(content: ContentSet, report: ImportReport) -> None:
    courses, modules = by_key(Course), by_key(Module)
    for position, course_def in enumerate(content.courses.values()):
        course = upsert(
            Course, course_def.id, report, "courses", courses,
            title=course_def.title, description=course_def.description,
            audience_json=list(course_def.audience), position=position, retired=False,
        )
        for module_position, m in enumerate(course_def.modules):
            module = upsert(
                Module, m.id, report, "modules", modules,
                course=course, position=module_position, title=m.title,
                credit_category=m.credit.category, credit_minutes=m.credit.minutes,
                sources_json=list(m.sources),
                quiz_bank_key=m.quiz_bank, quiz_count=m.quiz_count, quiz_pass_percent=m.quiz_pass_percent,
                scenario_keys_json=list(m.scenarios), retired=False,
            )
            sections = {s.key: s for s in module.sections} if module.id else {}
            for section_position, s in enumerate(m.sections):
                upsert(Section, s.key, report, "sections", sections, module=module,
                        position=section_position, title=s.title, body_markdown=s.body, retired=False)
            retire(sections, report, "sections")
    retire(courses, report, "courses")
    retire(modules, report, "modules")


register("courses", 20, import_courses)
