"""``trainer score-audio`` and ``trainer bench speech`` through click, with the fake engine (no model)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.roleplay.cli import bench_speech, rubric_from_scenario, score_audio
from trainer.speech.recognizer import clear_caches

VOICE = Path(__file__).resolve().parents[1] / "fixtures" / "voice"
KEYS = {"file", "transcript", "items", "forbidden", "passed", "score", "audio_seconds", "asr_seconds",
        "chars_per_second"}


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINER_INSTANCE", str(tmp_path / "instance"))
    for name in ("TRAINER_ASR_ENGINE", "TRAINER_ASR_MODEL"):
        monkeypatch.delenv(name, raising=False)
    clear_caches()
    yield
    clear_caches()


def run(command, args):
    return CliRunner().invoke(command, args, catch_exceptions=False)


def test_score_audio_json_one_line_per_file():
    args = [str(VOICE / "d01-clean.wav"), str(VOICE / "d03-clean.wav"), "--expect", "您好", "--expect", "请坐",
            "--expect", "请问您需要什么帮助|有什么可以帮您", "--forbid", "不知道", "--forbid", "不归我管",
            "--engine", "fake", "--model", "您好，请坐，有什么可以帮您？", "--json"]
    result = run(score_audio, args)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 2 and set(rows[0]) >= KEYS
    assert rows[0]["file"].endswith("d01-clean.wav") and rows[0]["passed"] is True
    assert [item["hit"] for item in rows[0]["items"]] == [True, True, True]
    assert rows[0]["items"][0] == {"expect": "您好", "hit": True, "heard": "您好", "alternative": "您好",
                                   "kind": "phrase", "key": "您好"}
    assert rows[0]["forbidden"] == [] and rows[0]["audio_seconds"] == pytest.approx(3.1375, abs=1e-3)


def test_score_audio_from_a_scenario_turn_and_human_output():
    result = run(score_audio, [str(VOICE / "d08-clean.wav"), "--scenario", "counter-greeting", "--turn", "1",
                               "--engine", "fake", "--model", "你爱投诉就投诉，我不知道。"])
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    assert line.startswith(str(VOICE / "d08-clean.wav") + ": FAIL")
    assert "不知道" in line and "missing: 您好 / 请坐" in line


def test_scenario_rubric_matches_the_yaml():
    rubric = rubric_from_scenario("counter-greeting", 4)
    assert rubric.phrases == ("再见", "慢走") and "快走" in rubric.forbid


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--scenario", "counter-greeting", "--expect", "您好"], "not both"),
        ([], "--expect"),
        (["--scenario", "no-such-scenario"], "no-such-scenario"),
        (["--scenario", "counter-greeting", "--turn", "9"], "turns 1"),
    ],
)
def test_score_audio_usage_errors(args, words):
    result = CliRunner().invoke(score_audio, [str(VOICE / "d01-clean.wav"), "--engine", "fake", *args])
    assert result.exit_code == 2 and words in result.output


def test_biased_second_pass_only_for_failing_answers(monkeypatch):
    seen = []
    monkeypatch.setattr(
        "trainer.roleplay.cli.build_recognizer",
        lambda engine, model, models_dir, **opts: _Spy(seen),
    )
    base = [str(VOICE / "d18-clean.wav"), "--expect", "再见", "--expect", "慢走", "--json"]
    passing = run(score_audio, base)
    assert passing.exit_code == 0 and seen == [None]  # passed on the unbiased pass: no second pass
    seen.clear()
    failing = run(score_audio, [*base, "--expect", "欢迎再来"])
    assert failing.exit_code == 0 and seen[0] is None and "欢迎再来" in seen[1]
    assert json.loads(failing.output)["recognition_passes"] == 2
    seen.clear()
    assert run(score_audio, [*base, "--expect", "欢迎再来", "--no-prompt"]).exit_code == 0
    assert seen == [None]


class _Spy:
    engine = model = "spy"

    def __init__(self, seen):
        self.seen = seen

    def transcribe(self, audio, *, prompt=None):
        from trainer.speech.recognizer import FakeRecognizer

        self.seen.append(prompt)
        return FakeRecognizer("再见,您慢走").transcribe(audio, prompt=None)


def test_rejected_file_is_reported_and_exit_status_is_1(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio")
    result = CliRunner().invoke(score_audio, [str(bad), str(VOICE / "d18-clean.wav"), "--expect", "再见",
                                              "--engine", "fake", "--model", "再见", "--json"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert result.exit_code == 1
    assert rows[0]["error"] == "undecodable" and rows[1]["passed"] is True


def test_missing_whisper_model_folder_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(score_audio, [str(VOICE / "d18-clean.wav"), "--expect", "再见",
                                              "--model", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "model.bin" in result.output


def test_bench_speech_json_both_prompt_modes(tmp_path):
    out = tmp_path / "bench.json"
    result = run(bench_speech, [str(VOICE), "--engine", "fake", "--model", "您好", "--json", "--out", str(out),
                                "--prompt", "all"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert json.loads(out.read_text(encoding="utf-8")) == payload
    assert [r["prompt_mode"] for r in payload["reports"]] == ["verify+rescue", "verify", "rescue", "none", "rubric"]
    summary = payload["reports"][0]["summary"]
    assert summary["clips"] == len(json.loads((VOICE / "manifest.json").read_text())["clips"])
    assert summary["false_passes"] == []  # hearing only 您好 passes nothing


def test_bench_speech_table_and_fail_on_false_pass():
    result = CliRunner().invoke(bench_speech, [str(VOICE), "--engine", "fake", "--model",
                                               "您好,请坐,有什么可以帮您,再见,慢走,请稍候,马上,供电公司,为您服务,谢谢,记录,转交",
                                               "--prompt", "none", "--fail-on-false-pass"])
    assert result.exit_code == 1
    assert "agreement" in result.output and "FALSE PASSES" in result.output


def test_bench_speech_writes_the_transcripts_fixture(tmp_path):
    target = tmp_path / "transcripts.json"
    result = run(bench_speech, [str(VOICE), "--engine", "fake", "--model", "再见您慢走", "--prompt", "both",
                                "--transcripts", str(target)])
    assert result.exit_code == 0, result.output
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert {"file", "spec", "text", "passed", "transcript", "transcript_prompted", "prompt"} <= set(rows[0])
    assert {row["transcript"] for row in rows} == {"再见您慢走"}
    refused = CliRunner().invoke(bench_speech, [str(VOICE), "--engine", "fake", "--prompt", "none",
                                                "--transcripts", str(target)])
    assert refused.exit_code == 2 and "--prompt both" in refused.output
