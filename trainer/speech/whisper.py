"""Whisper through CTranslate2, driven directly: one trimmed encoder window per answer, encoded once.

faster-whisper's ``WhisperModel.transcribe`` pads every clip to a 30-second window and encodes it again for
every decode. Here the model it loaded is used one level down (``WhisperModel.model`` is the CTranslate2
``Whisper``), with faster-whisper's own feature extractor, tokenizer and Silero VAD:

1. :meth:`WhisperEngine.prepare`: level normalisation, VAD (a second look at a lower threshold when it
   finds nothing), the speech chunks joined, log-mel features cut to a window of the answer's length
   (:mod:`trainer.speech.window`).
2. :meth:`WhisperEngine.encode`: answers of the same window length encoded (one by one on a CPU, as a batch
   on a GPU); the encoder output of each answer is kept (a numpy array) for every later step.
3. :meth:`WhisperEngine.decode`: greedy decoding of a batch (Chinese, no timestamps, the usual non-speech
   tokens suppressed), or beam search with a biasing prompt, on kept encoder outputs.
4. :meth:`WhisperEngine.log_likelihoods`: the log-likelihood of given texts under the same encoder output
   (``Whisper.align``'s per-token probabilities), which phrase verification compares
   (:mod:`trainer.speech.verify`).
5. :meth:`WhisperEngine.continue_texts`: greedy decodes that start from given texts, for the candidates of
   push-off verification whose rest is left to the model.

Decoding keeps faster-whisper's guards: a window whose no-speech probability is above 0.6 while the text is
unlikely (mean log-probability under -1) is "nothing heard"; and the language check: when a turn expects
Chinese but the greedy decode came out mostly in Latin letters (Whisper base does that on phone-band audio:
"Hill you can do that,比我还好用"), the same encoder output is decoded again with every token that spells
Latin letters suppressed.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from trainer.speech.hallucination import mostly_latin
from trainer.speech.recognizer import (
    DEFAULT_BEAM_SIZE,
    DEFAULT_CPU_THREADS,
    DEFAULT_LANES,
    PROMPTED_BEAM_SIZE,
)
from trainer.speech.window import (
    DEFAULT_POLICY,
    SAMPLE_RATE,
    WindowPolicy,
    keep_speech,
    normalize_level,
    pad_features,
)

# Silero VAD's threshold. At its default 0.5 it cut telephone-band speech: a real speaker of voice_human_dev/
# through a simulated phone channel (benchmarks/phone_band.py: 8 kHz, 300–3400 Hz, μ-law) kept only the last
# 1.9 of 4 s ("后腐最近的工作站"), and with sox's dither never reached 0.5 at all, so the answer was "nothing
# heard". At 0.4 both copies keep the whole answer; measured on the development sets (voice/, voice_human_dev/
# and two phone-band copies of it): every verdict as good or better (voice/ 43/44 → 44/44 on this round's
# machine, phone copies 53/54 → 54/54), CER equal or lower; noise alone is still nothing heard.
VAD_THRESHOLD = 0.4
# A recording in which VAD finds nothing at all gets a second look at this lower threshold; Whisper's own
# no-speech check (below) still decides whether anything was said.
VAD_SECOND_LOOK = 0.3
NO_SPEECH_THRESHOLD = 0.6
LOG_PROB_THRESHOLD = -1.0
# Tokens a decode may produce: Mandarin is said at up to ~7 characters a second and a character costs one
# to three tokens; the cap only stops a runaway loop early (the loop itself is caught by hallucination.py).
TOKENS_PER_SECOND = 12
MIN_NEW_TOKENS = 24
MAX_NEW_TOKENS = 220
_LATIN = re.compile(r"[A-Za-z]")


@dataclass
class Prepared:
    """One answer ready to encode: ``features`` (n_mels × ``frames``), the VAD-kept speech length in
    seconds, the gain applied (dB), and ``content_frames`` (the frames that hold speech)."""

    features: np.ndarray | None
    frames: int
    content_frames: int
    speech_seconds: float
    gain_db: float
    audio_seconds: float

    @property
    def has_speech(self) -> bool:
        return self.features is not None


@dataclass
class Decoded:
    """A decode: token ids (no prompt), their text, the mean log-probability per token, the no-speech
    probability, and whether Latin-spelling tokens were suppressed (the language check's re-decode)."""

    tokens: list[int]
    text: str
    avg_logprob: float
    no_speech_prob: float
    latin_suppressed: bool = False

    @property
    def silent(self) -> bool:
        return self.no_speech_prob > NO_SPEECH_THRESHOLD and self.avg_logprob < LOG_PROB_THRESHOLD


@dataclass
class EngineTimes:
    """Wall seconds spent per stage, for the bench."""

    prepare: float = 0.0
    encode: float = 0.0
    decode: float = 0.0
    verify: float = 0.0
    calls: dict = field(default_factory=dict)


class WhisperEngine:
    """The steps above for one loaded ``faster_whisper.WhisperModel`` (thread-safe: CTranslate2 queues calls)."""

    def __init__(self, model, policy: WindowPolicy = DEFAULT_POLICY, language: str = "zh", lanes: int = 1):
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.vad import VadOptions

        self.model = model
        self.policy = policy
        self.lanes = max(1, int(lanes))  # CTranslate2 calls that may run at once (the model's inter_threads)
        self.tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language)
        self.start = [*self.tokenizer.sot_sequence, self.tokenizer.no_timestamps]
        t = self.tokenizer
        self.suppress = sorted(set(t.non_speech_tokens) | {t.transcribe, t.translate, t.sot, t.sot_prev, t.sot_lm, t.no_speech})
        self.vad_options = VadOptions(threshold=VAD_THRESHOLD)
        self.vad_second_look = VadOptions(threshold=VAD_SECOND_LOOK)
        self._latin: list[int] | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------ 1. prepare
    def prepare(self, samples: np.ndarray) -> Prepared:
        """Level-normalise, keep the speech (Silero VAD, faster-whisper's defaults), compute the features
        of the window :class:`WindowPolicy` gives it. No speech: ``features`` is None."""
        from faster_whisper.vad import get_speech_timestamps

        audio_seconds = samples.size / SAMPLE_RATE
        raised, gain = normalize_level(samples) if self.policy.level else (samples, 0.0)
        chunks = get_speech_timestamps(raised, self.vad_options) if raised.size else []
        if raised.size and not chunks:
            chunks = get_speech_timestamps(raised, self.vad_second_look)
        speech = keep_speech(raised, chunks)
        if speech.size == 0:
            return Prepared(None, 0, 0, 0.0, gain, audio_seconds)
        features = self.model.feature_extractor(speech)[:, :-1]  # the last frame is the extractor's padding
        frames = self.policy.frames_for(speech.size)
        return Prepared(pad_features(features, frames), frames, min(features.shape[1], frames),
                        speech.size / SAMPLE_RATE, gain, audio_seconds)

    # ------------------------------------------------------------ 2. encode
    def encode(self, prepared: list[Prepared]) -> list[np.ndarray | None]:
        """Encoder outputs (frames/2 × d_model, float32), one per answer, None where there is no speech.
        Answers are grouped by window length, each group encoded in batches of at most ``encode_batch``."""
        import ctranslate2

        out: list[np.ndarray | None] = [None] * len(prepared)
        groups: dict[int, list[int]] = {}
        for i, p in enumerate(prepared):
            if p.has_speech:
                groups.setdefault(p.frames, []).append(i)
        step = self.encode_batch
        for indexes in groups.values():
            for first in range(0, len(indexes), step):
                chunk = indexes[first : first + step]
                batch = np.stack([prepared[i].features for i in chunk])
                encoded = np.array(self.model.model.encode(ctranslate2.StorageView.from_array(batch)))
                for row, i in enumerate(chunk):
                    out[i] = encoded[row]
        return out

    @property
    def encode_batch(self) -> int:
        """Answers encoded in one call. On a CPU one at a time: stacking windows only made each dearer once
        their activations outgrew the core's cache (10 s windows, one thread: 0.148 s per answer alone,
        0.154 / 0.160 / 0.225 s in batches of 2 / 4 / 8; benchmarks/speech_batch.py); decoding still
        batches, which is where batching pays. On a GPU the whole group at once."""
        return 1 if self.model.model.device == "cpu" else 1 << 16

    # ------------------------------------------------------------ 3. decode
    def start_for(self, prompt: str | None) -> list[int]:
        """The decoder's start tokens: with a prompt, Whisper's ``initial_prompt`` (text said "before" the
        audio, at most 223 tokens) ahead of the start-of-transcript sequence."""
        if not prompt:
            return self.start
        return [self.tokenizer.sot_prev, *self.tokenizer.encode(" " + prompt.strip())[:223], *self.start]

    def decode(self, encoded: list[np.ndarray], seconds: list[float], *, prompt: str | list | None = None,
               beam_size: int = 1, suppress_latin: bool = False) -> list[Decoded]:
        """Decode each encoder output (same shapes: one batch). ``prompt``: one biasing prompt for all, or one
        per answer (their start sequences must be equally long: CTranslate2 needs the start-of-transcript
        token at one position in a batch); ``seconds``: speech per answer, which caps its length."""
        import ctranslate2

        if not encoded:
            return []
        prompts = prompt if isinstance(prompt, list) else [prompt] * len(encoded)
        starts = [self.start_for(p) for p in prompts]
        if len({len(start) for start in starts}) > 1:
            raise ValueError("prompts of one batch must give start sequences of one length")
        new_tokens = max(map(token_budget, seconds))
        suppress = self.suppressed(suppress_latin)
        results = self.model.model.generate(
            ctranslate2.StorageView.from_array(np.stack(encoded)), starts,
            beam_size=beam_size, return_scores=True, return_no_speech_prob=True, suppress_blank=True,
            suppress_tokens=suppress, max_length=len(starts[0]) + new_tokens,
        )
        decoded = []
        for result in results:
            tokens = [t for t in result.sequences_ids[0] if t < self.tokenizer.eot]
            score = result.scores[0] if result.scores else 0.0  # length-normalised sum (length_penalty 1)
            decoded.append(Decoded(tokens, self.tokenizer.decode(tokens), float(score), float(result.no_speech_prob),
                                   suppress_latin))
        return decoded

    def continue_texts(self, encoded: np.ndarray, seconds: float, prefixes: list[str], *,
                       suppress_latin: bool = False) -> list[str]:
        """What the model says follows each of ``prefixes`` when that text is forced at the start of the
        transcript of one answer (its encoder output; greedy, all prefixes in one batch): the rest of a
        candidate transcript that verification builds around a phrase, so that the words after the phrase
        are the ones the audio supports given the phrase, not the free decode's (a mis-heard syllable drags
        its neighbour into a word: 排队去后面 heard 排队气候面)."""
        import ctranslate2

        if not prefixes:
            return []
        forced = [self.tokenizer.encode(prefix) for prefix in prefixes]
        new_tokens = token_budget(seconds)
        results = self.model.model.generate(
            ctranslate2.StorageView.from_array(np.repeat(encoded[None], len(prefixes), axis=0)),
            [self.start + tokens for tokens in forced], beam_size=1,
            # An end straight after the prefix must stay possible (the phrase may be the answer's last words),
            # so no blank suppression at this first step.
            suppress_blank=False, suppress_tokens=self.suppressed(suppress_latin),
            max_length=len(self.start) + max(map(len, forced)) + new_tokens,
        )
        rests = []
        for tokens, result in zip(forced, results, strict=True):
            out = result.sequences_ids[0]
            if out[: len(tokens)] == tokens:  # CTranslate2 returns the forced tokens ahead of the new ones
                out = out[len(tokens):]
            rests.append(self.tokenizer.decode([t for t in out if t < self.tokenizer.eot]))
        return rests

    def decode_chinese(self, encoded: list[np.ndarray], seconds: list[float], beam_size: int = 1) -> list[Decoded]:
        """Unbiased decodes, re-decoding (Latin tokens suppressed) any that came out mostly Latin."""
        first = self.decode(encoded, seconds, beam_size=beam_size)
        again = [i for i, d in enumerate(first) if mostly_latin(d.text)]
        if again:
            redone = self.decode([encoded[i] for i in again], [seconds[i] for i in again], beam_size=beam_size,
                                 suppress_latin=True)
            for i, d in zip(again, redone, strict=True):
                first[i] = d
        return first

    def suppressed(self, latin: bool) -> list[int]:
        """The tokens no decode may produce: the non-speech ones, and with ``latin`` every Latin spelling."""
        return self.suppress + self.latin_tokens() if latin else self.suppress

    def latin_tokens(self) -> list[int]:
        """Every text token whose spelling has a Latin letter (built once: ~50k decodes)."""
        if self._latin is None:
            with self._lock:
                if self._latin is None:
                    decode = self.tokenizer.tokenizer.decode
                    self._latin = [i for i in range(self.tokenizer.eot) if _LATIN.search(decode([i]))]
        return self._latin

    # ------------------------------------------------------------ 4. force-score
    def log_likelihoods(self, encoded: np.ndarray, content_frames: int, texts: list[str]) -> list[float]:
        """Sum of log-probabilities of each text's tokens, teacher-forced after the usual start sequence on
        one answer's encoder output (``Whisper.align``; the probabilities are over text tokens only).
        An empty text scores 0. Each text costs about a decoder pass over the whole window (its
        cross-attention keys are computed per text), so callers score few. Scoring against the speech part
        of the window only was cheaper but separated said from unsaid phrases worse (快走 for a clerk's
        慢走: -9.5 nats on the whole window, -4.6 on the speech part), so the whole window it is."""
        import ctranslate2

        token_lists = [self.tokenizer.encode(t) if t else [] for t in texts]
        wanted = [i for i, tokens in enumerate(token_lists) if tokens]
        scores = [0.0] * len(texts)
        if not wanted:
            return scores
        def align(part: list[int]) -> list:
            features = ctranslate2.StorageView.from_array(np.repeat(encoded[None], len(part), axis=0))
            return self.model.model.align(features, self.start, [token_lists[i] for i in part], max(1, content_frames))

        # The texts are independent: split among the model's lanes, they are scored side by side (one answer's
        # verification on an idle machine takes half the time; on a busy one the calls simply queue).
        parts = [wanted[lane :: self.lanes] for lane in range(min(self.lanes, len(wanted)))]
        if len(parts) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(len(parts), thread_name_prefix="align") as pool:
                results = list(pool.map(align, parts))
        else:
            results = [align(wanted)]
        for part, part_results in zip(parts, results, strict=True):
            for i, result in zip(part, part_results, strict=True):
                probs = np.clip(np.asarray(result.text_token_probs, dtype=np.float64), 1e-30, 1.0)
                scores[i] = float(np.sum(np.log(probs)))
        return scores


def token_budget(speech_seconds: float) -> int:
    """The most tokens a decode of this much speech may write (see ``TOKENS_PER_SECOND``)."""
    return min(MAX_NEW_TOKENS, MIN_NEW_TOKENS + math.ceil(TOKENS_PER_SECOND * speech_seconds))


def timed(fn, *args, **kwargs):
    """``(result, seconds)`` of one call."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


# ---------------------------------------------------------------- the recognizer
class WhisperDecoding:
    """One answer recognised: its :class:`Transcript`, and the encoder output kept for verification and for
    a biased re-decode (neither encodes again)."""

    def __init__(self, recognizer: FasterWhisperRecognizer, prepared: Prepared, encoded: np.ndarray | None,
                 decoded: Decoded | None, transcript):
        self.recognizer = recognizer
        self.prepared = prepared
        self.encoded = encoded
        self.decoded = decoded
        self.transcript = transcript
        self._scored: dict[str, float] = {}  # text → log-likelihood, so a text is never scored twice
        self._continued: dict[str, str] = {}  # prefix → the model's continuation (verification's candidates)

    @property
    def raw(self) -> str:
        """The free decode as the model wrote it (often Traditional characters, with punctuation)."""
        return self.decoded.text if self.decoded else ""

    def log_likelihoods(self, texts: list[str]) -> list[float] | None:
        """Force-scored log-likelihoods of ``texts`` on this answer's encoder output; None without speech."""
        if self.encoded is None:
            return None
        new = [t for t in dict.fromkeys(texts) if t not in self._scored]
        if new:
            scores = self.recognizer.whisper.log_likelihoods(self.encoded, self.prepared.content_frames, new)
            self._scored.update(zip(new, scores, strict=True))
        return [self._scored[t] for t in texts]

    def continuations(self, prefixes: list[str]) -> list[str] | None:
        """The model's own continuation of each of ``prefixes`` on this answer's encoder output
        (:meth:`WhisperEngine.continue_texts`), each prefix decoded once; None without speech. Greedy: at
        beam 5 the near push-offs of the push-off development set (benchmarks/voice-pushoff-dev/ rendered in
        all six conditions) got the same verdicts, at about a fifth more cost."""
        if self.encoded is None or self.decoded is None:
            return None
        new = [p for p in dict.fromkeys(prefixes) if p not in self._continued]
        if new:
            rests = self.recognizer.whisper.continue_texts(self.encoded, self.prepared.speech_seconds, new,
                                                           suppress_latin=self.decoded.latin_suppressed)
            self._continued.update(zip(new, rests, strict=True))
        return [self._continued[p] for p in prefixes]

    def redecode(self, prompt: str):
        """The answer decoded again with ``prompt`` as Whisper's initial prompt (beam search), on the kept
        encoder output; cleaned as any transcript is (a read-back prompt is "nothing heard")."""
        return self.recognizer.redecode_batch([self], [prompt])[0]


class FasterWhisperRecognizer:
    """Whisper through CTranslate2 (module doc): Chinese, VAD, trimmed window, unbiased decode at beam 5."""

    engine = "faster-whisper"

    def __init__(self, model_path, device: str = "cpu", compute_type: str = "int8", cpu_threads: int = DEFAULT_CPU_THREADS,
                 beam_size: int = DEFAULT_BEAM_SIZE, prompted_beam_size: int = PROMPTED_BEAM_SIZE,
                 policy: WindowPolicy = DEFAULT_POLICY, lanes: int = DEFAULT_LANES):
        from pathlib import Path

        from trainer.speech.recognizer import load_whisper_model

        self.model_path = Path(model_path)
        self.model = self.model_path.name
        self.beam_size = int(beam_size)
        self.prompted_beam_size = int(prompted_beam_size)
        self.lanes = max(1, int(lanes))  # answers assessed at once (trainer.speech.assess.assess_batch)
        self._model = load_whisper_model(self.model_path, device, compute_type, cpu_threads, self.lanes)
        self.whisper = WhisperEngine(self._model, policy, lanes=self.lanes)

    def transcribe(self, audio, *, prompt: str | None = None):
        decoding = self.recognize_batch([audio])[0]
        return decoding.redecode(prompt) if prompt else decoding.transcript

    def redecode_batch(self, decodings: list[WhisperDecoding], prompts: list[str]) -> list:
        """:meth:`WhisperDecoding.redecode` for several answers, each with its own prompt: one CTranslate2
        batch per window length and start-sequence length (answers to the same turn share both). Each
        transcript's ``asr_seconds`` is its share of its batch's time."""
        from trainer.speech.recognizer import finish_transcript

        out: list = [d.transcript if d.encoded is None else None for d in decodings]
        groups: dict[tuple[int, int], list[int]] = {}
        for i, (d, prompt) in enumerate(zip(decodings, prompts, strict=True)):
            if d.encoded is not None:
                groups.setdefault((d.prepared.frames, len(self.whisper.start_for(prompt))), []).append(i)
        for indexes in groups.values():
            started = time.perf_counter()
            decoded = self.whisper.decode([decodings[i].encoded for i in indexes],
                                          [decodings[i].prepared.speech_seconds for i in indexes],
                                          prompt=[prompts[i] for i in indexes], beam_size=self.prompted_beam_size)
            share = (time.perf_counter() - started) / len(indexes)
            for i, d in zip(indexes, decoded, strict=True):
                p = decodings[i].prepared
                out[i] = finish_transcript([] if d.silent else [d.text], prompt=prompts[i],
                                           speech_seconds=p.speech_seconds, engine=self.engine, model=self.model,
                                           seconds=p.audio_seconds, asr_seconds=share)
        return out

    def recognize_batch(self, audios: list) -> list[WhisperDecoding]:
        """Recognise several answers together: each prepared alone, encoded in batches of equal windows,
        decoded greedily in one batch per window (the language check re-decodes mostly-Latin output).
        Each transcript's ``asr_seconds`` is its share of the batch's time."""
        from trainer.speech.audio import TARGET_RATE, audio_to_float32
        from trainer.speech.recognizer import finish_transcript

        started = time.perf_counter()
        prepared = [self.whisper.prepare(audio_to_float32(audio, TARGET_RATE)) for audio in audios]
        encoded = self.whisper.encode(prepared)
        decoded: list[Decoded | None] = [None] * len(audios)
        groups: dict[int, list[int]] = {}
        for i, p in enumerate(prepared):
            if p.has_speech:
                groups.setdefault(p.frames, []).append(i)
        for indexes in groups.values():
            outs = self.whisper.decode_chinese([encoded[i] for i in indexes],
                                               [prepared[i].speech_seconds for i in indexes], self.beam_size)
            for i, d in zip(indexes, outs, strict=True):
                decoded[i] = d
        share = (time.perf_counter() - started) / max(1, len(audios))
        results = []
        for p, e, d in zip(prepared, encoded, decoded, strict=True):
            texts = [] if d is None or d.silent else [d.text]
            transcript = finish_transcript(texts, prompt=None, speech_seconds=p.speech_seconds or None,
                                           engine=self.engine, model=self.model, seconds=p.audio_seconds,
                                           asr_seconds=share)
            results.append(WhisperDecoding(self, p, e, d, transcript))
        return results
