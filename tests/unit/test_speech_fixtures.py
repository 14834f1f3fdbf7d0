"""Labelled speech folders in both manifest formats, the character error rate, and the language check."""

import json

import pytest

from trainer.speech.fixtures import cer, char_errors, edit_distance, load_entries
from trainer.speech.hallucination import latin_share, mostly_latin


def test_specs_and_clips_format(tmp_path):
    manifest = {"specs": {"bye": {"expect": ["再见"], "forbid": ["快走"]}},
                "clips": [{"file": "a.wav", "spec": "bye", "text": "再见!", "passed": True, "transform": "clean"}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    [entry] = load_entries(tmp_path)
    assert (entry.file, entry.spec, entry.text, entry.label, entry.transform) == ("a.wav", "bye", "再见!", True, "clean")
    assert entry.rubric.phrases == ("再见",) and entry.rubric.forbid == ("快走",)


def test_holdout_format_gives_a_positive_and_a_negative_entry_per_recording(tmp_path):
    clip = {"file": "r01-phone.wav", "band": "phone", "reference": "甚至出现交易几乎停滞的情况",
            "positive": {"expect": ["交易", "几乎停滞"], "forbid": ["不知道"], "label_passed": True},
            "negative": {"expect": ["价格上涨"], "forbid": [], "label_passed": False}}
    manifest = {"label_positive": True, "label_negative": False, "clips": [clip]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    positive, negative = load_entries(tmp_path)
    assert (positive.spec, positive.label, positive.transform) == ("r01-phone.wav:positive", True, "phone")
    assert (negative.spec, negative.label, negative.rubric.phrases) == ("r01-phone.wav:negative", False, ("价格上涨",))
    assert positive.text == negative.text == "甚至出现交易几乎停滞的情况" and positive.file == negative.file


def test_character_error_rate_after_the_scorers_normalisation():
    assert edit_distance("kitten", "sitting") == 3 and edit_distance("", "abc") == 3
    assert char_errors("您好，请坐。", "您好请坐") == (0, 4)  # punctuation does not count
    assert char_errors("請坐", "请坐") == (0, 2)  # nor the script
    assert char_errors("5号窗口", "五号窗口") == (0, 4)  # nor how a number is written
    assert char_errors("您好请坐", "你好请做") == (2, 4)
    assert cer([("您好请坐", "你好请做"), ("再见", "再见")]) == pytest.approx(2 / 6)
    assert cer([("您好请坐", "")]) == 1.0 and cer([]) is None


@pytest.mark.parametrize(("text", "latin"), [
    ("Hill you can do that,比我还好用", True),  # what Whisper base heard on a phone-band clip
    ("Thank you for watching", True),
    ("请下载网上国网APP办理", False),  # a clerk's short Latin word stays
    ("好的OK,马上为您办理", False),
    ("您好,请坐", False),
    ("", False),
])
def test_mostly_latin_output_is_caught(text, latin):
    assert mostly_latin(text) is latin
    assert 0.0 <= latin_share(text) <= 1.0
