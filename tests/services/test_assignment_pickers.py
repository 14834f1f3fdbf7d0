"""The assignment form's lists: people in scope grouped by unit, the 岗位 that exist, chosen ids checked again."""

import pytest

from trainer.assignments import pickers
from trainer.errors import ValidationFailed
from trainer.extensions import db


def test_people_in_scope_grouped_by_unit_and_positions(people, units, make_user):
    people["trainee_east"].position = "营业厅"
    people["trainee_west"].position = "抄表"
    make_user("trainee", units["east"], username="gone", active=False, position="稽查")
    db.session.commit()
    groups, capped = pickers.people_groups(people["trainer_east"])
    assert not capped
    assert [(unit.name, [p.username for p in group]) for unit, group in groups] == [
        ("东区供电所", ["trainer_east"]), ("东区营业班", ["trainee_east"])]
    assert pickers.positions(people["trainer_east"]) == ["新员工", "营业厅"]  # the new-hire 岗位 is always offered
    assert pickers.positions(people["admin"]) == ["抄表", "新员工", "营业厅"]  # an inactive person's 岗位 is not
    admin_groups, _ = pickers.people_groups(people["admin"])
    assert "admin" not in [p.username for _u, group in admin_groups for p in group]  # system accounts


def test_chosen_people_refuses_out_of_scope_and_inactive(people, units, make_user):
    gone = make_user("trainee", units["east_team"], username="gone", active=False)
    db.session.commit()
    trainer = people["trainer_east"]
    east = people["trainee_east"]
    assert pickers.chosen_people(trainer, [east.id, east.id]) == [east]
    for ids in ([people["trainee_west"].id], [gone.id], [999999]):
        with pytest.raises(ValidationFailed, match="所选人员已不可用"):
            pickers.chosen_people(trainer, [east.id, *ids])


def test_the_list_stops_at_the_limit(people, units, make_user, monkeypatch):
    monkeypatch.setattr(pickers, "PICKER_LIMIT", 2)
    groups, capped = pickers.people_groups(people["admin"])
    assert capped and sum(len(group) for _u, group in groups) == 2
