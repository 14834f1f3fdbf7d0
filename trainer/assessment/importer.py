"""Assessment standards from content into the database; same rules as the course importer (matched by
key, updated in place, retired rather than deleted). Reports keep their own copy of the standard, so an
update here changes only reports started afterwards."""

import json

from trainer.assessment.models import AssessmentStandard
from trainer.importing import ImportReport, by_key, register, retire, upsert


def import_standards(content, report: ImportReport) -> None:
    existing = by_key(AssessmentStandard)
    for standard in getattr(content, "standards", {}).values():
        upsert(AssessmentStandard, standard.id, report, "assessment standards", existing, year=standard.year,
                title=standard.title, definition_json=json.dumps(standard.to_dict(), ensure_ascii=False, sort_keys=True),
                retired=False)
    retire(existing, report, "assessment standards")


register("assessment standards", 70, import_standards)  # courses/assessment/*.yaml
