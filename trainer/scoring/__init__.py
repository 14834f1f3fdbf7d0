"""Score a role-play transcript against its rubric. Pure domain core: no Flask, no database, no clock.

    from trainer.scoring import Rubric, score_transcript
    rubric = Rubric(expect=["您好", "请坐", "请问您需要什么帮助|有什么可以帮您"], forbid=["不知道"])
    result = score_transcript("您好，请坐，有什么可以帮您？", rubric, audio_seconds=3.2)
    result.passed, result.score, result.to_dict()

Modules, in the order the data flows:
``normalize`` (one text form for rubric and transcript) → ``phonetics`` (toneless pinyin and how alike
two syllables sound) → ``align`` (fuzzy syllable alignment of a phrase inside a transcript) →
``forbidden`` (push-off phrases, and when a mention of one does not count) → ``scorer`` (items, score
formula) → ``result`` (what comes back, feedback). ``prompt`` builds Whisper's ``initial_prompt``.
"""

from trainer.scoring.normalize import normalize
from trainer.scoring.prompt import prompt_for
from trainer.scoring.result import ForbiddenHit, ItemResult, ScoreResult
from trainer.scoring.scorer import PASS_SCORE, Rubric, merge_results, score_transcript

__all__ = [
    "PASS_SCORE",
    "ForbiddenHit",
    "ItemResult",
    "Rubric",
    "ScoreResult",
    "normalize",
    "prompt_for",
    "merge_results",
    "score_transcript",
]
