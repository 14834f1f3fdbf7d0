"""Most-missed rubric items: counted over scored answers of the people in scope, per scenario and per unit."""

import json

import pytest

from trainer.auth import policy
from trainer.errors import Forbidden
from trainer.extensions import db
from trainer.org.services import breakdown_units
from trainer.roleplay import services
from trainer.roleplay.models import RoleplayAttempt, RoleplaySession
from trainer.roleplay.services import missed
from trainer.timeutil import utcnow

GREETING = {"expect": "您好", "key": "您好", "kind": "phrase"}
SEAT = {"expect": "请坐", "key": "请坐", "kind": "phrase"}
HELP = {"expect": "询问需求", "key": "ask-need", "kind": "intent"}


def scored(person, scenario_key: str, items: list[tuple[dict, bool]], status: str = "scored") -> None:
    scenario = services.get_scenario(scenario_key)
    session = RoleplaySession(user=person, scenario=scenario, started_at=utcnow())
    db.session.add(session)
    db.session.flush()
    stored = [{**item, "hit": hit, "heard": item["expect"] if hit else "", "alternative": None} for item, hit in items]
    db.session.add(RoleplayAttempt(session_id=session.id, turn_id=scenario.active_turns[0].id, user_id=person.id,
                                   status=status, items_json=json.dumps(stored, ensure_ascii=False), score=50))
    db.session.flush()


@pytest.fixture
def answers(people, content, units):
    east, west = people["trainee_east"], people["trainee_west"]
    scored(east, "counter-greeting", [(GREETING, True), (SEAT, False), (HELP, False)])
    scored(east, "counter-greeting", [(GREETING, True), (SEAT, False), (HELP, True)])
    scored(west, "counter-greeting", [(GREETING, False), (SEAT, True)])
    scored(west, "counter-greeting", [(GREETING, False), (SEAT, False)], status="rejected")  # not scored: left out
    db.session.commit()


def test_most_missed_first_with_counts_per_unit(people, answers):
    admin = people["admin"]
    units = breakdown_units(policy.visible_units(admin), None)
    report = missed.missed_items(admin, units)
    assert report.answers == 3 and not report.capped
    assert [(m.expect, m.missed, m.asked) for m in report.items] == [("请坐", 2, 3), ("询问需求", 1, 2), ("您好", 1, 3)]
    assert report.items[0].percent == 67 and report.items[1].kind_label == "要点"  # equal misses: the higher share first
    east, west = report.units
    assert (east.unit.name, east.answers, [m.expect for m in east.items]) == ("东区供电所", 2, ["请坐", "询问需求"])
    assert (west.unit.name, west.answers, [m.expect for m in west.items]) == ("西区供电所", 1, ["您好"])
    chart = missed.missed_chart(report)
    assert chart["categories"] == ["请坐", "询问需求", "您好"]
    assert chart["series"][0]["values"] == [2, 1, 1] and chart["series"][1]["values"] == [1, 1, 2]


def test_a_trainer_sees_only_their_people_and_filters_by_scenario(people, answers, units):
    trainer = people["trainer_east"]
    report = missed.missed_items(trainer, breakdown_units(policy.visible_units(trainer), None))
    assert report.answers == 2 and "您好" not in [m.expect for m in report.items]  # west's misses are not theirs
    other = services.get_scenario("counter-greeting").id + 999
    assert missed.missed_items(trainer, [], scenario_id=other).answers == 0
    with pytest.raises(Forbidden):
        missed.missed_items(trainer, [], unit=units["west"])
