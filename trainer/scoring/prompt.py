"""The ``initial_prompt`` that biases Whisper toward a turn's expected phrases.

Whisper treats the prompt as the text spoken *before* the audio, so it works best as plausible speech
in the register it should continue: a clerk's polite lines in Simplified Chinese with full-width
punctuation (which also nudges the output toward Simplified characters and punctuated clauses).

Layout: the first alternative of every item, in rubric order, joined by "，" — which reads like the
model answer ("您好，请坐，请问您需要什么帮助？") — then, as a second sentence, the remaining
alternatives, so that whichever alternative the trainee picks is biased too. A sentence whose last
phrase asks something ends in "？", otherwise in "。".

Forbidden phrases are never included: biasing toward them could invent a push-off the trainee never
said. The prompt stays under ``MAX_PROMPT_CHARS`` (Whisper reads at most 224 prompt tokens, and a long
prompt is more likely to be echoed back as a fake transcript); first alternatives are kept before any
other one.
"""

from __future__ import annotations

import re

from trainer.scoring.result import split_alternatives
from trainer.scoring.scorer import Rubric

MAX_PROMPT_CHARS = 80
_QUESTION = re.compile(r"什么|吗|请问|哪|怎么|几")


def _sentence(phrases: list[str]) -> str:
    if not phrases:
        return ""
    end = "？" if _QUESTION.search(phrases[-1]) else "。"
    return "，".join(phrases) + end


def prompt_for(rubric: Rubric) -> str:
    """A Chinese prompt listing ``rubric``'s expected phrases (module doc); ``""`` without items."""
    per_item = [split_alternatives(item) for item in rubric.expect]
    budget = MAX_PROMPT_CHARS
    seen: set[str] = set()
    sentences: list[list[str]] = [[], []]
    for first_pass in (True, False):
        for alternatives in per_item:
            for phrase in alternatives[:1] if first_pass else alternatives[1:]:
                # +1 for the punctuation that follows each phrase
                if phrase in seen or len(phrase) + 1 > budget:
                    continue
                seen.add(phrase)
                budget -= len(phrase) + 1
                sentences[0 if first_pass else 1].append(phrase)
    return "".join(_sentence(phrases) for phrases in sentences)
