"""Qualification definitions from content into the database; same rules as the course importer
(matched by key, updated in place, retired rather than deleted because grants point at them)."""

from trainer.certification.models import Qualification
from trainer.importing import ImportReport, by_key, register, retire, upsert


def import_qualifications(content, report: ImportReport) -> None:
    existing = by_key(Qualification)
    for position, q in enumerate(getattr(content, "qualifications", {}).values()):
        upsert(
            Qualification, q.id, report, "qualifications", existing,
            title=q.title, description=q.description, positions_json=list(q.positions),
            module_keys_json=list(q.modules), exam_key=q.exam, exam_pass_percent=q.exam_pass_percent,
            scenario_keys_json=list(q.scenarios), scenario_min_score=q.scenario_min_score,
            validity_months=q.validity_months, position=position, retired=False,
        )
    retire(existing, report, "qualifications")


register("qualifications", 60, import_qualifications)  # courses/qualifications/*.yaml
