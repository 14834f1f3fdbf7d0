"""Role-play answers through the services with the fake recognizer: save first, score, reject, retry."""

import json
import math
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.roleplay_support import GOOD_ANSWER, GOOD_BYE, answer, make_wav, silent_wav
from trainer.errors import Forbidden, NotFound, ValidationFailed
from trainer.extensions import db
from trainer.roleplay import services
from trainer.roleplay.models import RoleplayAttempt
from trainer.roleplay.services import recognition, storage
from trainer.scoring import prompt_for
from trainer.timeutil import utcnow


@pytest.fixture
def session(app, people, content):
    s = services.start_session(people["trainee_east"], services.get_scenario("counter-greeting"), now=utcnow())
    db.session.commit()
    return s


def test_answer_is_saved_then_scored(app, people, session):
    attempt = answer(app, people["trainee_east"], session, 1, GOOD_ANSWER, delay="1.5")
    assert attempt.status == "scored" and attempt.passed is True and attempt.score >= 80
    assert attempt.transcript == GOOD_ANSWER
    assert [i["hit"] for i in attempt.items] == [True, True, True]
    assert attempt.forbidden == [] and attempt.feedback
    assert attempt.engine == "fake" and attempt.tries == 1 and attempt.scored_at is not None
    assert attempt.response_delay_seconds == 1.5 and attempt.audio_seconds == pytest.approx(2.0)
    stored = storage.path_for(app.config["AUDIO_DIR"], attempt.audio_name)
    assert stored.read_bytes() == make_wav(seed=1)
    assert list(stored.parent.glob("*.tmp")) == []  # the temporary name was renamed away
    assert str(stored).startswith(app.config["AUDIO_DIR"])  # outside the web root (static/)


def test_biased_second_pass_only_for_answers_the_first_pass_fails(app, people, session):
    # The fake recognizer is cached per transcript, so each case uses words no other test uses.
    turn = services.get_turn(session.scenario, 1)
    prompts = lambda: [prompt for _audio, prompt in recognition.app_recognizer().calls]  # noqa: E731
    answer(app, people["trainee_east"], session, 1, "您好,请坐,请问您需要什么帮助呀,同志")
    assert prompts() == [None]  # passed unbiased: no second pass
    answer(app, people["trainee_east"], session, 1, "您好,请问您需要什么帮助呀,同志")  # 请坐 missing
    # The fake cannot force-score, so phrase verification is skipped and the biased decode runs, with the
    # turn's whole rubric (its phrases and its intents' wordings) as the prompt.
    assert prompts() == [None, prompt_for(turn.rubric)]
    app.config["ASR_PROMPT"] = False
    answer(app, people["trainee_east"], session, 1, "您好,请问您需要什么帮助呀,师傅")
    assert prompts() == [None]


def test_missing_phrase_and_forbidden_word_fail(app, people, session):
    attempt = answer(app, people["trainee_east"], session, 1, "您好,这个我不知道,你问别人吧。")
    assert attempt.status == "scored" and attempt.passed is False and attempt.score < 60
    assert {f["phrase"] for f in attempt.forbidden} >= {"不知道"}
    assert any("请坐" in line for line in attempt.feedback)


@pytest.mark.parametrize(
    ("make", "config", "code", "words"),
    [
        (lambda: make_wav(1.0) + b"\x00" * 4096, {"AUDIO_MAX_BYTES": 4096}, "too_large", "过大"),
        (lambda: make_wav(3.0), {"AUDIO_MAX_SECONDS": 2}, "too_long", "超过 2 秒"),
        (lambda: b"this is not a wav file", {}, "undecodable", "无法识别"),
        (lambda: silent_wav(2.0), {}, "silent", "没有录到声音"),
    ],
)
def test_bad_audio_is_rejected_with_a_chinese_message(app, people, session, make, config, code, words):
    app.config.update(config)
    attempt = answer(app, people["trainee_east"], session, 1, GOOD_ANSWER, data=make())
    db.session.expire_all()
    attempt = db.session.get(RoleplayAttempt, attempt.id)  # recorded, not lost
    assert attempt.status == "rejected" and attempt.error_code == code
    assert words in attempt.message and attempt.error
    refused_at_upload = code in ("too_large", "undecodable")
    assert attempt.score is None and attempt.tries == (0 if refused_at_upload else 1)
    # An over-limit or non-audio file is not written; a real recording is kept for the trainer to listen to.
    assert (attempt.audio_name is None) == refused_at_upload
    assert services.next_turn(session).position == 1  # the trainee simply tries again


def test_nothing_heard_is_rejected_not_scored_zero(app, people, session):
    attempt = answer(app, people["trainee_east"], session, 1, "")
    assert attempt.status == "rejected" and attempt.error_code == "nothing_heard"
    assert "没有听清" in attempt.message


def test_recognition_failure_keeps_the_answer_pending_and_retry_scores_it(app, people, session):
    def broken(audio, prompt):
        raise RuntimeError("engine crashed")

    app.config["ASR_FAKE_TRANSCRIPT"] = broken
    attempt = answer(app, people["trainee_east"], session, 1, None)
    db.session.expire_all()
    attempt = db.session.get(RoleplayAttempt, attempt.id)
    assert attempt.status == "pending" and attempt.error_code == "recognizer"
    assert "engine crashed" in attempt.error and "录音已保存" in attempt.message
    assert storage.path_for(app.config["AUDIO_DIR"], attempt.audio_name).is_file()
    # A page view queues it for a worker only once the last try is old enough (and never recognises itself).
    assert services.retry_due(session, now=utcnow()) == []
    app.config["ASR_FAKE_TRANSCRIPT"] = GOOD_ANSWER
    services.retry_pending(services.pending_attempts(), **services.limits(), now=utcnow())
    db.session.commit()
    assert attempt.status == "scored" and attempt.passed and attempt.tries == 2
    assert attempt.error_code is None and attempt.message is None


def test_missing_model_keeps_the_answer_pending(app, people, session, tmp_path):
    app.config.update(ASR_ENGINE="faster-whisper", ASR_MODEL=str(tmp_path / "no-model"))
    attempt = answer(app, people["trainee_east"], session, 1, None)
    assert attempt.status == "pending" and "RecognizerError" in attempt.error


def test_retry_pending_command(app, people, session):
    def out_of_memory(audio, prompt):
        raise MemoryError("no memory")

    app.config["ASR_FAKE_TRANSCRIPT"] = out_of_memory
    pending = answer(app, people["trainee_east"], session, 1, None)
    assert pending.status == "pending"
    app.config["ASR_FAKE_TRANSCRIPT"] = GOOD_ANSWER
    from trainer.roleplay.commands import roleplay

    result = app.test_cli_runner().invoke(roleplay, ["retry-pending"])
    assert result.exit_code == 0, result.output
    assert "1 scored" in result.output
    db.session.expire_all()
    assert db.session.get(RoleplayAttempt, pending.id).status == "scored"


def test_session_finishes_and_signal_is_sent_once(app, people, session):
    from trainer import signals

    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    signals.scenario_passed.connect(receiver)
    try:
        trainee = people["trainee_east"]
        answer(app, trainee, session, 1, GOOD_ANSWER)
        assert not session.finished and services.next_turn(session).position == 2
        last = answer(app, trainee, session, 2, GOOD_BYE)
        assert session.finished and session.passed and session.finished_at and session.passed_at
        assert session.score == math.floor((session.attempts[0].score + last.score) / 2 + 0.5)
        assert len(received) == 1
        sender, kwargs = received[0]
        assert sender.id == trainee.id and kwargs["scenario"].key == "counter-greeting"
        assert kwargs["score"] == session.score and kwargs["attempt_id"] == last.id
        assert kwargs["passed_at"] == session.passed_at
        answer(app, trainee, session, 2, GOOD_BYE)  # practising again does not credit again
        assert len(received) == 1 and session.passed
    finally:
        signals.scenario_passed.disconnect(receiver)


def test_the_best_answer_counts_so_a_failed_retry_keeps_the_pass(app, people, session):
    trainee = people["trainee_east"]
    answer(app, trainee, session, 1, GOOD_ANSWER)
    answer(app, trainee, session, 2, GOOD_BYE)
    assert session.passed
    passed_score = session.score
    answer(app, trainee, session, 2, "", data=silent_wav())  # rejected: the earlier answer still counts
    assert session.finished and session.passed
    retry = answer(app, trainee, session, 2, "嗯,快走吧。")  # practising again, worse: the pass stays
    assert retry.status == "scored" and not retry.passed
    assert session.finished and session.passed and session.score == passed_score
    turn = services.get_turn(session.scenario, 2)
    assert services.latest_attempts(session)[turn.id] is retry
    assert services.counting_attempts(session)[turn.id] is not retry


def test_a_failed_turn_passes_once_a_retry_passes(app, people, session):
    trainee = people["trainee_east"]
    answer(app, trainee, session, 1, GOOD_ANSWER)
    answer(app, trainee, session, 2, "嗯,快走吧。")
    assert session.finished and not session.passed
    answer(app, trainee, session, 2, GOOD_BYE)
    assert session.finished and session.passed and session.passed_at is not None


def test_failed_turn_fails_the_session(app, people, session):
    answer(app, people["trainee_east"], session, 1, "您好。")
    answer(app, people["trainee_east"], session, 2, GOOD_BYE)
    assert session.finished and not session.passed and session.score < 80


def test_only_the_owner_answers(app, people, session):
    with pytest.raises(Forbidden):
        answer(app, people["trainee_west"], session, 1, GOOD_ANSWER)
    with pytest.raises(NotFound):
        services.get_turn(session.scenario, 9)
    with pytest.raises(ValidationFailed):
        services.receive_answer(people["trainee_east"], session, services.get_turn(session.scenario, 1), b"",
                                response_delay=None, **{k: v for k, v in services.limits().items() if k != "max_seconds"}, now=utcnow())


def test_open_session_for_reuses_the_unfinished_one(app, people, session):
    scenario = session.scenario
    assert services.open_session_for(people["trainee_east"], scenario, now=utcnow()).id == session.id
    assert services.open_session_for(people["trainee_west"], scenario, now=utcnow()).id != session.id


@pytest.mark.parametrize(("raw", "value"), [("1.234", 1.23), ("0", 0.0), ("", None), ("-1", None),
                                            ("nan", None), ("inf", None), ("9999", None), (None, None)])
def test_parse_delay(raw, value):
    assert services.parse_delay(raw) == value


def test_storage_names_are_ours_only(tmp_path):
    name = storage.save(tmp_path, b"RIFF")
    assert storage.read(tmp_path, name) == b"RIFF"
    for bad in ("../secret.wav", "ab/../../x.wav", "/etc/passwd", "ab/" + "g" * 32 + ".wav", ""):
        with pytest.raises(ValueError):
            storage.path_for(tmp_path, bad)
    assert [p.name for p in Path(tmp_path).rglob("*")] == [name.split("/")[0], name.split("/")[1]]


def test_items_json_keeps_the_matched_alternative(app, people, session):
    attempt = answer(app, people["trainee_east"], session, 1, "您好请坐,有什么可以帮您?")
    third = json.loads(attempt.items_json)[2]
    assert third["hit"] and third["alternative"] == "有什么可以帮您"
    assert db.session.scalar(select(RoleplayAttempt.id)) == attempt.id


def test_the_rescue_gate_is_a_setting_and_off_by_default(app):
    """ASR_RESCUE_GATE reaches assess_batch (trainer.speech.assess: the gate logic's own tests are in
    tests/unit/test_speech_verify.py); from the environment it arrives as text."""
    with app.app_context():
        assert recognition.rescue_gate() is None
        app.config["ASR_RESCUE_GATE"] = "18"
        assert recognition.rescue_gate() == 18.0
        app.config["ASR_RESCUE_GATE"] = None
