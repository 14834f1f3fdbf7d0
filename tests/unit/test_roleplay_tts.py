"""Customer voice: voice choice, cache naming, recorded files; a real espeak-ng render where installed."""

import wave
from types import SimpleNamespace

import pytest

from trainer.roleplay import tts
from trainer.roleplay.presentation import item_label, segments


def voice(id_, languages, name=""):
    return SimpleNamespace(id=id_, languages=languages, name=name or id_)


def test_choose_voice_finds_mandarin_by_language():
    voices = [voice("gmw/en", ["en-gb"]), voice("sit/cmn-latn-pinyin", ["cmn-latn-pinyin"]),
              voice("sit/cmn", [b"\x05cmn"])]
    assert tts.choose_voice(voices) == "sit/cmn"  # exact code before a variant; bytes as espeak gives them
    assert tts.choose_voice(voices[:2]) == "sit/cmn-latn-pinyin"
    assert tts.choose_voice([voice("HKLM\\Huihui", ["804"], "Microsoft Huihui Desktop - Chinese (Simplified)")]) \
        == "HKLM\\Huihui"
    assert tts.choose_voice([voice("gmw/en", ["en"])]) is None
    assert tts.choose_voice(voices, preferred="gmw/en") == "gmw/en"
    assert tts.choose_voice(voices, preferred="missing") is None


def test_cache_path_depends_on_text_and_voice(tmp_path):
    a = tts.cache_path(tmp_path, "你好", "sit/cmn")
    assert a == tts.cache_path(tmp_path, "你好", "sit/cmn") and a.suffix == ".wav" and len(a.stem) == 40
    assert a != tts.cache_path(tmp_path, "你好!", "sit/cmn") != tts.cache_path(tmp_path, "你好", "other")


def test_recorded_file_only_under_static_audio(tmp_path):
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "line1.mp3").write_bytes(b"ID3")
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_text("x")
    assert tts.recorded_file(tmp_path, "audio/line1.mp3") == "audio/line1.mp3"
    assert tts.recorded_file(tmp_path, "static/audio/line1.mp3") == "audio/line1.mp3"
    for bad in (None, "", "audio/missing.mp3", "css/app.css", "audio/../css/app.css", "/etc/passwd"):
        assert tts.recorded_file(tmp_path, bad) is None


def test_render_with_espeak_is_cached(tmp_path):
    tts.reset()
    try:
        first = tts.render("你好,我想办一下电费业务。", tmp_path)
    except tts.TtsUnavailable as exc:
        pytest.skip(f"no TTS engine here: {exc}")
    with wave.open(str(first)) as wav:
        assert wav.getnchannels() == 1 and wav.getnframes() > wav.getframerate()  # over a second of speech
    stamp = first.stat().st_mtime_ns
    assert tts.render("你好,我想办一下电费业务。", tmp_path) == first and first.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no temporary file left behind
    with pytest.raises(tts.TtsUnavailable):
        tts.render("  ", tmp_path)


def test_segments_mark_hits_and_forbidden_words():
    items = [{"expect": "您好", "hit": True, "heard": "您好"}, {"expect": "请坐", "hit": False, "heard": ""}]
    forbidden = [{"phrase": "不知道", "heard": "不知道"}]
    pieces = segments("您好,我不知道。", items, forbidden)
    assert pieces == [{"text": "您好", "kind": "hit"}, {"text": "我", "kind": ""},
                      {"text": "不知道", "kind": "forbidden"}]
    assert segments("", items, forbidden) == []
    assert item_label({"expect": "请稍候|请稍等"}) == "标准用语:请稍候 / 请稍等"
    assert item_label({"expect": "向客户致歉", "kind": "intent"}) == "要点:向客户致歉"
