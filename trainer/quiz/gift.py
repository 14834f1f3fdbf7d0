"""Question banks in Moodle's GIFT text format, read the way Moodle reads it (moodle/moodle
``question/format/gift/format.php``, ``readquestion``) and written so that Moodle and this importer read back
exactly what was written. Written by hand: no maintained Python GIFT library follows Moodle's rules.

Reading (:func:`preview_gift`; every question becomes a preview item, trainer/quiz/bankio.py — the file as a
whole is refused only when it is unreadable or too long):
- questions are separated by blank lines; ``//`` lines are comments; ``$CATEGORY: a/b/c`` names the bank (the
  first one) and tags the questions after it with its last part; ``::name::`` is the question's name (any
  characters: a 编号 is generated when it is not a valid one);
- escapes as Moodle: ``\\:`` ``\\#`` ``\\=`` ``\\{`` ``\\}`` ``\\~`` give the character, ``\\n`` a line break, ``\\\\`` one
  backslash, and a backslash before any other character stays (``C\\:\\Program Files`` → ``C:\\Program Files``);
- format tags ``[html]`` ``[moodle]`` ``[plain]`` ``[markdown]`` at the start of a text are removed everywhere; an
  ``[html]`` question text is sanitised (nh3, an allow-list) and kept as HTML (stored with the ``[html]`` mark,
  rendered by the ``question_text`` filter); ``[html]`` options and feedback become plain text;
- the type as Moodle decides it: no braces → description, ``{}`` → essay, ``{#…}`` → numerical, a ``~`` →
  multichoice, ``=`` with ``->`` → matching, ``T/TRUE/F/FALSE`` → true/false, else short answer;
- answers in the middle of the text (missing word) leave a blank ``____`` where the braces were;
- weights ``%n%``: multichoice with ``=`` → 单选题 (one full-credit answer; partial-credit or several full-credit
  answers are 需修改, never turned into 多选); multichoice without ``=`` → 多选题 (the options with a positive
  weight are right; our 1/k, −1/(n−k) scoring is stated as a warning when the file's weights differ); short
  answer → 填空题 (full-credit answers are accepted; 0% answers such as ``*`` only carry feedback and are left out
  with a warning; partial credit is 需修改); numerical ``{#…}`` → 数值题 (``value:tolerance``, ``min..max``,
  several ``=`` answers with weights as partial credit, 0% answers kept as feedback only, ``~#…`` feedback for any
  other number); matching to 1…n → 排序题, other matching, essay and description → 不支持 with the reason;
- per-answer feedback ``#…`` (and true/false ``#wrong#right``) is kept: added to the 解析 shown after answering.
GIFT has no fields for source, difficulty and tags: they travel in a comment line just above the question,
``// 出处: 000 §5.2.1 | 难度: 2 | 标签: phone, counter``, which Moodle ignores (``// 题型: 填空题`` or ``排序题``
tells this importer what Moodle cannot). Moodle 4 comment tags ``[tag:x]`` become tags too.

Writing (:func:`export_gift`): names, texts and answers escaped as Moodle's ``repchar``; an option or answer that
would be read as a weight (``%50%…``) gets an explicit weight in front; a text starting with a format tag gets
``[moodle]`` in front; an ordering step containing ``->`` is written as ``[html]`` with ``-&gt;``; a fill-in
question whose only answer contains ``->`` is written without ``=`` (Moodle then reads a short answer). A fill-in
question with several answers, one containing ``->``, cannot be written so that Moodle reads a short answer: it
is written with a ``// 题型: 填空题`` comment (this importer reads it back) and a warning comment.
"""

import html
import re

import nh3

from trainer.content.model import QuestionDef
from trainer.question_types import BLANK, QUESTION_TYPES
from trainer.question_types.base import GIFT_WEIGHT as WEIGHT
from trainer.question_types.base import gift_weighted
from trainer.question_types.numerical import entry, entry_text, file_number
from trainer.quiz.bankio import (
    DIFFICULTY_WORDS,
    MAX_QUESTIONS,
    BankPreview,
    PreviewItem,
    RowError,
    choice_key,
    finish_preview,
    percent,
    split_list,
)
from trainer.quiz.question_text import HTML_MARK  # a stored stem that starts with it is sanitised HTML

SPECIAL = "\\~=#{}:"
META = re.compile("^\\s*(出处|难度|标签|题型)\\s*[:\uff1a]\\s*(.*?)\\s*$")
MOODLE_TAG = re.compile(r"\[tag:([^\]]+)\]")
FORMATS = ("html", "moodle", "plain", "markdown")
FORMAT_PREFIX = re.compile(r"^\[(html|moodle|plain|markdown)\]")
UNSAFE = re.compile(r"(?i)<\s*(script|style|iframe|object|embed)|\son\w+\s*=|javascript:")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
# Placeholders for escaped characters while the structure is read (Moodle uses &&058; …; private-use
# characters cannot occur in a trainer's text by accident).
_PLACE = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004", "~": "\ue005", "n": "\ue006"}
_BACK = {v: ("\n" if k == "n" else k) for k, v in _PLACE.items()}
_CJK_END = re.compile("[\u3000-\u9fff\uff00-\uffef]$")


# --- text -------------------------------------------------------------------------------------------------

def escape(text: str) -> str:
    """Moodle's repchar: ``\\ # = ~ { } :`` escaped, line breaks as ``\\n``."""
    out = "".join("\\" + c if c in SPECIAL else c for c in str(text))
    return out.replace("\r\n", "\n").replace("\r", "").replace("\n", "\\n")


def _pre(text: str) -> str:
    """Moodle's escapedchar_pre: ``\\\\`` → ``\\``, ``\\x`` → placeholder for x in ``: # = { } ~ n``, others kept."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "\\":
                out.append("\\")
                i += 2
                continue
            if nxt in _PLACE:
                out.append(_PLACE[nxt])
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _post(text: str) -> str:
    return "".join(_BACK.get(c, c) for c in text)


def unescape(text: str) -> str:
    return _post(_pre(text))


def _with_format(text: str) -> tuple[str, str]:
    """Moodle's parse_text_with_format: (format, text without its format tag, unescaped and trimmed)."""
    text = text.strip()
    fmt = "moodle"
    match = FORMAT_PREFIX.match(text)
    if match:
        fmt, text = match.group(1), text[match.end():]
    return fmt, _post(text).strip()


def sanitise_html(markup: str) -> str:
    return nh3.clean(markup).strip()


def html_to_text(markup: str) -> str:
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", markup)
    text = html.unescape(nh3.clean(text, tags=set()))
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _plain(text: str, default: str, warnings: list[str]) -> str:
    """An option, answer or feedback as plain text (format tag removed; [html] turned to text)."""
    fmt, body = _with_format(text)
    fmt = fmt if FORMAT_PREFIX.match(text.strip()) else default
    if fmt == "html" and re.search(r"<[A-Za-z/!]|&[#A-Za-z0-9]+;", body):
        plain = html_to_text(body)
        if re.search(r"<[A-Za-z/!]", body) and "选项和反馈中的 HTML 已转为纯文本。" not in warnings:
            warnings.append("选项和反馈中的 HTML 已转为纯文本。")
        return plain
    return body


# --- reading ----------------------------------------------------------------------------------------------

class Unsupported(Exception):
    """A Moodle question type this platform has none for (不支持)."""

    def __init__(self, file_type: str, reason: str):
        super().__init__(reason)
        self.file_type, self.reason = file_type, reason


class NeedsFix(Exception):
    """The question breaks a rule of ours (需修改)."""

    def __init__(self, file_type: str, reason: str):
        super().__init__(reason)
        self.file_type, self.reason = file_type, reason


def _meta(comments: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    tags: list[str] = []
    for comment in comments:
        tags += [t.strip() for t in MOODLE_TAG.findall(comment) if t.strip()]
        for segment in comment.split("|"):
            match = META.match(segment)
            if match:
                found[match.group(1)] = match.group(2)
    if tags:
        found["moodle_tags"] = ",".join(tags)
    return found


def _weight(answer: str) -> tuple[float | None, str]:
    """(weight as a fraction, rest) when ``answer`` starts with a weight Moodle reads, else (None, answer)."""
    if not WEIGHT.match(answer):
        return None, answer
    end = answer.index("%", 1)
    try:
        return float(answer[1:end]) / 100, answer[end + 1:]
    except ValueError:  # "%--5%": Moodle's regex takes it, PHP reads 0
        return 0.0, answer[end + 1:]


def _comment(answer: str, default: str, warnings: list[str]) -> tuple[str, str]:
    """Moodle's commentparser: (answer text, feedback) split at the first ``#``."""
    text, _, feedback = answer.partition("#")
    return _plain(text, default, warnings), _plain(feedback, default, warnings) if feedback.strip() else ""


def _split(answertext: str, separator: str) -> list[str]:
    parts = answertext.split(separator)
    if not parts[0].strip():
        parts = parts[1:]
    return [p.strip() for p in parts]


def _feedback_lines(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"答“{answer}”:{feedback}" for answer, feedback in pairs if feedback]


def _multichoice(answertext: str, fmt: str, warnings: list[str]) -> tuple[str, list[str], list, list[str]]:
    single = "=" in answertext
    answers = _split(answertext.replace("=", "~="), "~")
    if len(answers) < 2:
        raise NeedsFix("multichoice", "选择题至少要有两个选项。")
    options, fractions, feedback = [], [], []
    for answer in answers:
        if answer.startswith("="):
            fraction, answer = 1.0, answer[1:]
        else:
            fraction, answer = _weight(answer)
            fraction = fraction or 0.0
        text, said = _comment(answer, fmt, warnings)
        options.append(text)
        fractions.append(fraction)
        feedback.append((text, said))
    lines = _feedback_lines(feedback)
    try:  # Moodle's weights as our single / multiple choice: the same rules as Moodle XML
        qtype, right = choice_key(single, options, fractions, warnings, ("(用 = 标出)", "(每个选项写权重,不用 =)"))
    except ValueError as problem:
        raise NeedsFix("multichoice", str(problem)) from None
    return qtype, options, right, lines


def _weighted(answertext: str, fmt: str, warnings: list[str], file_type: str, none: str) -> list[tuple[float, str, str]]:
    """(weight, answer text, feedback) of each ``=`` answer (short answer, numerical); a missing weight is 100%."""
    answers = _split(answertext, "=")
    if not answers:
        raise NeedsFix(file_type, none)
    read = []
    for answer in answers:
        fraction, answer = _weight(answer)
        read.append((1.0 if fraction is None else fraction, *_comment(answer, fmt, warnings)))
    return read


def _shortanswer(answertext: str, fmt: str, warnings: list[str]) -> tuple[list, list[str]]:
    accepted, feedback = [], []
    for fraction, text, said in _weighted(answertext, fmt, warnings, "shortanswer", "简答题至少要有一个答案。"):
        feedback.append((text, said))
        if 0 < fraction < 1:
            raise NeedsFix("shortanswer", f"答案“{text}”只得部分分({percent(fraction)}):本平台填空题的答案只有全对,"
                                          "请去掉部分得分或删去该答案。")
        if fraction <= 0:
            warnings.append(f"得 {percent(fraction)} 的答案“{text}”未作为正确答案导入(只保留其反馈)。")
            continue
        if "*" in text:
            raise NeedsFix("shortanswer", f"答案“{text}”中的 * 在 Moodle 中是通配符,本平台按原文比对;请写出完整答案。")
        accepted.append(text)
    if not accepted:
        raise NeedsFix("shortanswer", "简答题没有得满分的答案。")
    return accepted, _feedback_lines(feedback)


def _numerical(answertext: str, fmt: str, warnings: list[str]) -> tuple[list[dict], list[str]]:
    """Moodle's numerical case (the ``#`` already removed): ``=``-separated answers ``value:tolerance``,
    ``min..max`` or ``value``, each with an optional weight and ``#feedback``; ``~#…`` feedback for any other number."""
    answertext, _, wrong = answertext.partition("~")
    accepted, feedback = [], []
    for fraction, text, said in _weighted(answertext, fmt, warnings, "numerical",
                                          "数值题没有答案:在 {# 后写出数值,如 {#220:5} 或 {#215..225}。"):
        swapped = False
        if text.find("..") > 0:
            low, high = (file_number(part) for part in text.split("..", 1))
            parsed = None if low is None or high is None else entry(minimum=min(low, high), maximum=max(low, high),
                                                                     credit=fraction)
            swapped = parsed is not None and low > high
        elif text.find(":") > 0:
            value, margin = (file_number(part) for part in text.split(":", 1))
            parsed = None if value is None or margin is None else entry(value=value, tolerance=margin, credit=fraction)
        else:
            value = file_number(text)
            parsed = None if value is None else entry(value=value, credit=fraction)
        if parsed is None:
            raise NeedsFix("numerical", f"数值题的答案“{text}”不是数字。"
                                        "请写成 数值、数值:误差 或 下限..上限。")
        shown = entry_text({**parsed, "credit": 1})
        feedback.append((shown, said))
        if fraction <= 0:
            warnings.append(f"得 {percent(fraction)} 的答案“{shown}”未作为正确答案导入(只保留其反馈)。")
            continue
        if swapped:
            warnings.append(f"范围“{text}”的上下限写反了,已按 {shown} 导入。")
        accepted.append(parsed)
    if not any(a["credit"] == 1 for a in accepted):
        raise NeedsFix("numerical", "数值题没有得满分的答案:至少一个答案要得 100%。")
    extra = _feedback_lines(feedback)
    if wrong.strip():
        _ignored, said = _comment(wrong, fmt, warnings)
        if said:
            extra.append(f"答其他数值时:{said}")
    return accepted, extra


def _match(answertext: str, fmt: str, meta: dict, warnings: list[str]) -> tuple[list[str], list]:
    answers = _split(answertext, "=")
    pairs = []
    for answer in answers:
        if "->" not in answer:
            raise NeedsFix("match", "配对题的每一项都要写成 =左边 -> 右边。")
        left, right = answer.split("->", 1)
        pairs.append((_plain(left, fmt, warnings), _post(right).strip()))
    places = [right for _left, right in pairs]
    if sorted(places) != [str(n) for n in range(1, len(pairs) + 1)]:
        if meta.get("题型") == "排序题":
            raise NeedsFix("match", "排序题每一步的位置要写成数字 1…n(每个数字一次)。")
        raise Unsupported("match", "配对题本平台不支持(只有把每一项配到 1…n 的配对题可作为排序题导入)。")
    if meta.get("题型") != "排序题":
        warnings.append("按排序题导入:每一项配到的 1…n 是它在正确顺序中的位置。")
    order = sorted(range(len(pairs)), key=lambda i: int(pairs[i][1]))
    return [left for left, _p in pairs], order


def _name(text: str) -> tuple[str, str]:
    if not text.startswith("::"):
        return "", text
    rest = text[2:]
    end = rest.find("::")
    if end < 0:
        return "", rest  # Moodle: no name, the text goes on after "::"
    return _post(rest[:end]).strip(), rest[end + 2:].strip()


def _read(lines: list[str], meta: dict, item: PreviewItem) -> QuestionDef | None:
    """One question as Moodle's readquestion reads it; raises Unsupported / NeedsFix."""
    warnings = item.warnings
    text = _pre("\n".join(lines).strip())
    item.name, text = _name(text)
    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        raise Unsupported("description", "说明文字(没有答案部分 {…})不是题目,未导入。")
    if start < 0 or finish < 0 or finish < start:
        raise NeedsFix("unknown", "答案部分的大括号 { } 不配对(文字中的 { } 要写成 \\{ \\})。")
    answertext = text[start + 1:finish].strip()
    missing_word = not text.endswith("}")
    questiontext = text[:start] + (BLANK if missing_word else "") + text[finish + 1:]
    general = ""
    at = answertext.rfind("####")
    if at >= 0:
        general, answertext = answertext[at + 4:], answertext[:at].strip()
    fmt, stem = _with_format(questiontext)
    if FORMAT_PREFIX.match(questiontext.strip()) is None:
        fmt = "moodle"
    explanation = _plain(general, fmt, warnings)
    if fmt == "html":
        if UNSAFE.search(stem):
            warnings.append("题干 HTML 中不安全的部分(脚本、事件属性等)已去掉。")
        stem = HTML_MARK + sanitise_html(stem)
    elif fmt == "markdown":
        warnings.append("Markdown 格式的题干按纯文本显示。")
    options: list[str] = []
    extra: list[str] = []
    forced = meta.get("题型", "")
    if not answertext:
        raise Unsupported("essay", "问答题需要人工评分,本平台不支持。")
    if answertext.startswith("#"):
        item.file_type = "numerical"
        qtype, (answer, extra) = "numerical", _numerical(answertext[1:], fmt, warnings)
    elif "~" in answertext:
        item.file_type = "multichoice"
        qtype, options, answer, extra = _multichoice(answertext, fmt, warnings)
    elif "=" in answertext and "->" in answertext and forced != "填空题":
        item.file_type = "match"
        options, answer = _match(answertext, fmt, meta, warnings)
        qtype = "ordering"
    else:
        word, _, feedback = answertext.partition("#")
        if word.strip() in TRUE_FALSE:
            item.file_type = "truefalse"
            qtype, answer = "true_false", [TRUE_FALSE[word.strip()]]
            wrong, _, right = feedback.partition("#")
            extra = [f"{label}:{said}" for label, said in (("答错时", _plain(wrong, fmt, warnings)),
                                                           ("答对时", _plain(right, fmt, warnings))) if said]
        else:
            item.file_type = "shortanswer"
            qtype = "fill_blank"
            answer, extra = _shortanswer(answertext, fmt, warnings)
    if QUESTION_TYPES[qtype].has_blank and stem.count(BLANK) != 1:
        stem = QUESTION_TYPES[qtype].normalise_stem(stem)
        if stem.count(BLANK) == 0:
            stem += ("" if _CJK_END.search(stem) else " ") + BLANK
    if extra:
        explanation = "\n".join(part for part in [explanation, *extra] if part)
    difficulty_text = meta.get("难度", "") or "1"
    item.type = qtype
    question = QuestionDef(id="", type=qtype, stem=stem.strip(), options=options, answer=answer,
                           explanation=explanation, source=meta.get("出处", ""),
                           difficulty=DIFFICULTY_WORDS.get(difficulty_text, 1),
                           tags=split_list(meta.get("标签", "")))
    if difficulty_text not in DIFFICULTY_WORDS:
        item.question = question
        raise NeedsFix(item.file_type, f"难度“{difficulty_text}”应为 1、2、3 或 易、中、难。")
    return question


def _blocks(text: str):
    """(first line number, comment lines, other lines) per blank-line-separated block, as Moodle splits a file."""
    block, comments, first = [], [], None
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n") + [""], start=1):
        stripped = line.strip()
        if not stripped:
            if block:
                yield first, comments, block
            block, comments, first = [], [], None
        elif stripped.startswith("//"):
            comments.append(stripped[2:].strip())
        else:
            if first is None:
                first = number
            block.append(stripped)


def _category(path: str) -> str:
    parts = [p for p in _post(path).split("/") if p.strip() and p.strip() not in ("$course$", "$system$", "$module$",
                                                                                   "$cat1$", "top")]
    return parts[-1].strip() if parts else ""


def preview_gift(text: str) -> BankPreview:
    """Every question of a GIFT file as a preview item (not yet finished: see bankio.finish_preview)."""
    preview = BankPreview(format="gift", names_are_codes=False)
    category = ""
    count = 0
    for line, comments, lines in _blocks(text.lstrip("\ufeff")):
        if lines[0].startswith("$CATEGORY:"):
            category = _category(_pre("\n".join(lines))[10:].strip())
            preview.title = preview.title or category
            continue
        count += 1
        if count > MAX_QUESTIONS:
            preview.errors.append(RowError(line, f"一次最多导入 {MAX_QUESTIONS} 道题,请拆分后分批导入。"))
            break
        meta = _meta(comments)
        item = PreviewItem(line, file_type="gift")
        try:
            item.question = _read(lines, meta, item)
        except Unsupported as error:
            item.status, item.file_type, item.reasons = "unsupported", error.file_type, [error.reason]
        except NeedsFix as error:
            item.status, item.file_type, item.reasons = "fix", error.file_type, [error.reason]
        if item.question is not None:
            tags = item.question.tags
            for tag in [*split_list(meta.get("moodle_tags", "")), category]:
                if tag and tag not in tags:
                    tags.append(tag[:40])
        preview.items.append(item)
    if not preview.items and not preview.errors:
        preview.errors.append(RowError(1, "文件中没有题目。"))
    return preview


def parse_gift(text: str):
    """All-or-nothing view (older callers and tests): ParsedBank of the checked preview."""
    return finish_preview(preview_gift(text)).to_parsed()


# --- writing ----------------------------------------------------------------------------------------------

def _text(text: str) -> str:
    """A text written so that Moodle reads it back as it is (format tags at its start protected)."""
    out = escape(text)
    return "[moodle]" + out if FORMAT_PREFIX.match(str(text)) else out


def step_text(text: str) -> str:
    """An ordering step (the left side of a matching pair): ``->`` written as HTML so Moodle does not split there."""
    if "->" not in text:
        return _text(text)
    return "[html]" + escape(html.escape(text, quote=False))


def stem_text(stem: str) -> str:
    if stem.startswith(HTML_MARK):
        return HTML_MARK + escape(stem[len(HTML_MARK):])
    return _text(stem)


def export_gift(title: str, questions: list[QuestionDef]) -> str:
    lines = [f"// 题库: {title}", f"// 共 {len(questions)} 题。出处、难度、标签写在每题上方的注释中。", ""]
    for q in questions:
        meta = [f"出处: {q.source}", f"难度: {q.difficulty}", f"标签: {', '.join(q.tags)}"]
        kind = QUESTION_TYPES[q.type]
        answers = kind.gift_answers(q, step_text if kind.gift_matching else _text)
        if kind.gift_marks_type:
            meta.append(f"题型: {kind.label}")
        notes = []
        if kind.has_blank and any("->" in str(a) for a in q.answer):
            if len(q.answer) == 1:
                answers = [gift_weighted(_text(q.answer[0]), "100")]  # without "=": Moodle reads a short answer
            else:
                meta.append(f"题型: {kind.label}")
                notes.append("// 注意:答案含 -> 且不止一个,Moodle 会把本题读成配对题;本平台按填空题读回。")
        body = " ".join(answers) if kind.gift_inline else "\n" + "\n".join(answers) + "\n"
        if q.explanation:
            body += f"####{escape(q.explanation)}" + ("\n" if body.endswith("\n") else "")
        answer_block = "{" + body + "}"
        name = f"::{escape(q.id)}::" if q.id else ""
        before, _, after = q.stem.partition(BLANK)
        if q.stem.count(BLANK) == 1 and after.strip():  # the answer block stands where the blank is
            text = f"{name}{stem_text(before)}{answer_block}{escape(after)}"
        else:
            text = f"{name}{stem_text(q.stem)}{answer_block}"
        lines += [*notes, "// " + " | ".join(meta), text, ""]
    return "\n".join(lines)
