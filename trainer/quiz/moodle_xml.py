"""Question banks in Moodle XML, the format Moodle administrators move question banks with (moodle/moodle
``question/format/xml/format.php``: ``readquestions`` / ``writequestion``). Pure: no Flask, no database.

Parsed with defusedxml (no DTD, no entity expansion, no external references). Written with the standard library's
ElementTree in the layout Moodle's own export has (``<quiz>``, a ``category`` question, then one ``<question>``
per question with ``name``, ``questiontext``, ``generalfeedback``, ``idnumber``, the type's fields, ``answer``
elements with ``fraction`` and ``feedback``, and ``tags``).

Our fields in Moodle's:
- 编号 → ``<name>`` and ``<idnumber>`` (read back from ``idnumber``, else ``name``: a name that is not a valid
  编号 gets a generated one, bankio.code_for);
- 题干 → ``questiontext`` (``plain_text``; a stem kept as sanitised HTML, marked ``[html]``, as ``html``);
- 解析 → ``generalfeedback``; 出处, 难度 → the tags ``出处:…``, ``难度:…`` (Moodle has no such fields), 标签 → tags;
- the bank's title → the ``category`` (``$course$/top/<title>``); on import the first category's last part names
  the bank, and a later, different category tags the questions after it with its last part.

Types (``WRITERS`` by our type, ``READERS`` by Moodle's; a type not in ``READERS`` is 不支持 with a reason):
- 单选题 ↔ ``multichoice`` with ``<single>true</single>``, the right option 100, the others 0 (partial credit or
  several right answers in a single-answer question: 需修改; negative marks for wrong options: dropped, warned);
- 多选题 ↔ ``multichoice`` with ``<single>false</single>``, right options 100/k, wrong ones −100/(n−k) (our
  scoring; other weights are read with a warning that our rule applies, weights of the right ones must sum to 100);
- 判断题 ↔ ``truefalse``; 填空题 ↔ ``shortanswer`` (100% answers are the accepted ones; a 0% answer only keeps its
  feedback, with a warning; partial credit and ``*`` wildcards are 需修改; case-sensitive matching is warned);
- 排序题 ↔ ``ordering`` (core since Moodle 4.4; the answers in the right order, our option order in an XML comment
  Moodle ignores, so that the file reads back identical); a ``matching`` question whose
  right-hand sides are exactly 1…n is read as 排序题 too (that is how GIFT carries ours);
- 数值题 ↔ ``numerical`` (each accepted value with its ``tolerance`` and fraction as partial credit; a range as its
  middle ± half its width, the range itself in a comment; ``*`` answers give the feedback for any other number;
  units are not read: a warning says only the number is compared);
- other ``matching``, ``essay``, ``description``, ``multianswer`` (cloze), ``calculated…``,
  ``ddwtos``, ``gapselect`` and other plugins: 不支持, each with its reason.
Per-answer feedback is kept in the 解析 (``答“X”:…``), as the GIFT reader does. Options and feedback in HTML become
plain text; a question with images (``@@PLUGINFILE@@``) is 需修改 (the platform stores no files).
"""

import re
import xml.etree.ElementTree as ET

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from trainer.content.model import QuestionDef
from trainer.question_types import BLANK, QUESTION_TYPES
from trainer.question_types.numerical import entry, entry_text, file_number, number_text
from trainer.quiz.bankio import (
    DIFFICULTY_WORDS,
    MAX_QUESTIONS,
    BankPreview,
    PreviewItem,
    RowError,
    choice_key,
    percent,
)
from trainer.quiz.gift import html_to_text, sanitise_html
from trainer.quiz.question_text import HTML_MARK

SOURCE_TAG, DIFFICULTY_TAG = "出处:", "难度:"
ORDERING_GRADING = "LONGEST_ORDERED_SUBSET"
ORDER_NOTE = re.compile(r"trainer option order:((?: \d+)+)")
RANGE_NOTE = re.compile(r"trainer range: (\S+)\.\.(\S+)")
_SIMPLE_HTML = re.compile(r"(?is)</?(p|br|div|span)\s*/?>")  # markup a plain stem wrapped by Moodle's editor
_MARKUP = re.compile(r"<[A-Za-z/!]")
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
UNSUPPORTED = {
    "essay": "问答题需要人工评分,本平台不支持。",
    "description": "说明文字不是题目,未导入。",
    "calculated": "计算题(随机数值)本平台不支持。",
    "calculatedsimple": "简单计算题(随机数值)本平台不支持。",
    "calculatedmulti": "计算型选择题(随机数值)本平台不支持。",
    "multianswer": "完形填空(嵌入式答案,Cloze)本平台不支持,请拆成单独的题目。",
    "randomsamatch": "随机简答配对题本平台不支持。",
    "ddwtos": "拖放文字题本平台不支持。",
    "gapselect": "选择缺失词题本平台不支持。",
    "ddimageortext": "图片拖放题本平台不支持。",
    "ddmarker": "拖放标记题本平台不支持。",
}


class Skip(Exception):
    """A question that cannot be imported as it is: status ``unsupported`` or ``fix`` with a Chinese reason."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


# --- reading ----------------------------------------------------------------------------------------------

def _text(element, path: str = "text") -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _formatted(element) -> tuple[str, str]:
    """(format, text) of a ``<questiontext format=…><text>…</text>`` style element."""
    return (element.get("format", "moodle_auto_format") if element is not None else "", _text(element))


def _is_html(fmt: str, text: str) -> bool:
    """Moodle renders ``html`` as HTML, and markup in ``moodle_auto_format`` too; ``plain_text`` and ``markdown``
    text is shown as it is."""
    return fmt == "html" or (fmt in ("moodle_auto_format", "") and bool(_MARKUP.search(text)))


def _plain(element, warnings: list[str]) -> str:
    """An option, answer or feedback as plain text (HTML turned to text, with a warning when markup is lost)."""
    fmt, text = _formatted(element)
    if _is_html(fmt, text):
        if _MARKUP.search(_SIMPLE_HTML.sub("", text)) and "选项和反馈中的 HTML 已转为纯文本。" not in warnings:
            warnings.append("选项和反馈中的 HTML 已转为纯文本。")
        return html_to_text(text)
    return text


def _stem(question, warnings: list[str]) -> str:
    fmt, text = _formatted(question.find("questiontext"))
    if "@@PLUGINFILE@@" in text or question.find("questiontext/file") is not None:
        raise Skip("fix", "题干含图片或附件(@@PLUGINFILE@@),本平台不保存文件:请把图片内容写成文字后再导入。")
    if _is_html(fmt, text):
        if not _MARKUP.search(_SIMPLE_HTML.sub("", text)):
            return html_to_text(text)  # only paragraphs and line breaks: plain text reads the same
        return HTML_MARK + sanitise_html(text)
    if fmt == "markdown":
        warnings.append("Markdown 格式的题干按纯文本显示。")
    return text


def _fraction(answer) -> float:
    try:
        return float(answer.get("fraction", "0")) / 100
    except ValueError:
        return 0.0


def _answers(question, warnings: list[str]) -> list[tuple[str, float, str]]:
    """(text, fraction 0–1, feedback) of every ``<answer>``."""
    return [(_plain(a, warnings), _fraction(a), _plain(a.find("feedback"), warnings)) for a in question.findall("answer")]


def _feedback_lines(rows: list[tuple[str, float, str]]) -> list[str]:
    return [f"答“{text}”:{feedback}" for text, _fraction, feedback in rows if feedback]


def _read_choice(question, warnings: list[str]) -> tuple[str, list[str], list, list[str]]:
    rows = _answers(question, warnings)
    options = [text for text, _f, _fb in rows]
    if len(options) < 2:
        raise Skip("fix", "选择题至少要有两个选项。")
    try:
        qtype, right = choice_key(_text(question, "single").lower() in ("true", "1"), options,
                                  [f for _t, f, _fb in rows], warnings, ("(得 100% 的选项)", "(<single>false</single>)"))
    except ValueError as problem:
        raise Skip("fix", str(problem)) from problem
    return qtype, options, right, _feedback_lines(rows)


def _read_truefalse(question, warnings: list[str]) -> tuple[str, list[str], list, list[str]]:
    rows = _answers(question, warnings)
    right = [text.lower() for text, f, _fb in rows if f >= 0.999]
    if len(rows) != 2 or len(right) != 1 or right[0] not in ("true", "false"):
        raise Skip("fix", "判断题要有 true 和 false 两个答案,其中一个得 100%。")
    labels = {"true": "答“对”", "false": "答“错”"}
    lines = [f"{labels.get(text.lower(), text)}:{feedback}" for text, _f, feedback in rows if feedback]
    return "true_false", [], [right[0] == "true"], lines


def _read_shortanswer(question, warnings: list[str]) -> tuple[str, list[str], list, list[str]]:
    rows = _answers(question, warnings)
    accepted = []
    for text, fraction, _feedback in rows:
        if 0 < fraction < 0.999:
            raise Skip("fix", f"答案“{text}”只得部分分({percent(fraction)}):本平台填空题的答案只有全对,请去掉部分得分或删去该答案。")
        if fraction <= 0:
            warnings.append(f"得 {percent(fraction)} 的答案“{text}”未作为正确答案导入(只保留其反馈)。")
        elif "*" in text:
            raise Skip("fix", f"答案“{text}”中的 * 在 Moodle 中是通配符,本平台按原文比对;请写出完整答案。")
        else:
            accepted.append(text)
    if not accepted:
        raise Skip("fix", "简答题没有得满分的答案。")
    if _text(question, "usecase") == "1":
        warnings.append("Moodle 中本题区分大小写;本平台比对答案时不区分大小写。")
    return "fill_blank", [], accepted, _feedback_lines(rows)


def _written_order(question, steps: int) -> list[int] | None:
    """Our option order, from the comment :func:`_write_ordering` leaves (Moodle ignores comments)."""
    for node in question.iter(ET.Comment):
        match = ORDER_NOTE.fullmatch((node.text or "").strip())
        order = [int(n) for n in match.group(1).split()] if match else []
        if sorted(order) == list(range(steps)):
            return order
    return None


def _read_ordering(question, warnings: list[str]) -> tuple[str, list[str], list, list[str]]:
    answers = question.findall("answer")
    steps = [_plain(a, warnings) for a in sorted(answers, key=_fraction)]  # stable: the fraction is each step's place
    if _text(question, "selecttype") not in ("", "ALL", "0"):
        warnings.append("Moodle 中本题只显示部分项目;本平台显示全部项目。")
    if _text(question, "gradingtype") not in ("", ORDERING_GRADING):
        warnings.append("按本平台排序题规则计分:最长的顺序正确的子序列 L,得 (L−1)/(n−1)。")
    order = _written_order(question, len(steps))
    if order is None:
        return "ordering", steps, list(range(len(steps))), []
    options = [""] * len(steps)
    for place, index in enumerate(order):
        options[index] = steps[place]
    return "ordering", options, order, []


def _read_matching(question, warnings: list[str]) -> tuple[str, list[str], list, list[str]]:
    pairs = [(_plain(s, warnings), _text(s, "answer/text")) for s in question.findall("subquestion")]
    places = [right for _left, right in pairs]
    if sorted(places) != [str(n) for n in range(1, len(pairs) + 1)]:
        raise Skip("unsupported", "配对题本平台不支持(只有把每一项配到 1…n 的配对题可作为排序题导入)。")
    warnings.append("按排序题导入:每一项配到的 1…n 是它在正确顺序中的位置。")
    order = sorted(range(len(pairs)), key=lambda i: int(pairs[i][1]))
    return "ordering", [left for left, _p in pairs], order, []


def _range_note(answer) -> tuple[float, float] | None:
    """The range an answer was written from (:func:`_write_numerical` leaves it in a comment Moodle ignores)."""
    for node in answer.iter(ET.Comment):
        match = RANGE_NOTE.fullmatch((node.text or "").strip())
        if match:
            low, high = file_number(match.group(1)), file_number(match.group(2))
            if low is not None and high is not None:
                return low, high
    return None


def _read_numerical(question, warnings: list[str]) -> tuple[str, list[str], list, list[str]]:
    """Moodle's numerical: each ``<answer>`` a value with ``<tolerance>`` (nominal) and a fraction; ``*`` is the
    feedback for any other number. Units are not read (only the number is compared)."""
    accepted, lines = [], []
    for answer in question.findall("answer"):
        text, fraction = _text(answer, "text").strip(), _fraction(answer)
        feedback = _plain(answer.find("feedback"), warnings)
        if text == "*":
            lines += [f"答其他数值时:{feedback}"] if feedback else []
            continue
        value, tolerance = file_number(text), file_number(_text(answer, "tolerance") or "0")
        if value is None or tolerance is None:
            raise Skip("fix", f"数值题的答案“{text}”(误差“{_text(answer, 'tolerance')}”)不是数字。")
        written = _range_note(answer)
        if written and abs((written[0] + written[1]) / 2 - value) <= 1e-9 * max(1.0, abs(value)):
            parsed = entry(minimum=written[0], maximum=written[1], credit=fraction)
        else:
            parsed = entry(value=value, tolerance=tolerance, credit=fraction)
        shown = entry_text({**parsed, "credit": 1})
        lines += [f"答“{shown}”:{feedback}"] if feedback else []
        if fraction <= 0:
            warnings.append(f"得 {percent(fraction)} 的答案“{shown}”未作为正确答案导入(只保留其反馈)。")
        else:
            accepted.append(parsed)
    if not any(a["credit"] == 1 for a in accepted):
        raise Skip("fix", "数值题没有得满分(100%)的答案。")
    if question.find("units/unit") is not None:
        warnings.append("Moodle 中本题带单位;本平台只比较数值,学员只填数字。")
    return "numerical", [], accepted, lines


READERS = {  # Moodle question type → reader of its answers: (our type, options, answer, feedback lines)
    "multichoice": _read_choice,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "ordering": _read_ordering,
    "matching": _read_matching,
    "numerical": _read_numerical,
}


def _tags(question) -> tuple[str, str, list[str]]:
    """(出处, 难度 text, other tags) from ``<tags>``."""
    source, difficulty, tags = "", "", []
    for tag in question.findall("tags/tag"):
        text = _text(tag)
        if text.startswith(SOURCE_TAG):
            source = text[len(SOURCE_TAG):].strip()
        elif text.startswith(DIFFICULTY_TAG):
            difficulty = text[len(DIFFICULTY_TAG):].strip()
        elif text and text not in tags:
            tags.append(text)
    return source, difficulty, tags


def _read_question(question, item: PreviewItem, category: str) -> QuestionDef:
    kind = question.get("type", "")
    item.file_type = kind
    item.name = _text(question, "idnumber") or _text(question, "name/text")
    if kind not in READERS:
        raise Skip("unsupported", UNSUPPORTED.get(kind, f"Moodle 的“{kind}”题型本平台不支持。"))
    warnings = item.warnings
    stem = _stem(question, warnings)
    qtype, options, answer, lines = READERS[kind](question, warnings)
    item.type = qtype
    if QUESTION_TYPES[qtype].has_blank and stem.count(BLANK) != 1:
        stem = QUESTION_TYPES[qtype].normalise_stem(stem)
        if stem.count(BLANK) == 0:
            stem += BLANK
            warnings.append("题干中没有空,已在末尾加上 ____。")
    explanation = "\n".join(p for p in [_plain(question.find("generalfeedback"), warnings), *lines] if p)
    source, difficulty_text, tags = _tags(question)
    if category and category not in tags:  # questions of a second, third … category are tagged with it
        tags.append(category[:40])
    difficulty = DIFFICULTY_WORDS.get(difficulty_text or "1")
    question_def = QuestionDef(id="", type=qtype, stem=stem.strip(), options=options, answer=answer,
                               explanation=explanation, source=source, difficulty=difficulty or 1, tags=tags)
    if difficulty is None:
        item.question = question_def
        raise Skip("fix", f"难度“{difficulty_text}”应为 1、2、3 或 易、中、难。")
    return question_def


def _category(question) -> str:
    """The last part of a category path (``$course$/top/Bank``); Moodle writes a ``/`` inside a name as ``//``."""
    parts = [p.replace("//", "/").strip() for p in re.split(r"(?<!/)/(?!/)", _text(question, "category/text"))]
    parts = [p for p in parts if p and p not in ("$course$", "$system$", "$module$", "$cat1$", "top")]
    return parts[-1] if parts else ""


def preview_xml(data: bytes) -> BankPreview:
    """Every question of a Moodle XML file as a preview item (unfinished: see bankio.finish_preview); numbered
    by position (1 = the first question that is not a category)."""
    preview = BankPreview(format="xml", names_are_codes=False)
    try:
        parser = DefusedXMLParser(target=ET.TreeBuilder(insert_comments=True), forbid_dtd=True)
        parser.feed(data)
        root = parser.close()
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        preview.errors.append(RowError(1, f"无法读取该 XML 文件(应为 Moodle XML 格式的题库):{type(exc).__name__}。"))
        return preview
    if root.tag != "quiz":
        preview.errors.append(RowError(1, "这不是 Moodle XML 题库文件(最外层应为 <quiz>)。"))
        return preview
    category = ""
    for question in root.findall("question"):
        if question.get("type") == "category":
            category = _category(question)
            preview.title = preview.title or category
            category = "" if category == preview.title else category  # the first category names the bank
            continue
        if len(preview.items) >= MAX_QUESTIONS:
            preview.errors.append(RowError(len(preview.items) + 1, f"一次最多导入 {MAX_QUESTIONS} 道题,请拆分后分批导入。"))
            break
        item = PreviewItem(len(preview.items) + 1)
        try:
            item.question = _read_question(question, item, category)
        except Skip as skip:
            item.status, item.reasons = skip.status, [skip.reason]
        preview.items.append(item)
    if not preview.items and not preview.errors:
        preview.errors.append(RowError(1, "文件中没有题目。"))
    return preview


# --- writing ----------------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    return _ILLEGAL_XML.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def _add_text(parent, tag: str, text: str, fmt: str | None = None):
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = _clean(text)
    return element


def _add(parent, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def _moodle_fraction(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".") if value else "0"


def _add_answer(parent, text: str, fraction: float, fmt: str = "plain_text"):
    answer = ET.SubElement(parent, "answer", {"fraction": _moodle_fraction(fraction), "format": fmt})
    ET.SubElement(answer, "text").text = _clean(text)
    _add_text(answer, "feedback", "", "html")
    return answer


def _combined_feedback(element) -> None:
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _add_text(element, tag, "", "html")


def _write_choice(element, q: QuestionDef) -> str:
    single = q.type == "single"
    _add(element, "single", "true" if single else "false")
    _add(element, "shuffleanswers", "true")
    _add(element, "answernumbering", "ABCD")
    _add(element, "showstandardinstruction", "0")
    _combined_feedback(element)
    right, wrong = (100.0, 0.0) if single else (100 / len(q.answer), -100 / max(len(q.options) - len(q.answer), 1))
    for i, option in enumerate(q.options):
        _add_answer(element, option, right if i in q.answer else wrong)
    return "multichoice"


def _write_truefalse(element, q: QuestionDef) -> str:
    for word, value in (("true", True), ("false", False)):
        _add_answer(element, word, 100.0 if q.answer[0] is value else 0.0, "moodle_auto_format")
    return "truefalse"


def _write_shortanswer(element, q: QuestionDef) -> str:
    _add(element, "usecase", "0")
    for accepted in q.answer:
        _add_answer(element, str(accepted), 100.0, "moodle_auto_format")
    return "shortanswer"


def _write_ordering(element, q: QuestionDef) -> str:
    for tag, value in (("layouttype", "VERTICAL"), ("selecttype", "ALL"), ("selectcount", "0"),
                       ("gradingtype", ORDERING_GRADING), ("showgrading", "SHOW"), ("numberingstyle", "none")):
        _add(element, tag, value)
    _combined_feedback(element)
    for place, index in enumerate(q.answer, start=1):  # in the right order, as Moodle keeps them
        _add_answer(element, q.options[index], place * 100.0)  # and each step's place in its fraction
    element.append(ET.Comment(f" trainer option order: {' '.join(str(i) for i in q.answer)} "))
    return "ordering"


def _write_numerical(element, q: QuestionDef) -> str:
    """Moodle keeps a value and a tolerance: a range is written as its middle ± half its width, with the range
    itself in a comment Moodle ignores (so the file reads back exactly)."""
    for accepted in q.answer:
        credit = float(accepted.get("credit", 1)) * 100
        if "min" in accepted:
            low, high = float(accepted["min"]), float(accepted["max"])
            answer = _add_answer(element, number_text((low + high) / 2), credit, "moodle_auto_format")
            _add(answer, "tolerance", number_text((high - low) / 2))
            answer.append(ET.Comment(f" trainer range: {number_text(low)}..{number_text(high)} "))
        else:
            answer = _add_answer(element, number_text(accepted["value"]), credit, "moodle_auto_format")
            _add(answer, "tolerance", number_text(accepted.get("tolerance", 0)))
    for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1000000"), ("showunits", "3"), ("unitsleft", "0")):
        _add(element, tag, value)
    return "numerical"


WRITERS = {  # our type → writer of its Moodle fields (returns Moodle's type name)
    "single": _write_choice,
    "multiple": _write_choice,
    "true_false": _write_truefalse,
    "fill_blank": _write_shortanswer,
    "ordering": _write_ordering,
    "numerical": _write_numerical,
}


def export_xml(title: str, questions: list[QuestionDef]) -> bytes:
    """The bank as a Moodle XML file (UTF-8) that Moodle imports and :func:`preview_xml` reads back unchanged."""
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(" question: 0  "))
    category = ET.SubElement(quiz, "question", {"type": "category"})
    _add_text(category, "category", f"$course$/top/{title.replace('/', '//')}")
    _add_text(category, "info", f"从培训平台导出的题库“{title}”,共 {len(questions)} 题。", "moodle_auto_format")
    _add(category, "idnumber", "")
    for number, q in enumerate(questions, start=1):
        quiz.append(ET.Comment(f" question: {number}  "))
        element = ET.SubElement(quiz, "question")
        _add_text(element, "name", q.id or q.stem[:40])
        if q.stem.startswith(HTML_MARK):
            _add_text(element, "questiontext", q.stem[len(HTML_MARK):], "html")
        else:
            _add_text(element, "questiontext", q.stem, "plain_text")
        _add_text(element, "generalfeedback", q.explanation, "plain_text")
        _add(element, "defaultgrade", "1.0000000")
        _add(element, "penalty", "0.3333333")
        _add(element, "hidden", "0")
        _add(element, "idnumber", _clean(q.id))
        element.set("type", WRITERS[q.type](element, q))
        tags = ET.SubElement(element, "tags")
        for tag in [f"{SOURCE_TAG}{q.source}", f"{DIFFICULTY_TAG}{q.difficulty}", *q.tags]:
            _add_text(tags, "tag", tag)
    ET.indent(quiz, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8", xml_declaration=False) + b"\n"

