"""Known Whisper failure modes, detected so that they are reported as "nothing heard", never as speech.

Whisper was trained on subtitled video, so on silence, noise or very short audio it tends to produce
subtitle credits ("字幕by索兰娅", "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目"), sign-offs ("谢谢观看"),
the ``initial_prompt`` read back verbatim, or one phrase looped until the token limit. Each rule here
returns a stable reason code; the caller turns any of them into ``nothing_heard=True``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

NO_SPEECH = "no_speech"  # the engine found no speech at all (VAD removed everything)
EMPTY = "empty"  # only punctuation, whitespace or hesitation sounds
SUBTITLE_CREDIT = "subtitle_credit"
PROMPT_ECHO = "prompt_echo"
REPETITION = "repetition"
REASONS = (NO_SPEECH, EMPTY, SUBTITLE_CREDIT, PROMPT_ECHO, REPETITION)

# Phrases no trainee says in a service dialogue; a segment containing one is a credit line.
CREDIT_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"字幕\s*(by|由|提供|制作|志愿者|组|校对|翻译)",
        r"(由|本)\s*\S{0,12}\s*字幕",
        r"索兰娅",
        r"不吝点赞",
        r"点赞\s*[、,，]?\s*订阅",
        r"订阅\s*[、,，]?\s*(转发|打赏|我的频道|频道)",
        r"打赏支持",
        r"明镜与点点",
        r"明镜需要您的支持",
        r"优优独播剧场",
        r"yoyo\s*television",
        r"amara\.org",
        r"中文字幕",
        r"小铃铛",
    )
]
# Sign-offs that are credits only when they are the whole segment ("谢谢" alone is a real answer).
SIGN_OFFS = {
    "谢谢观看",
    "谢谢收看",
    "感谢观看",
    "感谢收看",
    "谢谢大家观看",
    "谢谢大家收看",
    "感谢您的观看",
    "谢谢您的观看",
    "下期再见",
    "我们下期再见",
    "请订阅",
    "欢迎订阅",
}
FILLERS = set("嗯啊呃哦噢唔呣额哈")
# Faster than any clerk speaks: a transcript that close to the prompt arriving at this rate was read back.
MAX_CHARS_PER_SECOND = 8.0
ECHO_OVERLAP = 0.8
_LOOP_UNIT = re.compile(r"(.{2,12}?)\1{3,}")  # a 2–12 character unit said four or more times running
_LOOP_CHAR = re.compile(r"(.)\1{5,}")  # one character six or more times running


@dataclass(frozen=True)
class Verdict:
    """``text`` is the cleaned transcript ("" when ``nothing_heard``); ``reason`` is one of ``REASONS``."""

    text: str
    nothing_heard: bool
    reason: str | None = None


def core(text: str) -> str:
    """Letters and digits only, NFKC-folded and lower-cased: what the rules compare."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def is_credit(segment: str) -> bool:
    c = core(segment)
    if not c:
        return False
    return c in SIGN_OFFS or any(p.search(segment) or p.search(c) for p in CREDIT_PATTERNS)


def find_loop(text: str) -> str | None:
    """The unit repeated in a loop, or None. Works on :func:`core` text."""
    c = core(text)
    match = _LOOP_UNIT.search(c) or _LOOP_CHAR.search(c)
    return match.group(1) if match else None


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence (O(len(a)·len(b)); transcripts are short)."""
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0]
        for j, other in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if ch == other else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def prompt_overlap(text: str, prompt: str) -> tuple[float, float]:
    """(share of the transcript found in the prompt, share of the prompt found in the transcript)."""
    t, p = core(text), core(prompt)
    if not t or not p:
        return 0.0, 0.0
    common = lcs_length(t, p)
    return common / len(t), common / len(p)


def is_prompt_echo(text: str, prompt: str | None, speech_seconds: float | None) -> bool:
    """The transcript is the prompt read back: nearly the same characters, at an impossible speaking rate.

    A trainee who says exactly the expected phrases produces a transcript close to a prompt that lists
    them, so overlap alone is not enough; the rate (characters per second of detected speech) separates
    the two. With no duration known, only an exact copy of a long prompt counts.
    """
    if not prompt:
        return False
    in_prompt, coverage = prompt_overlap(text, prompt)
    if in_prompt < ECHO_OVERLAP or coverage < ECHO_OVERLAP:
        return False
    chars = len(core(text))
    if speech_seconds is None:
        return core(text) == core(prompt) and chars >= 12
    return speech_seconds <= 0 or chars / speech_seconds > MAX_CHARS_PER_SECOND


def check_transcript(
    segments: str | Sequence[str],
    *,
    prompt: str | None = None,
    speech_seconds: float | None = None,
) -> Verdict:
    """Clean an engine's output and decide whether anything was really heard.

    ``segments`` is the engine's text, whole or per segment (credit lines usually arrive as a segment of
    their own, and dropping just that segment keeps the speech around it). ``speech_seconds`` is the
    duration of detected speech (after VAD), used for the prompt-echo rate check. Rules, in order:
    no segments → ``no_speech``; credit segments dropped, nothing left → ``subtitle_credit``; punctuation
    or fillers only → ``empty``; a looped phrase → ``repetition``; the prompt read back → ``prompt_echo``.
    """
    parts = [segments] if isinstance(segments, str) else list(segments)
    parts = [p.strip() for p in parts if p and p.strip()]
    if not parts:
        return Verdict("", True, NO_SPEECH)
    kept = [p for p in parts if not is_credit(p)]
    if not kept:
        return Verdict("", True, SUBTITLE_CREDIT)
    text = join_segments(kept)
    c = core(text)
    if not c or set(c) <= FILLERS:
        return Verdict("", True, EMPTY)
    if find_loop(text):
        return Verdict("", True, REPETITION)
    if is_prompt_echo(text, prompt, speech_seconds):
        return Verdict("", True, PROMPT_ECHO)
    return Verdict(text, False, None)


# The language check (trainer.speech.whisper): a Chinese turn's transcript that is at least this share Latin
# letters (of letters and Han characters) was decoded in the wrong language and is decoded again. Short
# Latin words a clerk does say ("APP", "OK") stay under it in any real answer.
LATIN_SHARE = 0.4
MIN_LATIN_LETTERS = 4


def latin_share(text: str) -> float:
    """Latin letters / (Latin letters + Han characters) of ``text``; 0.0 when it has neither."""
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    han = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")
    return latin / (latin + han) if latin + han else 0.0


def mostly_latin(text: str) -> bool:
    """True when a transcript meant to be Chinese came out mostly in Latin letters (module constants)."""
    letters = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return letters >= MIN_LATIN_LETTERS and latin_share(text) >= LATIN_SHARE


_END_PUNCT = set("。,，!！?？;；:：、…")


def join_segments(parts: Sequence[str]) -> str:
    """Join segment texts, putting a Chinese comma between two that have no punctuation at the seam."""
    out = ""
    for part in parts:
        if out and out[-1] not in _END_PUNCT and part[0] not in _END_PUNCT:
            out += "，"
        out += part
    return out
