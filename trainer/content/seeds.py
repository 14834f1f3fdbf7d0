"""Clause index of the source documents (the conduct codes under ``../shared/seeds``). Pure: no Flask.

The seeds are scraped web pages: every document numbers its clauses its own way (``5.2.1``,
``八、`` / ``(一)`` / ``6、``, ``三、`` / ``1.`` / ``a.``), clauses run into each other on one line,
headings are glued to the end of the previous sentence, page numbers sit inside sentences, and the
pages carry download notices. So each document gets a parser in ``PARSERS`` configured for its
numbering, and every parser accepts a number only when it *continues* the outline (the next sibling,
or the first child of the current clause): a stray "1、原创力文档…" or a page number can never start a
clause, and a scrape that drops a clause shows up as fewer clauses in the real-seed test.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

CN_NUMERALS = "一二三四五六七八九十"
CJK = "\u4e00-\u9fff"
EXCERPT_CHARS = 40

# Whole lines that are page furniture on the sites the seeds were scraped from.
FURNITURE = re.compile(
    r"原创力文档|book118|VIP|文档评论|上一篇|下一篇|版权申诉|本站|^\s*PAGE\d*\s*$|^\s*查看更多\s*$"
    r"|^\s*实名认证\s*$|^\s*文档贡献者\s*$|该用户很懒|\+ 关注\s*$|^\s*-?\s*目[录錄]\s*$",
    re.M,
)
PART_HEADING = re.compile(r"^.*\S\s+篇(\d+)\s*$", re.M)


class SeedError(ValueError):
    """A seed file is missing or does not have the structure its parser expects."""


@dataclass(frozen=True)
class Clause:
    id: str  # as cited after the document number: "5.2.1", "八.(一).6", "第二则.七.1", "三.1.b"
    title_excerpt: str

    @property
    def parent(self) -> str | None:
        return self.id.rsplit(".", 1)[0] if "." in self.id else None


def cn_to_int(text: str) -> int | None:
    """Chinese numerals 一…九十九 → int; None for anything else."""
    if not text or any(ch not in CN_NUMERALS for ch in text):
        return None
    digits = {ch: i for i, ch in enumerate(CN_NUMERALS[:9], start=1)}
    if "十" not in text:
        return digits[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def int_to_cn(number: int) -> str:
    digits = " " + CN_NUMERALS[:9]
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def excerpt(body: str, *, join_lines: bool = False, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of a clause, on one line."""
    text = body.strip()
    if join_lines:  # the scrape broke lines inside words ("职\n\n务"): rejoin CJK across the break
        text = re.sub(rf"(?<=[{CJK}\d×])[ \t]*\n\s*(?=[{CJK}])", "", text)
    text = re.sub(r"\s+", " ", text).strip(" :\uff1a")
    return text if len(text) <= limit else text[:limit] + "…"


def clip_part(text: str, part: int | None, file_name: str) -> str:
    """The text of ``篇<part>`` (up to the next ``篇N`` heading), or the whole text when part is None."""
    if part is None:
        return text
    headings = list(PART_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        if int(heading.group(1)) == part:
            end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
            return text[heading.end():end]
    raise SeedError(f"{file_name}: no '篇{part}' heading line")


def prepare(raw: str, part: int | None, noise: list[str], file_name: str) -> str:
    """The part to index, without furniture lines and without the document's own noise patterns."""
    text = clip_part(raw.replace("\r\n", "\n"), part, file_name)
    text = "\n".join(line for line in text.split("\n") if not FURNITURE.search(line))
    for pattern in noise:
        text = re.sub(pattern, "", text)
    return text


@dataclass(frozen=True)
class Level:
    """One level of an outline: where its marker appears, and how its number reads and is cited."""

    pattern: str  # regex (re.M) whose group 1 is the number
    value: Callable[[str], int | None]
    label: Callable[[int], str]


_CN = f"[{CN_NUMERALS}]+"
CHAPTER = Level(rf"^[ \t]*({_CN})、", cn_to_int, int_to_cn)
CHAPTER_INLINE = Level(rf"(?:^|(?<=\s))({_CN})、", cn_to_int, int_to_cn)  # 003: chapters run on in one line
PAREN_ITEM = Level(rf"^[ \t]*[(\uff08]({_CN})[)\uff09]", cn_to_int, lambda n: f"({int_to_cn(n)})")
NUMBER_DUN = Level(r"^[ \t]*(\d{1,2})、", int, str)
NUMBER_DOT = Level(r"^[ \t]*(\d{1,2})\.(?!\d)", int, str)
LETTER = Level(r"^[ \t]*([a-z])\.", lambda s: ord(s) - 96, lambda n: chr(96 + n))


@dataclass
class _Marker:
    start: int
    end: int
    kind: int | str  # level index, or "section"
    value: int


@dataclass
class OutlineParser:
    """Documents numbered ``一、`` / ``(一)`` / ``1、`` / ``a.``: a stack of open clauses per level."""

    doc: str
    title: str
    levels: list[Level]
    part: int | None = None
    sections: bool = False  # 001: "第二则", "第三则" restart the chapters; chapters of 第一则 are cited bare
    traditional: bool = False  # 002: excerpts are shown in Simplified characters
    join_lines: bool = False
    noise: list[str] = field(default_factory=list)  # regexes removed from the text (page numbers)
    limit: int = EXCERPT_CHARS  # characters kept of each clause (the clause page asks for whole clauses)

    def label(self, clause_id: str) -> str:
        return f"篇{self.part} {clause_id}" if self.part else clause_id

    def _markers(self, text: str) -> list[_Marker]:
        found = []
        for index, level in enumerate(self.levels):
            for match in re.finditer(level.pattern, text, re.M):
                value = level.value(match.group(1))
                if value:
                    found.append(_Marker(match.start(), match.end(), index, value))
        if self.sections:
            for match in re.finditer(rf"第({_CN})则[ \t]*$", text, re.M):
                found.append(_Marker(match.start(), match.end(), "section", cn_to_int(match.group(1)) or 0))
        return sorted(found, key=lambda m: m.start)

    def _accept(self, markers: list[_Marker]) -> list[tuple[str, _Marker]]:
        accepted: list[tuple[str, _Marker]] = []
        stack: list[tuple[int, int, str]] = []  # (level, value, id) of the open clauses
        section, prefix = 1, ""
        for marker in markers:
            if marker.kind == "section":
                if marker.value == section + 1:
                    section, prefix, stack = marker.value, f"第{int_to_cn(marker.value)}则", []
                    accepted.append((prefix, marker))
                continue
            level = marker.kind
            same = [i for i, entry in enumerate(stack) if entry[0] == level]
            if same:
                if marker.value != stack[same[0]][1] + 1:
                    continue
                del stack[same[0]:]
            else:
                if marker.value != 1 or (level > 0 and not stack):
                    continue  # a first child needs an open parent; a top level starts at 一
                while stack and stack[-1][0] > level:
                    stack.pop()
            parent_id = stack[-1][2] if stack else prefix
            own = self.levels[level].label(marker.value)
            clause_id = f"{parent_id}.{own}" if parent_id else own
            stack.append((level, marker.value, clause_id))
            accepted.append((clause_id, marker))
        return accepted

    def extract(self, raw: str, file_name: str = "") -> list[Clause]:
        text = prepare(raw, self.part, self.noise, file_name)
        accepted = self._accept(self._markers(text))
        clauses = []
        for index, (clause_id, marker) in enumerate(accepted):
            end = accepted[index + 1][1].start if index + 1 < len(accepted) else len(text)
            title = excerpt(text[marker.end:end], join_lines=self.join_lines, limit=self.limit)
            clauses.append(Clause(clause_id, _to_simplified(title) if self.traditional else title))
        return clauses


@dataclass
class DottedParser:
    """000: clauses numbered ``2.1`` / ``2.1.1``; the chapters (2 … 6) carry no number in the scrape,
    only a heading glued to the end of the previous clause ("…无关的事情。外在形象规范"), so
    a chapter clause is made for the first number of each ``N.1``."""

    doc: str
    title: str
    part: int | None = None
    noise: list[str] = field(default_factory=list)
    # The text before the first chapter's heading is itself a chapter whose number the scrape lost
    # (000: "适用范围", the scope, which content cites as §1).
    preamble: str | None = None
    limit: int = EXCERPT_CHARS

    MARKER = re.compile(rf"(?<![^\s!?。\uff01\uff1f;\uff1b,\uff0c])(\d{{1,2}}(?:\.\d{{1,2}}){{1,3}})(?=[\s(\uff08]|[{CJK}])")
    HEADING = re.compile(r"[。!?\uff01\uff1f]([^\s。!?\uff01\uff1f,\uff0c、:\uff1a;\uff1b“”\"()\uff08\uff09]{2,12})[ \t]*$", re.M)

    def label(self, clause_id: str) -> str:
        return f"§{clause_id}"

    @staticmethod
    def _continues(previous: tuple[int, ...] | None, number: tuple[int, ...]) -> bool:
        """Next sibling at some level (deeper levels restarting at 1), or a first child."""
        if previous is None:
            return all(n == 1 for n in number[1:])
        for depth in range(len(number)):
            if depth == len(previous) or number[depth] != previous[depth]:
                bumped = depth < len(previous) and number[depth] == previous[depth] + 1
                return (bumped or depth == len(previous)) and all(n == 1 for n in number[depth + 1:])
        return False

    def extract(self, raw: str, file_name: str = "") -> list[Clause]:
        text = prepare(raw, self.part, self.noise, file_name)
        accepted: list[tuple[tuple[int, ...], re.Match]] = []
        for match in self.MARKER.finditer(text):
            number = tuple(int(n) for n in match.group(1).split("."))
            if self._continues(accepted[-1][0] if accepted else None, number):
                accepted.append((number, match))
        bodies = [text[m.end():(accepted[i + 1][1].start() if i + 1 < len(accepted) else len(text))]
                  for i, (_n, m) in enumerate(accepted)]
        clauses: list[Clause] = []
        for index, (number, match) in enumerate(accepted):
            if index == 0 or number[0] != accepted[index - 1][0][0]:
                before = bodies[index - 1] if index else text[:match.start()]
                heading = list(self.HEADING.finditer(before))
                intro = before[heading[-1].end():] if heading else before.split("\n\n")[-1]
                name = heading[-1].group(1) if heading else ""
                if heading and index:  # the heading and intro are not part of the previous clause
                    clauses[-1] = Clause(clauses[-1].id, excerpt(before[:heading[-1].start() + 1], limit=self.limit))
                elif heading and self.preamble:
                    clauses.append(self._preamble(before[:heading[-1].start() + 1]))
                intro_text = excerpt(intro, limit=self.limit)
                title = f"{name}:{intro_text}" if name and intro_text else name or intro_text
                clauses.append(Clause(str(number[0]), excerpt(title, limit=self.limit)))
            clauses.append(Clause(".".join(map(str, number)), excerpt(bodies[index], limit=self.limit)))
        return clauses


    def _preamble(self, text: str) -> Clause:
        """Its heading ends the paragraph before its text ("…行为规范 适用范围" + "供电营业员工包括…")."""
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        if len(paragraphs) >= 2:
            return Clause(self.preamble, excerpt(f"{paragraphs[-2].split()[-1]}:{paragraphs[-1]}", limit=self.limit))
        return Clause(self.preamble, excerpt(text, limit=self.limit))


_PAGE_NUMBERS = [  # 000: page numbers dropped into sentences ("不染彩色指 3 甲", "意识,1 具有", "慢走!10 6.4")
    rf"(?<=[{CJK}]) \d{{1,2}} (?=[{CJK}])",
    rf"(?<=[,\uff0c])\d{{1,2}} (?=[{CJK}])",
    r"(?<=[!\uff01])\d{1,2}(?= )",
]

# 002: the site printed the pinyin of some characters after them: "業(yè)務", "態(tài)度".
_PINYIN = rf"(?<=[{CJK}])[(\uff08][a-z\u00c0-\u024f]{{1,6}}[)\uff09]"

PARSERS: dict[str, OutlineParser | DottedParser] = {
    "000": DottedParser("000", "供电营业员工文明服务行为规范(南方电网)", part=1, noise=_PAGE_NUMBERS, preamble="1"),
    "001": OutlineParser("001", "供电所文明规范服务标准实施细则", [CHAPTER, PAREN_ITEM, NUMBER_DUN],
                         part=1, sections=True, join_lines=True),
    "002": OutlineParser("002", "群众满意服务标准", [CHAPTER, NUMBER_DUN], traditional=True, noise=[_PINYIN]),
    "003": OutlineParser("003", "供电营业厅服务行为规范剖析(国网大连)", [CHAPTER_INLINE]),
    "004": OutlineParser("004", "用电客户受理员标准化操作规程", [CHAPTER, NUMBER_DOT, LETTER]),
}


def _to_simplified(text: str) -> str:
    import opencc  # imported late: only 002 needs it

    return opencc.OpenCC("t2s").convert(text)


def seed_file(seeds_dir: Path, doc: str) -> Path:
    matches = sorted(Path(seeds_dir).glob(f"{doc}_*.txt"))
    if not matches:
        raise SeedError(f"no seed file {doc}_*.txt in {seeds_dir}")
    return matches[0]


def extract_clauses(seeds_dir: Path | str, *, limit: int = EXCERPT_CHARS) -> dict[str, list[Clause]]:
    """Every numbered clause of the core documents, in document order, per document number; each clause's text
    cut at ``limit`` characters (the index keeps excerpts; the clause page asks for whole clauses)."""
    seeds_dir = Path(seeds_dir)
    if not seeds_dir.is_dir():
        raise SeedError(f"seeds folder {seeds_dir} does not exist")
    result = {}
    for doc, parser in PARSERS.items():
        path = seed_file(seeds_dir, doc)
        clauses = replace(parser, limit=limit).extract(path.read_text(encoding="utf-8"), path.name)
        if not clauses:
            raise SeedError(f"{path.name}: no numbered clauses found")
        result[doc] = clauses
    return result


def seeds_folder(configured: str | Path | None) -> Path:
    """The seed documents: ``SEEDS_DIR`` when configured, else ``<repo>/../shared/seeds``."""
    from trainer import REPO_ROOT

    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "seeds"


# The vendored index lets coverage run where ../shared/seeds is absent; `trainer content coverage
# --write-index` regenerates it, and a test checks it still matches the seeds.
INDEX_PATH = Path(__file__).with_name("clauses.json")


def index_data(clauses: dict[str, list[Clause]], seeds_dir: Path) -> dict:
    return {
        "note": "Generated by `trainer content coverage --write-index` from ../shared/seeds; do not edit.",
        "documents": {
            doc: {
                "file": seed_file(seeds_dir, doc).name,
                "title": PARSERS[doc].title,
                "clauses": [{"id": c.id, "title": c.title_excerpt} for c in items],
            }
            for doc, items in clauses.items()
        },
    }


def write_index(clauses: dict[str, list[Clause]], seeds_dir: Path, path: Path = INDEX_PATH) -> Path:
    """JSON with one clause per line, so a regenerated index reads well in a diff."""
    data = index_data(clauses, Path(seeds_dir))
    docs = []
    for doc, entry in data["documents"].items():
        rows = ",\n".join("    " + json.dumps(c, ensure_ascii=False) for c in entry["clauses"])
        head = {k: v for k, v in entry.items() if k != "clauses"}
        docs.append(f'  "{doc}": {json.dumps(head, ensure_ascii=False)[:-1]}, "clauses": [\n{rows}\n  ]}}')
    text = f'{{"note": {json.dumps(data["note"])},\n "documents": {{\n' + ",\n".join(docs) + "\n }}\n"
    Path(path).write_text(text, encoding="utf-8")
    return Path(path)


def load_index(path: Path = INDEX_PATH) -> dict[str, list[Clause]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {doc: [Clause(c["id"], c["title"]) for c in entry["clauses"]]
                for doc, entry in data["documents"].items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SeedError(f"clause index {path} is missing or unreadable: {exc}") from exc
