"""Role-play scenarios and their turns from content into the database (see :mod:`trainer.importing`)."""

import json

from trainer.content import ContentSet
from trainer.importing import ImportReport, by_key, register, retire, upsert
from trainer.roleplay.models import Scenario, ScenarioTurn


def import_scenarios(content: ContentSet, report: ImportReport) -> None:
    scenarios = by_key(Scenario)
    for s in content.scenarios.values():
        scenario = upsert(
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
            upsert(ScenarioTurn, position, report, "turns", turns,
                    make=lambda scenario=scenario, position=position: ScenarioTurn(scenario=scenario, position=position),
                    **values)
        retire(turns, report, "turns")
    retire(scenarios, report, "scenarios")


register("scenarios", 30, import_scenarios)
