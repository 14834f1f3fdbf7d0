"""Question banks in Moodle's GIFT text format. Written by hand; only what this platform needs.

Supported (import and export):
- single choice ``{=right ~wrong ~wrong}``;
- multiple choice with partial-credit weights ``{~%50%A ~%50%B ~%-100%C}`` (export writes +100/k for each
  of the k right options and −100/(n−k) for each wrong one, the weights of trainer/quiz/marking.py;
  import takes any positive weight as a right option; several ``=`` answers are read as multiple choice);
- true/false ``{TRUE}`` / ``{FALSE}`` (``{T}``, ``{F}`` too);
- short answer / missing word ``电话铃响{=5 =五}声内接听`` → fill_blank (the braces mark the blank;
  at the end of the text the blank goes at the end);
- ordering → exported as a GIFT *matching* question that pairs each step with its place,
  ``{=接起电话 -> 1 =问候 -> 2 =报出单位名称 -> 3}``, so Moodle can still use it; on import a matching
  question whose right-hand sides are exactly 1…n is read back as ordering (any other matching is refused);
- general feedback ``####…`` ↔ 解析; question name ``::编号::`` ↔ 编号; escapes ``\\~ \\= \\# \\{ \\} \\: \\n``.
GIFT has no fields for source, difficulty and tags: they travel in a comment line just above the question,
``// 出处: 000 §5.2.1 | 难度: 2 | 标签: phone, counter``, which Moodle ignores. Per-answer feedback
(``#…``) is read and dropped; numerical, essay and description questions are refused with the line number.
"""

import re

from trainer.content.model import QuestionDef
from trainer.question_types import BLANK, QUESTION_TYPES
from trainer.quiz.bankio import (
    DIFFICULTY_WORDS,
    MAX_QUESTIONS,
    BankPreview,
    ParsedBank,
    RowError,
    check_common,
    split_list,
)

SPECIAL = "\\~=#{}:"
META = re.compile("^\\s*(出处|难度|标签|题型)\\s*[:\uff1a]\\s*(.*?)\\s*$")
FORMAT_PREFIX = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.I)
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def escape(text: str) -> str:
    out = "".join("\\" + c if c in SPECIAL else c for c in str(text))
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append("\n" if text[i + 1] == "n" else text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _find(text: str, target: str, start: int = 0) -> int:
    """Index of the first unescaped ``target`` at or after ``start``, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def _split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """Split at unescaped separator characters; returns (separator, chunk) pairs (first separator '')."""
    parts, current, marker, i = [], [], "", 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if c in separators:
            parts.append((marker, "".join(current)))
            current, marker = [], c
        else:
            current.append(c)
        i += 1
    parts.append((marker, "".join(current)))
    return parts


# --- export -----------------------------------------------------------------------------------------------

def export_gift(title: str, questions: list[QuestionDef]) -> str:
    lines = [f"// 题库: {title}", f"// 共 {len(questions)} 题。出处、难度、标签写在每题上方的注释中。", ""]
    for q in questions:
        meta = [f"出处: {q.source}", f"难度: {q.difficulty}", f"标签: {', '.join(q.tags)}"]
        kind = QUESTION_TYPES[q.type]
        if kind.gift_marks_type:
            meta.append(f"题型: {kind.label}")
        answers = kind.gift_answers(q, escape)
        body = " ".join(answers) if kind.gift_inline else "\n" + "\n".join(answers) + "\n"
        if q.explanation:
            body += f"####{escape(q.explanation)}" + ("\n" if body.endswith("\n") else "")
        answer_block = "{" + body + "}"
        name = f"::{escape(q.id)}::" if q.id else ""
        if kind.has_blank and BLANK in q.stem:  # the answer block stands where the blank is
            before, after = q.stem.split(BLANK, 1)
            text = f"{name}{escape(before)}{answer_block}{escape(after)}"
        else:
            text = f"{name}{escape(q.stem)}{answer_block}"
        lines += ["// " + " | ".join(meta), text, ""]
    return "\n".join(lines)


# --- import -----------------------------------------------------------------------------------------------

class GiftError(Exception):
    pass


def _meta(comments: list[str]) -> dict[str, str]:
    found = {}
    for comment in comments:
        for segment in comment.split("|"):
            match = META.match(segment)
            if match:
                found[match.group(1)] = match.group(2)
    return found


def _tokens(body: str) -> list[tuple[str, float | None, str]]:
    """Answers of a choice/short/matching block: (marker '=' or '~', weight or None, text)."""
    tokens = []
    for marker, chunk in _split_unescaped(body, "=~")[1:]:
        chunk = chunk.strip()
        weight = None
        if chunk.startswith("%"):
            end = chunk.find("%", 1)
            try:
                weight = float(chunk[1:end])
            except ValueError as exc:
                raise GiftError(f"答案权重“{chunk[:end + 1]}”不是数字。") from exc
            chunk = chunk[end + 1:]
        feedback_at = _find(chunk, "#")
        text = chunk[:feedback_at] if feedback_at >= 0 else chunk
        tokens.append((marker, weight, text.strip()))
    if _split_unescaped(body, "=~")[0][1].strip():
        raise GiftError("答案部分的每个答案都要以 = 或 ~ 开头。")
    return tokens


def _question(body: str, meta: dict) -> tuple[str, list[str], list]:
    """(type, options, answer) from the inside of the braces (general feedback already removed)."""
    text = body.strip()
    if not text:
        raise GiftError("不支持问答题(空的 {})。")
    if text.startswith("#"):
        raise GiftError("不支持数值题({#…})。")
    word = unescape(_split_unescaped(text, "#")[0][1]).strip().upper()
    if word in TRUE_FALSE:
        return "true_false", [], [TRUE_FALSE[word]]
    tokens = _tokens(text)
    if any(_find(t, "->") >= 0 for _m, _w, t in tokens):
        pairs = []
        for _m, _w, t in tokens:
            at = _find(t, "->")
            left, right = unescape(t[:at]).strip(), t[at + 2:].strip()
            pairs.append((left, right))
        places = [p for _l, p in pairs]
        if sorted(places) != [str(n) for n in range(1, len(pairs) + 1)] and meta.get("题型") != "排序题":
            raise GiftError("配对题只支持把每一步配到 1…n 的位置(作为排序题导入)。")
        try:
            order = sorted(range(len(pairs)), key=lambda i: int(pairs[i][1]))
        except ValueError as exc:
            raise GiftError("排序题每一步的位置要写成数字 1…n。") from exc
        return "ordering", [left for left, _p in pairs], order
    options = [unescape(t) for _m, _w, t in tokens]
    if all(m == "=" for m, _w, _t in tokens):
        return "fill_blank", [], options
    if any(w is not None for _m, w, _t in tokens):
        return "multiple", options, [i for i, (m, w, _t) in enumerate(tokens) if (w or 0) > 0 or (m == "=" and w is None)]
    right = [i for i, (m, _w, _t) in enumerate(tokens) if m == "="]
    if not right:
        raise GiftError("选择题没有标出正确答案(用 = 标出)。")
    return ("single" if len(right) == 1 else "multiple"), options, right


def _parse_block(text: str, meta: dict) -> QuestionDef:
    text = text.strip()
    code = ""
    if text.startswith("::"):
        end = _find(text, "::", 2)
        if end < 0:
            raise GiftError("题目名称 ::…:: 没有结束。")
        code, text = unescape(text[2:end]).strip(), text[end + 2:].lstrip()
    text = FORMAT_PREFIX.sub("", text)
    start = _find(text, "{")
    end = _find(text, "}", start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        raise GiftError("没有找到答案部分 {…}(不支持只有说明文字的题目)。")
    before, inside, after = text[:start], text[start + 1:end], text[end + 1:]
    general = _find(inside, "####")
    explanation = unescape(inside[general + 4:]).strip() if general >= 0 else ""
    qtype, options, answer = _question(inside[:general] if general >= 0 else inside, meta)
    stem = unescape(before)
    if QUESTION_TYPES[qtype].has_blank:
        stem = stem + BLANK + unescape(after) if after.strip() or BLANK not in stem else stem
    elif after.strip():
        stem = stem + unescape(after)
    difficulty_text = meta.get("难度", "") or "1"
    if difficulty_text not in DIFFICULTY_WORDS:
        raise GiftError(f"难度“{difficulty_text}”应为 1、2、3 或 易、中、难。")
    return QuestionDef(id=code, type=qtype, stem=stem.strip(), options=options, answer=answer,
                       explanation=explanation, source=meta.get("出处", ""), difficulty=DIFFICULTY_WORDS[difficulty_text],
                       tags=split_list(meta.get("标签", "")))


def _blocks(text: str):
    """(first line number, comment lines, question text) per blank-line-separated block with a question."""
    block, comments, first = [], [], None
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n") + [""], start=1):
        stripped = line.strip()
        if not stripped:
            if block:
                yield first, comments, "\n".join(block)
            block, comments, first = [], [], None
        elif stripped.startswith("//"):
            comments.append(stripped[2:].strip())
        elif stripped.startswith("$CATEGORY:"):
            continue
        else:
            if first is None:
                first = number
            block.append(line)


def parse_gift(text: str) -> ParsedBank:
    parsed = ParsedBank()
    seen_codes: dict[str, int] = {}
    for count, (line, comments, block) in enumerate(_blocks(text.lstrip("\ufeff")), start=1):
        if count > MAX_QUESTIONS:  # counts every question, right or wrong, so reading stops here
            parsed.errors.insert(0, RowError(line, f"一次最多导入 {MAX_QUESTIONS} 道题。"))  # first: pages list the first few
            break
        before = len(parsed.errors)
        try:
            question = _parse_block(block, _meta(comments))
        except GiftError as error:
            parsed.errors.append(RowError(line, str(error)))
            continue
        check_common(question, line, parsed.errors, seen_codes)
        if len(parsed.errors) == before:
            parsed.questions.append((line, question))
    if not parsed.questions and not parsed.errors:
        parsed.errors.append(RowError(1, "文件中没有题目。"))
    return parsed


def preview_gift(text: str) -> "BankPreview":
    return BankPreview.from_parsed(parse_gift(text), file_type="gift")
