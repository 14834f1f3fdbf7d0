"""Recognise one spoken answer and score it: the single path used by the web, the API, the CLI and the bench.

Two passes, measured on the labelled fixtures (see README, "Speech figures"):
1. An unbiased decode. Most good answers pass here, and the expected phrases cannot be put in the
   trainee's mouth because the recogniser has not been told them.
2. Only when pass 1 misses an expected phrase and heard no forbidden one: a decode biased with the turn's
   expected phrases (``initial_prompt``). It rescues ASR slips on phone-band or slow speech (稍等 heard
   as 收等), while prompting every answer loses short words (请坐) and costs CPU on every clip.
The results are merged by :func:`trainer.scoring.merge_results`: a phrase counts if either pass heard it;
a forbidden phrase from either pass counts. The prompt-echo detector in :mod:`hallucination` still
rejects a second pass that just reads the prompt back.
"""

from dataclasses import dataclass

import speech_recognition as sr

from trainer.scoring import Rubric, ScoreResult, merge_results, prompt_for, score_transcript
from trainer.speech.recognizer import Recognizer, Transcript


@dataclass
class Assessment:
    heard: Transcript  # the unbiased pass
    result: ScoreResult
    rescue: Transcript | None = None  # the biased pass, when it ran

    @property
    def asr_seconds(self) -> float:
        return self.heard.asr_seconds + (self.rescue.asr_seconds if self.rescue else 0.0)

    @property
    def passes(self) -> int:
        return 2 if self.rescue else 1


def assess(
    audio: sr.AudioData,
    rubric: Rubric,
    recognizer: Recognizer,
    *,
    response_delay_seconds: float | None = None,
    second_pass: bool = True,
) -> Assessment:
    heard = recognizer.transcribe(audio)
    result = score_transcript(heard.text, rubric, audio_seconds=heard.rate_seconds,
                              response_delay_seconds=response_delay_seconds)
    prompt = prompt_for(rubric)
    if not second_pass or result.passed or result.forbidden or heard.nothing_heard or not prompt:
        return Assessment(heard, result)
    rescue = recognizer.transcribe(audio, prompt=prompt)
    if rescue.nothing_heard:
        return Assessment(heard, result, rescue)
    second = score_transcript(rescue.text, rubric, audio_seconds=heard.rate_seconds,
                              response_delay_seconds=response_delay_seconds)
    return Assessment(heard, merge_results(result, second), rescue)
