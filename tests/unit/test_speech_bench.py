"""The speech bench over the labelled fixture folder, with fake recognizers (no model)."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from trainer.scoring import Rubric, prompt_for
from trainer.speech.audio import decode_upload
from trainer.speech.bench import load_manifest, run_speech_bench
from trainer.speech.recognizer import FakeRecognizer, audio_fingerprint

VOICE = Path(__file__).resolve().parents[1] / "fixtures" / "voice"


def said(folder: Path) -> dict:
    """A fake that hears exactly what each clip's label says was spoken."""
    manifest = load_manifest(folder)
    out = {}
    for clip in manifest["clips"]:
        audio = decode_upload((folder / clip["file"]).read_bytes(), max_bytes=10**7, max_seconds=60)
        out[audio_fingerprint(audio)] = clip["text"]
    return out


def test_a_perfect_ear_agrees_with_the_labels():
    fake = FakeRecognizer(said(VOICE))
    report = run_speech_bench(VOICE, fake, prompt_mode="none")
    summary = report.summary()
    assert summary["clips"] == len(load_manifest(VOICE)["clips"]) == len(fake.calls)
    assert summary["agreement"] == 1.0 and summary["false_passes"] == summary["false_fails"] == []
    assert summary["forbidden_missed"] == [] and summary["nothing_heard"] == []
    assert all(prompt is None for _, prompt in fake.calls)
    assert summary["latency_p95_s"] >= summary["latency_median_s"] >= 0


def test_an_ear_that_invents_the_model_answer_makes_false_passes_and_misses_push_offs():
    # What a badly biased recogniser would do: hear the prompt's phrases whatever was said.
    manifest = load_manifest(VOICE)
    answers = {}
    for spec in manifest["specs"].values():
        rubric = Rubric.from_dict(spec)
        answers[prompt_for(rubric)] = ",".join(item.split("|")[0] for item in rubric.phrases)
    fake = FakeRecognizer(lambda audio, prompt: answers[prompt])
    report = run_speech_bench(VOICE, fake, prompt_mode="rubric")
    negatives = [c["file"] for c in manifest["clips"] if not c["passed"]]
    assert sorted(report.false_passes) == sorted(negatives)
    assert report.false_fails == []
    assert "d08-clean.wav:不知道" in report.forbidden_missed
    table = report.format_table()
    assert "FALSE PASSES" in table and "d03-clean.wav" in table


def test_report_json_and_rates(tmp_path):
    report = run_speech_bench(VOICE, FakeRecognizer(said(VOICE)), prompt_mode="none")
    data = json.loads(report.to_json())
    assert data["prompt_mode"] == "none" and data["engine"] == "fake"
    assert {"file", "label", "passed", "agrees", "transcript", "latency_seconds"} <= set(data["clips"][0])
    audio = sum(c["audio_seconds"] for c in data["clips"])
    assert data["summary"]["audio_seconds"] == pytest.approx(audio, abs=1e-3)
    assert data["summary"]["real_time_factor"] >= 0


def test_a_rejected_clip_is_reported_not_fatal(tmp_path):
    shutil.copy(VOICE / "d18-clean.wav", tmp_path / "bye.wav")
    (tmp_path / "silent.wav").write_bytes((VOICE / "d18-clean.wav").read_bytes()[:44] + bytes(24600 * 2))
    spec = {"expect": ["再见", "慢走"], "forbid": ["快走"]}
    clips = [
        {"file": "bye.wav", "spec": "bye", "text": "再见,您慢走!", "passed": True},
        {"file": "silent.wav", "spec": "bye", "text": "", "passed": False},
    ]
    (tmp_path / "manifest.json").write_text(json.dumps({"specs": {"bye": spec}, "clips": clips}))
    report = run_speech_bench(tmp_path, FakeRecognizer("再见您慢走"), prompt_mode="none")
    assert [c.error for c in report.clips] == [None, "rejected: silent"]
    assert report.agreement == 1.0


def test_unknown_prompt_mode_and_spec(tmp_path):
    with pytest.raises(ValueError, match="prompt_mode"):
        run_speech_bench(VOICE, FakeRecognizer(""), prompt_mode="always")
    (tmp_path / "manifest.json").write_text(json.dumps({"specs": {}, "clips": [{"file": "a.wav", "spec": "x"}]}))
    with pytest.raises(ValueError, match="unknown spec"):
        load_manifest(tmp_path)


def test_fixture_folder_is_small_and_balanced():
    manifest = load_manifest(VOICE)
    assert sum((VOICE / c["file"]).stat().st_size for c in manifest["clips"]) < 600 * 1024
    labels = [c["passed"] for c in manifest["clips"]]
    assert any(labels) and not all(labels)
    assert np.isfinite([len(c["text"]) for c in manifest["clips"]]).all()
