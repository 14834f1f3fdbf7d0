"""The ``initial_prompt`` that biases Whisper toward a turn's expected phrases.

Whisper treats the prompt as text spoken *before* the audio, so it works best as plausible speech in the
register it should continue: one polite clerk's sentence in Simplified Chinese with full-width
punctuation (which also nudges the output toward Simplified characters and punctuated clauses). Every
alternative of every item is listed once, in rubric order, joined by "，" and closed by "。", e.g.
"您好，请坐，请问您需要什么帮助，有什么可以帮您。": whichever alternative the trainee picks is biased.

Why one sentence: on the labelled clips (Whisper base, int8) a two-sentence layout (first alternatives,
then the rest) made Whisper read back its short first sentence instead of the audio ("请稍候，马上。" for
"请稍候,我们马上为您办理"), while the single sentence transcribed the same clips in full with the same
agreement (42/44, both losing 请坐 in the two d01 clips). A read-back of a single sentence is also a read-back of
the *whole* prompt, which the recogniser's prompt-echo check catches.

Forbidden phrases are never included: biasing toward them could invent a push-off the trainee never said.
The prompt stays under ``MAX_PROMPT_CHARS`` (Whisper reads at most 224 prompt tokens, and a long prompt is
more likely to be echoed); when it must shrink, later alternatives go before any item's first one.
"""

from __future__ import annotations

from trainer.scoring.result import split_alternatives
from trainer.scoring.scorer import Rubric

MAX_PROMPT_CHARS = 80


def prompt_for(rubric: Rubric) -> str:
    """A Chinese sentence listing ``rubric``'s expected phrases (module doc); ``""`` without items."""
    per_item = [split_alternatives(item) for item in rubric.phrases]
    # An intent contributes its wordings: they are the words the biased pass should listen for.
    per_item += [list(intent.wordings) for intent in rubric.intents if intent.wordings]
    # Choose by rank (every first alternative, then every second one, ...) so truncation drops the extras.
    ranked = sorted(
        (
            (rank, position, phrase)
            for position, alts in enumerate(per_item)
            for rank, phrase in enumerate(alts)
        ),
    )
    budget = MAX_PROMPT_CHARS - 1  # room for the closing "。"
    chosen: dict[str, tuple[int, int]] = {}
    for rank, position, phrase in ranked:
        cost = len(phrase) + (1 if chosen else 0)  # "，" before every phrase but the first
        if phrase in chosen or cost > budget:
            continue
        chosen[phrase] = (position, rank)
        budget -= cost
    # Back in rubric order, so the sentence reads like the turn: greeting first, then the request.
    in_order = sorted(chosen, key=chosen.__getitem__)
    return "，".join(in_order) + "。" if in_order else ""
