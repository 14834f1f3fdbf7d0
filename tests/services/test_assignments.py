"""Assignments: who they reach (late joiners, unit subtree, 岗位), path prerequisites, completions from
other features' signals, onboarding of new hires, due dates in Asia/Shanghai."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from trainer import signals
from trainer.admin import services as admin_services
from trainer.admin import staff_import
from trainer.assignments import progress, services
from trainer.assignments.models import Assignment, AssignmentCompletion, AssignmentMember
from trainer.courses.models import Module
from trainer.courses.services import mark_section_read
from trainer.errors import Forbidden, NotFound, ValidationFailed
from trainer.extensions import db
from trainer.roleplay.models import Scenario

NOW = datetime(2026, 3, 1, 2, 0)  # 10:00 on 1 March in Shanghai


def assign(actor, now=NOW, **kwargs):
    kwargs.setdefault("item_kind", "path")
    kwargs.setdefault("item_key", "new-hire-onboarding")
    if "due_days" not in kwargs:
        kwargs.setdefault("due_date", date(2026, 3, 31))
    assignment = services.create_assignment(actor, now=now, **kwargs)
    db.session.commit()
    return assignment


def read_module(user, key):
    module = db.session.scalar(select(Module).where(Module.key == key))
    for section in module.active_sections:
        mark_section_read(user, section.id)
    db.session.commit()


def keys(user):
    return [a.id for a in services.assignments_for(user)]


# --- who an assignment reaches -------------------------------------------------------------------------


def test_unit_assignment_reaches_the_subtree_and_late_joiners(units, people, content, make_user):
    assignment = assign(people["trainer_east"], units=[units["east"]])
    assert keys(people["trainee_east"]) == [assignment.id]
    assert keys(people["trainee_west"]) == []
    newcomer = make_user("trainee", units["east_team"])  # joins after the assignment was made
    assert keys(newcomer) == [assignment.id]
    mover = people["trainee_west"]
    mover.unit = units["east_team"]  # transferred into the 供电所
    db.session.commit()
    assert keys(mover) == [assignment.id]
    mover.unit = units["west_team"]  # and out again
    db.session.commit()
    assert keys(mover) == []


def test_unit_targets_reach_trainees_only_direct_targets_anyone(units, people, content):
    assignment = assign(people["admin"], units=[units["company"]])
    assert people["trainer_east"] not in services.members_of(assignment)
    direct = assign(people["admin"], people=[people["trainer_east"]], item_kind="module", item_key="phone-basics")
    assert keys(people["trainer_east"]) == [direct.id]


def test_position_targets_and_position_changes(units, people, content, make_user):
    counter_staff = make_user("trainee", units["east_team"], position="营业厅")
    meter_reader = make_user("trainee", units["east_team"], position="抄表")
    west_counter = make_user("trainee", units["west_team"], position="营业厅")
    # A trainer's position-only assignment stays inside the trainer's units.
    assignment = assign(people["trainer_east"], positions=["营业厅"])
    assert [u.id for u in services.members_of(assignment)] == [counter_staff.id]
    assert keys(meter_reader) == [] and keys(west_counter) == []
    meter_reader.position = "营业厅"  # takes the role later
    db.session.commit()
    assert keys(meter_reader) == [assignment.id]
    # An admin's position-only assignment reaches that role everywhere.
    everywhere = assign(people["admin"], positions=["营业厅"], item_kind="module", item_key="phone-basics")
    assert everywhere.id in keys(west_counter)


def test_trainers_cannot_assign_or_see_outside_their_units(units, people, content):
    trainer = people["trainer_east"]
    with pytest.raises(Forbidden):
        services.create_assignment(trainer, item_kind="path", item_key="new-hire-onboarding", due_date=date(2026, 3, 31),
                                   units=[units["west"]], now=NOW)
    db.session.rollback()
    with pytest.raises(Forbidden):
        services.create_assignment(trainer, item_kind="path", item_key="new-hire-onboarding", due_date=date(2026, 3, 31),
                                   people=[people["trainee_west"]], now=NOW)
    db.session.rollback()
    west = assign(people["trainer_west"], units=[units["west"]])
    company = assign(people["admin"], units=[units["company"]])
    assert not services.can_view(trainer, west) and services.can_view(trainer, company)
    with pytest.raises(Forbidden):
        services.get_visible(trainer, west.id)
    # The company-wide assignment shows the east trainer only east people.
    assert [u.username for u in services.members_of(company, viewer=trainer)] == ["trainee_east"]
    assert not services.can_manage(trainer, company) and services.can_manage(people["trainer_west"], west)


def test_bad_assignments_are_refused_with_a_reason(units, people, content):
    admin = people["admin"]
    cases = [
        (dict(item_kind="module", item_key="no-such-module", due_date=date(2026, 3, 31), units=[units["east"]]), "不存在"),
        (dict(item_kind="path", item_key="new-hire-onboarding", units=[units["east"]]), "二者选一"),
        (dict(item_kind="path", item_key="new-hire-onboarding", due_date=date(2026, 2, 28), units=[units["east"]]), "不能早于今天"),
        (dict(item_kind="path", item_key="new-hire-onboarding", due_days=0, units=[units["east"]]), "1 到 366"),
        (dict(item_kind="path", item_key="new-hire-onboarding", due_days=30), "至少选择"),
        (dict(item_kind="lecture", item_key="x", due_days=30, units=[units["east"]]), "类型无效"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationFailed) as error:
            services.create_assignment(admin, now=NOW, **kwargs)
        assert message in error.value.message
        db.session.rollback()


def test_due_today_is_allowed_in_shanghai_even_when_utc_is_still_yesterday(units, people, content):
    late_evening_utc = datetime(2026, 3, 1, 17, 0)  # 01:00 on 2 March in Shanghai
    assignment = assign(people["admin"], now=late_evening_utc, due_date=date(2026, 3, 2), units=[units["east"]])
    assert assignment.due_date == date(2026, 3, 2)


# --- progress and prerequisites ------------------------------------------------------------------------


def test_path_prerequisites_and_completion_from_signals(units, people, content):
    learner = people["trainee_east"]
    assignment = assign(people["admin"], units=[units["east"]])
    item = services.my_item(learner, assignment.id, NOW)
    assert [(s.key, s.state) for s in item.progress.steps] == [
        ("phone", "available"), ("counter", "locked"), ("greeting", "locked"), ("exam", "locked")]
    assert item.progress.next_step == "phone" and item.progress.next_title == "电话服务基础"

    read_module(learner, "phone-basics")  # no quiz: reading it all completes the step
    item = services.my_item(learner, assignment.id, NOW)
    assert [s.state for s in item.progress.steps] == ["done", "available", "locked", "locked"]

    read_module(learner, "counter-basics")  # has a quiz: reading is not enough
    item = services.my_item(learner, assignment.id, NOW)
    counter = item.progress.steps[1]
    assert counter.state == "available" and counter.progress.percent == 100 and not counter.progress.complete

    module = db.session.scalar(select(Module).where(Module.key == "counter-basics"))
    for _ in range(2):  # signals may repeat: one completion row
        signals.module_completed.send(learner, module=module, completed_at=NOW)
    db.session.commit()
    counted = select(func.count(AssignmentCompletion.id)).where(AssignmentCompletion.key == "counter-basics")
    assert db.session.scalar(counted) == 1

    scenario = db.session.scalar(select(Scenario).where(Scenario.key == "counter-greeting"))
    signals.scenario_passed.send(learner, scenario=scenario, score=90, attempt_id=1, passed_at=NOW)
    item = services.my_item(learner, assignment.id, NOW)
    assert item.progress.next_step == "exam" and not item.complete
    signals.exam_passed.send(learner, exam_key="demo-exam", score=95, attempt_id=2, passed_at=NOW)
    db.session.commit()
    todo, done = services.my_items(learner, NOW)
    assert todo == [] and [i.assignment.id for i in done] == [assignment.id]
    member = db.session.scalar(select(AssignmentMember).where(AssignmentMember.user_id == learner.id))
    assert member.completed_at == NOW and done[0].progress.percent == 100


def test_single_items_and_courses(units, people, content):
    learner = people["trainee_east"]
    course = assign(people["admin"], units=[units["east"]], item_kind="course", item_key="demo-course")
    scenario = assign(people["admin"], units=[units["east"]], item_kind="scenario", item_key="counter-greeting")
    read_module(learner, "phone-basics")
    items = {i.assignment.id: i for i in services.my_items(learner, NOW)[0]}
    assert (items[course.id].progress.done, items[course.id].progress.total) == (1, 2)
    assert items[course.id].progress.next_ref == "counter-basics"
    assert items[scenario.id].progress.next_title == "客户来到柜台"


def test_todo_is_ordered_by_due_date_and_shows_overdue(units, people, content):
    learner = people["trainee_east"]
    later = assign(people["admin"], units=[units["east"]], due_date=date(2026, 4, 30))
    sooner = assign(people["admin"], units=[units["east"]], item_kind="module", item_key="phone-basics", due_date=date(2026, 3, 2))
    todo, _done = services.my_items(learner, NOW)
    assert [i.assignment.id for i in todo] == [sooner.id, later.id]
    just_before = datetime(2026, 3, 2, 15, 59, 59)  # 23:59:59 on the due day in Shanghai
    just_after = datetime(2026, 3, 2, 16, 0, 0)
    assert services.my_items(learner, just_before)[0][0].status == "due-soon"
    first = services.my_items(learner, just_after)[0][0]
    assert first.status == "overdue" and first.days_left == -1


def test_relative_due_dates_count_from_when_a_late_joiner_is_first_seen(units, people, content, make_user):
    assignment = assign(people["admin"], units=[units["east"]], due_days=14)
    assert services.my_item(people["trainee_east"], assignment.id, NOW).due == date(2026, 3, 15)
    newcomer = make_user("trainee", units["east_team"])
    seen = datetime(2026, 3, 20, 1, 0)
    assert services.my_item(newcomer, assignment.id, seen).due == date(2026, 4, 3)  # read: counts from now
    db.session.commit()
    later = datetime(2026, 4, 1)
    assert services.my_item(newcomer, assignment.id, later).due == date(2026, 4, 15)  # reading wrote nothing
    services.record_sight(newcomer, seen)  # what the sign-in (or a completion, or the reminder run) does
    db.session.commit()
    assert services.my_item(newcomer, assignment.id, later).due == date(2026, 4, 3)  # remembered


def test_cancelled_assignments_disappear(units, people, content):
    assignment = assign(people["trainer_east"], units=[units["east"]])
    with pytest.raises(Forbidden):
        services.cancel_assignment(people["trainer_west"], assignment, NOW)
    services.cancel_assignment(people["trainer_east"], assignment, NOW)
    db.session.commit()
    assert keys(people["trainee_east"]) == []
    with pytest.raises(NotFound):
        services.my_item(people["trainee_east"], assignment.id, NOW)


def test_progress_for_many_people_uses_a_fixed_number_of_queries(units, people, content, make_user):
    from sqlalchemy import event

    learners = [make_user("trainee", units["east_team"]) for _ in range(12)]
    for user in learners[:4]:
        read_module(user, "phone-basics")
    assignment = assign(people["admin"], units=[units["east"]])
    statements = []
    listener = lambda *args, **kwargs: statements.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        items = services.person_items(assignment, services.members_of(assignment), NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert sum(i.progress.done for i in items) == 4
    assert len(statements) < 20  # not per person: 13 people would need 40+


# --- onboarding ------------------------------------------------------------------------------------------


def onboarding_of(user):
    return [a for a in services.assignments_for(user) if a.source == "onboarding"]


def test_new_hire_created_in_the_admin_form_gets_the_onboarding_path(units, people, content):
    user = admin_services.save_user(
        people["admin"], None, username="newbie", display_name="新同事", employee_no="N001", role="trainee",
        position="新员工", unit=units["east_team"], active=True, password="first-pass-1",
    )
    db.session.commit()
    (assignment,) = onboarding_of(user)
    assert assignment.item_kind == "path" and assignment.item_key == "new-hire-onboarding"
    assert [t.user_id for t in assignment.targets] == [user.id]
    from trainer.timeutil import to_local

    assert (assignment.due_date - to_local(user.created_at).date()).days == 30
    services.ensure_onboarding(user, None, NOW)  # again: nothing new
    assert len(onboarding_of(user)) == 1


def test_other_positions_get_nothing_and_staff_import_onboards(units, people, content):
    regular = admin_services.save_user(
        people["admin"], None, username="regular", display_name="老员工", employee_no=None, role="trainee",
        position="营业厅", unit=units["east_team"], active=True, password="first-pass-1",
    )
    records = [{"employee_no": "E900", "display_name": "新人甲", "position": "新员工", "unit": "东区营业班"},
               {"employee_no": "E901", "display_name": "老人乙", "position": "抄表", "unit": "东区营业班"}]
    staff_import.import_staff(records, initial_password="initial-pass", apply=True, actor=people["admin"])
    db.session.commit()
    from trainer.auth.models import User

    imported = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(["E900", "E901"])))}
    assert onboarding_of(regular) == [] and onboarding_of(imported["E901"]) == []
    assert len(onboarding_of(imported["E900"])) == 1


def test_new_hire_made_another_way_is_onboarded_when_first_seen_but_not_after_a_cancel(units, people, content, make_user):
    user = make_user("trainee", units["east_team"], position="新员工")  # e.g. the demo data
    assert services.my_items(user, NOW) == ([], [])  # reading onboards nobody
    services.record_sight(user, NOW)  # the sign-in
    db.session.commit()
    todo, _ = services.my_items(user, NOW)
    assert [i.assignment.source for i in todo] == ["onboarding"] and todo[0].due == date(2026, 3, 31)
    services.cancel_assignment(people["admin"], todo[0].assignment, NOW)
    db.session.commit()
    assert services.my_items(user, NOW) == ([], [])
    assert db.session.scalar(select(func.count(Assignment.id))) == 1


def test_no_onboarding_path_means_no_onboarding(app, units, people):
    user = admin_services.save_user(
        people["admin"], None, username="early", display_name="早到者", employee_no=None, role="trainee",
        position="新员工", unit=units["east_team"], active=True, password="first-pass-1",
    )  # the content (and so the path) is not imported yet
    assert onboarding_of(user) == []


def test_assignable_items_list_every_kind(content):
    items = progress.assignable_items()
    assert items["path"] == [("new-hire-onboarding", "测试入职路径")]
    assert [k for k, _ in items["module"]] == ["counter-basics", "phone-basics"]
    assert [k for k, _ in items["exam"]] == ["demo-exam"] and items["scenario"][0][0] == "counter-greeting"
