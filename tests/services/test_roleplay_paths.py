"""A branching session: the answers decide the turns, the mood and the ending; a better retry re-routes."""

import pytest

from tests.roleplay_support import answer
from trainer.extensions import db
from trainer.roleplay import services
from trainer.roleplay.services import paths
from trainer.roleplay.services.branch_stats import branch_stats
from trainer.timeutil import utcnow


@pytest.fixture
def branching(app, people, content):
    session = services.start_session(people["trainee_east"], services.get_scenario("phone-outage-complaint"), now=utcnow())
    db.session.commit()
    return session


def keys(session):
    return [step.turn.turn_key for step in paths.walk(session, services.counting_attempts(session)).steps]


def test_an_apology_calms_and_ends_the_call(app, people, branching):
    assert services.next_turn(branching).turn_key == "open"
    answer(app, people["trainee_east"], branching, 1, "对不起,给您添麻烦了。")
    assert keys(branching) == ["open", "calm"]
    path = paths.walk(branching, services.counting_attempts(branching))
    assert [s.mood for s in path.steps] == ["不满", "平静"] and path.steps[1].note == "道歉让客户平静下来"
    answer(app, people["trainee_east"], branching, 3, "大约下午三点送电。")
    assert branching.finished and branching.passed and branching.ending == "calm"
    assert branching.recovered  # the customer started 不满 and the apology calmed them
    assert services.next_turn(branching) is None


def test_a_push_off_brings_the_supervisor_and_a_later_good_retry_reroutes(app, people, branching):
    answer(app, people["trainee_east"], branching, 1, "不知道,不归我管。")
    assert keys(branching) == ["open", "boss"]
    answer(app, people["trainee_east"], branching, 4, "好的,我马上请领导跟您联系。")
    assert branching.finished and not branching.passed and branching.ending == "boss"
    answer(app, people["trainee_east"], branching, 1, "对不起,给您添麻烦了。")  # the best answer now apologises
    assert keys(branching) == ["open", "calm"] and branching.status == "active"
    answer(app, people["trainee_east"], branching, 3, "预计三点能来电。")
    assert branching.finished and branching.passed and branching.ending == "calm"


def test_a_missed_apology_escalates_and_a_recovery_is_credited(app, people, branching):
    answer(app, people["trainee_east"], branching, 1, "线路故障,正在抢修。")
    assert keys(branching) == ["open", "upset"]
    answer(app, people["trainee_east"], branching, 2, "对不起,给您添麻烦了。")
    answer(app, people["trainee_east"], branching, 3, "大约下午三点送电。")
    path = paths.walk(branching, services.counting_attempts(branching))
    assert [s.mood for s in path.steps] == ["不满", "愤怒", "平静"]
    assert branching.finished and branching.recovered and not branching.passed  # turn 1 itself failed
    stats = branch_stats(people["trainer_east"], branching.scenario)
    assert (stats.sessions, stats.finished, stats.recovered) == (1, 1, 1)
    assert stats.turns == {"open": 1, "upset": 1, "calm": 1} and stats.endings == {"calm": 1}
    assert branch_stats(people["trainer_west"], branching.scenario).sessions == 0


def test_variants_are_stable_per_session_and_cover_every_wording(app, people, branching):
    turn = services.get_turn(branching.scenario, 1)
    assert paths.customer_line(branching.id, turn) == paths.customer_line(branching.id, turn)
    seen = {paths.customer_line(session_id, turn)[1]["customer"] for session_id in range(1, 40)}
    assert seen == {"你们怎么又停电了?", "怎么回事,又停电了?"}
