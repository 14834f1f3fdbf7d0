"""What every question type has; the helpers several types share.

Terms (see docs/content-format.md): a question's ``answer`` and a trainee's ``response`` are lists in the same
shape: option indexes into the question's own ``options``, ``[true]``/``[false]``, or accepted texts. ``None`` or
``[]`` means "not answered". A score is a credit in [0, 1].
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

BLANK = "____"
LETTERS = "ABCDEF"
MAX_TEXT = 200  # characters of a typed response
# Punctuation stripped from the ends of fill-in answers, after NFKC (so full-width forms are already ASCII).
_EDGE_PUNCTUATION = " \t\r\n.,;:!?'\"()[]{}<>-_~`|/\\。,、;:!?“”‘’()【】《》〈〉「」『』…—·"


GIFT_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")  # Moodle's GIFT answer weight ($giftanswerweightregex)


def gift_weighted(escaped: str, weight: str) -> str:
    """A GIFT answer Moodle would read a weight from (``%50%…``) gets its real weight written in front."""
    return f"%{weight}%{escaped}" if GIFT_WEIGHT.match(escaped) else escaped


def normalise_text(text: str) -> str:
    """The comparison form of a typed answer: NFKC, lower case, no whitespace, no edge punctuation."""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    folded = "".join(folded.split())
    return folded.strip(_EDGE_PUNCTUATION)


def answered(response) -> bool:
    return isinstance(response, list | tuple) and len(response) > 0


def ints(values: list[str]) -> list[int]:
    """Form values as option indexes; ValueError when one is not a number (the view reports it)."""
    return [int(v) for v in values]


class QuestionType:
    """Base of the five types. Subclasses set the class attributes and override what differs."""

    name: str = ""
    label: str = ""  # 题型 as trainers read and write it
    aliases: tuple[str, ...] = ()  # other names trainers' files use for it (label minus 题 is accepted anyway)
    minutes: float = 1.0  # estimated time to read and answer one (content/hours.py)
    option_range: tuple[int, int] | None = None  # how many options it has; None: none
    indexed: bool = False  # the response is option indexes, shown in a shuffled order and mapped back
    always_shuffle: bool = False  # shown shuffled even where an exam keeps the options in order
    gift_inline: bool = False  # its GIFT answer block sits on the question's line
    gift_marks_type: bool = False  # GIFT cannot tell it from another type: write its 题型 in the comment
    has_blank: bool = False  # its stem holds the blank ____ (GIFT puts the answer block there)
    gift_matching: bool = False  # GIFT writes it as a matching question (its options are left-hand sides)
    answer_hint: str = ""  # how its 答案 is written in a form or an Excel cell, for trainers

    @property
    def template(self) -> str:
        """Macros ``attempt_input``, ``review_input`` and ``given`` that render it (templates/quiz/types/)."""
        return f"quiz/types/{self.name}.html"

    # --- content --------------------------------------------------------------------------------------
    def validate(self, reader, path, q) -> None:
        """Report what is wrong with a QuestionDef through ``reader.fail(path, English message)``."""
        raise NotImplementedError

    def _check_options(self, reader, path, options: list[str]) -> bool:
        low, high = self.option_range
        if not low <= len(options) <= high:
            reader.fail((*path, "options"), f"needs {low}–{high} options, has {len(options)}")
            return False
        if len(set(options)) != len(options):
            reader.fail((*path, "options"), "options must be distinct")
        return True

    @staticmethod
    def _indexes(reader, path, answer: list, options: list[str]) -> list[int] | None:
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in answer):
            reader.fail((*path, "answer"), f"answer must be option indexes (0-based integers), got {answer!r}")
            return None
        bad = [a for a in answer if not 0 <= a < len(options)]
        if bad:
            reader.fail((*path, "answer"), f"index {bad[0]} is out of range for {len(options)} options")
            return None
        return answer

    # --- answering ------------------------------------------------------------------------------------
    def score(self, answer: Sequence, response, option_count: int) -> float:
        raise NotImplementedError

    def check(self, raw, option_count: int) -> list:
        """A response as a client sent it (JSON), cleaned; ValueError with an English reason. ``[]`` is allowed."""
        raise NotImplementedError

    @staticmethod
    def _check_indexes(raw, option_count: int) -> list[int]:
        if not isinstance(raw, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in raw):
            raise ValueError("response must be a list of option indexes")
        if any(not 0 <= i < option_count for i in raw):
            raise ValueError(f"option index out of range 0..{option_count - 1}")
        if len(set(raw)) != len(raw):
            raise ValueError("option indexes must be distinct")
        return list(raw)

    def from_form(self, form) -> list:
        """The daily-review form's answer in the shape :meth:`check` takes ([] when not answered)."""
        raise NotImplementedError

    def complete(self, response: list) -> bool:
        """Whether a form answer may be submitted (answered, and for ordering every step different)."""
        return bool(response)

    def to_original(self, response: list, order: Sequence[int]) -> list:
        """Shown positions → the question's own option indexes (``order[shown] = original``)."""
        return [order[i] for i in response] if self.indexed else list(response)

    def to_shown(self, response: list, order: Sequence[int]) -> list:
        if not self.indexed:
            return response
        position = {original: shown for shown, original in enumerate(order)}
        return [position[i] for i in response]

    # --- files ----------------------------------------------------------------------------------------
    def gift_answers(self, q, escape) -> list[str]:
        """The answers inside the GIFT braces, escaped with ``escape``."""
        raise NotImplementedError

    def excel_answer(self, text: str, options: list[str]) -> tuple[list, str | None]:
        """The 答案 cell (not empty) → (answer, Chinese error or None)."""
        raise NotImplementedError

    def excel_text(self, q) -> str:
        return "".join(LETTERS[i] for i in q.answer)

    def normalise_stem(self, stem: str) -> str:
        return stem

    # --- item analysis --------------------------------------------------------------------------------
    def tally(self, counts: Counter, response: list) -> None:
        """Count an answered response's parts for the analysis page."""
        counts[tuple(response)] += 1

    def choice_labels(self, question, counts: Counter) -> list[tuple[str, int, bool]]:
        """(label, times given, is the right answer) rows for the analysis page."""
        raise NotImplementedError
