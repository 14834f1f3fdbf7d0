"""数值题: the trainee types a number. The answer lists the accepted numbers, each one entry:

- ``{value: 220, tolerance: 5, credit: 1}`` — 220 ± 5 (``tolerance`` 0 when left out: exactly 220);
- ``{min: 215, max: 225, credit: 1}`` — any number from 215 to 225;

``credit`` (0 < credit ≤ 1, default 1) is what a number in that entry earns; at least one entry earns full credit.
Scoring follows Moodle's numerical question: the first entry (in the listed order) that holds the number gives
its credit, other numbers score 0; bounds are inclusive, with Moodle's tiny allowance for rounding
(10⁻¹⁴ × max(1, |value|)). So list the full-credit entry first and the "close enough" ones after it.

The response is ``[text]`` as typed (or ``[number]`` from an API client), kept as given; it is read as a number
when scored (:func:`parse_number`): full-width digits, signs and points (NFKC), ``。`` typed by a Chinese input
method as the decimal point, spaces, thousands separators in groups of three (``1,822``), otherwise one comma as a
decimal comma (``3,14``), and exponents (``1e3``). Text that is not a number scores 0, as in Moodle.

Files: Excel / the editor's 答案 ``220±5``, ``215..225`` (also ``215~225``), several entries separated by ``|`` with
partial credit in brackets: ``1822 | 1822±2(50%)``. GIFT ``{#220:5}``, ``{#215..225}``, ``{#=1822:0 =%50%1822:2}``.
"""

import math
import re
import unicodedata
from collections.abc import Mapping

from trainer.question_types.base import QuestionType, answered

MAX_NUMBER_TEXT = 40
EPSILON = 1e-14  # Moodle: pow(10, -precision) with PHP's default precision 14
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_CREDIT = re.compile(r"[((]\s*(\d{1,3}(?:\.\d+)?)\s*%\s*[))]$")
_TOLERANCE = re.compile(r"±|\+/-|\+-")
_RANGE = re.compile(r"\.\.|[~～]")
ENTRY_KEYS = ({"value", "tolerance", "credit"}, {"min", "max", "credit"})


def parse_number(text) -> float | None:
    """A number as a trainee or a file writes it (see the module docstring), or None when it is not one."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int | float):
        return float(text) if math.isfinite(text) else None
    folded = unicodedata.normalize("NFKC", str(text))
    folded = "".join(folded.split()).replace("\u2212", "-").replace("\u3002", ".")
    if _THOUSANDS.match(folded):
        folded = folded.replace(",", "")
    elif folded.count(",") == 1 and "." not in folded:
        folded = folded.replace(",", ".")
    if not _NUMBER.match(folded):
        return None
    number = float(folded)
    return number if math.isfinite(number) else None


def file_number(text: str) -> float | None:
    """A number as Moodle's files hold it (PHP ``is_numeric``: sign, digits, point, exponent; no commas)."""
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def plain(number: float) -> int | float:
    """Store whole numbers as integers (``220``, not ``220.0``): files and re-imports compare equal."""
    number = float(number)
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def number_text(number) -> str:
    """A number written back exactly (``repr`` of a float is its shortest exact form; PHP reads it too)."""
    return str(plain(number)) if isinstance(plain(number), int) else repr(float(number))


def entry(*, value=None, tolerance=0, minimum=None, maximum=None, credit=1.0) -> dict:
    """One accepted entry in its stored form (keys in a fixed order, whole numbers as integers)."""
    if minimum is not None:
        return {"min": plain(minimum), "max": plain(maximum), "credit": plain(credit)}
    return {"value": plain(value), "tolerance": plain(abs(tolerance)), "credit": plain(credit)}


def interval(accepted: Mapping) -> tuple[float, float]:
    """The closed interval an entry accepts, with Moodle's allowance for rounding."""
    if "min" in accepted:
        low, high = float(accepted["min"]), float(accepted["max"])
        slack = EPSILON * max(1.0, abs(low), abs(high))
        return low - slack, high + slack
    value = float(accepted["value"])
    tolerance = abs(float(accepted.get("tolerance", 0))) + EPSILON * max(1.0, abs(value))
    return value - tolerance, value + tolerance


def matching(answer, number: float) -> Mapping | None:
    """The first entry that holds ``number`` (Moodle's get_matching_answer), or None."""
    for accepted in answer:
        low, high = interval(accepted)
        if low <= number <= high:
            return accepted
    return None


def entry_text(accepted: Mapping) -> str:
    """An entry as trainers read and write it: ``220±5``, ``215..225``, with ``(50%)`` for partial credit."""
    if "min" in accepted:
        text = f"{number_text(accepted['min'])}..{number_text(accepted['max'])}"
    elif accepted.get("tolerance"):
        text = f"{number_text(accepted['value'])}±{number_text(accepted['tolerance'])}"
    else:
        text = number_text(accepted["value"])
    credit = float(accepted.get("credit", 1))
    return text if credit >= 1 else f"{text}({credit * 100:g}%)"


def parse_entry(text: str) -> tuple[dict | None, str | None]:
    """``220±5`` / ``215..225`` / ``220`` with an optional ``(50%)`` → (entry, None) or (None, Chinese error)."""
    body = unicodedata.normalize("NFKC", text).strip()
    credit = 1.0
    found = _CREDIT.search(body)
    if found:
        credit, body = float(found.group(1)) / 100, body[:found.start()].strip()
        if not 0 < credit <= 1:
            return None, f"“{text}”的得分应在 1%–100% 之间。"
    bad = f"数值题的答案“{text}”应为数字,可写误差或范围,如 220±5 或 215..225。"
    tolerance = _TOLERANCE.split(body)
    if len(tolerance) == 2:
        value, margin = parse_number(tolerance[0]), parse_number(tolerance[1])
        if value is None or margin is None:
            return None, bad
        return entry(value=value, tolerance=margin, credit=credit), None
    bounds = _RANGE.split(body)
    if len(bounds) == 2:
        low, high = parse_number(bounds[0]), parse_number(bounds[1])
        if low is None or high is None:
            return None, bad
        if low > high:
            return None, f"范围“{text}”的下限大于上限。"
        return entry(minimum=low, maximum=high, credit=credit), None
    value = parse_number(body)
    return (entry(value=value, credit=credit), None) if value is not None else (None, bad)


class Numerical(QuestionType):
    name, label, minutes = "numerical", "数值题", 1.0
    gift_inline = True
    aliases = ("数值", "数字题", "计算填空题")
    answer_hint = ("正确的数值,可带误差或范围,如 220±5 或 215..225;几个答案用 | 分隔,部分得分写在括号里,"
                   "如 1822 | 1822±2(50%)。")

    def validate(self, reader, path, q) -> None:
        if q.options:
            reader.fail((*path, "options"), "a numerical question has no options")
        where = (*path, "answer")
        if not isinstance(q.answer, list) or not q.answer:
            reader.fail(where, f"a numerical answer lists accepted entries {{value, tolerance}} or {{min, max}}, got {q.answer!r}")
            return
        cleaned = []
        for index, accepted in enumerate(q.answer):
            problem = _entry_problem(accepted)
            if problem:
                reader.fail(where, f"entry {index + 1}: {problem}")
                return
            if "min" in accepted:
                cleaned.append(entry(minimum=accepted["min"], maximum=accepted["max"], credit=accepted.get("credit", 1)))
            else:
                cleaned.append(entry(value=accepted["value"], tolerance=accepted.get("tolerance", 0),
                                     credit=accepted.get("credit", 1)))
        if not any(a["credit"] == 1 for a in cleaned):
            reader.fail(where, "a numerical answer needs at least one entry with full credit (credit 1)")
            return
        q.answer = cleaned

    def score(self, answer, response, option_count: int) -> float:
        if not answered(response):
            return 0.0
        number = parse_number(response[0])
        found = matching(answer, number) if number is not None else None
        return float(found.get("credit", 1)) if found is not None else 0.0

    def check(self, raw, option_count: int) -> list:
        if not isinstance(raw, list) or len(raw) > 1:
            raise ValueError("a numerical response is [text], [number] or []")
        if not raw:
            return []
        given = raw[0]
        if isinstance(given, bool) or not isinstance(given, str | int | float):
            raise ValueError("a numerical response is [text], [number] or []")
        if isinstance(given, float) and not math.isfinite(given):
            raise ValueError("a numerical response must be a finite number")
        if isinstance(given, str):
            given = given.strip()
            if len(given) > MAX_NUMBER_TEXT:
                raise ValueError(f"a numerical response is at most {MAX_NUMBER_TEXT} characters")
            return [given] if given else []
        return [given]

    def from_form(self, form) -> list:
        text = form.get("number", "").strip()
        return [text[:MAX_NUMBER_TEXT]] if text else []

    def gift_answers(self, q, escape) -> list[str]:
        """Moodle's ``{#…}``: ``#220:5`` for one full-credit entry, else ``#=220:5 =%50%220:10``."""
        parts = [_gift_entry(a) for a in q.answer]
        if len(parts) == 1:
            return ["#" + parts[0]]  # the one entry has full credit (validated)
        written = ["=" + _gift_weight(a) + part for a, part in zip(q.answer, parts, strict=True)]
        return ["#" + written[0], *written[1:]]

    def excel_answer(self, text: str, options: list[str]) -> tuple[list, str | None]:
        entries = []
        for part in re.split("[|\uff5c;\uff1b]", text):
            if not part.strip():
                continue
            parsed, error = parse_entry(part)
            if error:
                return [], error
            entries.append(parsed)
        if not entries:
            return [], "缺少答案。"
        if not any(a["credit"] == 1 for a in entries):
            return [], f"数值题至少要有一个得满分的答案(“{text}”中都是部分得分)。"
        return entries, None

    def excel_text(self, q) -> str:
        return " | ".join(entry_text(a) for a in q.answer)

    def tally(self, counts, response: list) -> None:
        number = parse_number(response[0])
        counts[number_text(number) if number is not None else str(response[0]).strip()] += 1

    def choice_labels(self, question, counts) -> list[tuple[str, int, bool]]:
        return [(given, times, self.score(question.answer, [given], 0) >= 1.0) for given, times in counts.most_common(5)]


def _entry_problem(accepted) -> str | None:
    if not isinstance(accepted, Mapping):
        return f"an entry is a mapping {{value, tolerance, credit}} or {{min, max, credit}}, got {accepted!r}"
    keys = set(accepted)
    required, allowed = ({"min", "max"}, ENTRY_KEYS[1]) if keys & {"min", "max"} else ({"value"}, ENTRY_KEYS[0])
    if not required <= keys <= allowed:
        return f"use either value (and tolerance) or min and max, and credit; got keys {sorted(keys)}"
    for key, number in accepted.items():
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
            return f"{key} must be a number, got {number!r}"
    if accepted.get("tolerance", 0) < 0:
        return "tolerance must not be negative"
    if "min" in accepted and accepted["min"] > accepted["max"]:
        return f"min {accepted['min']} is greater than max {accepted['max']}"
    if not 0 < accepted.get("credit", 1) <= 1:
        return f"credit must be more than 0 and at most 1, got {accepted['credit']!r}"
    return None


def _gift_entry(accepted: Mapping) -> str:
    if "min" in accepted:
        return f"{number_text(accepted['min'])}..{number_text(accepted['max'])}"
    if not accepted.get("tolerance"):
        return number_text(accepted["value"])
    return f"{number_text(accepted['value'])}:{number_text(accepted['tolerance'])}"


def _gift_weight(accepted: Mapping) -> str:
    credit = float(accepted.get("credit", 1))
    return "" if credit >= 1 else f"%{credit * 100:g}%"


TYPE = Numerical()
