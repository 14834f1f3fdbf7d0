"""Plain dataclasses for parsed content. Importers turn these into database rows."""

from dataclasses import dataclass, field

from trainer.scoring import Rubric
from trainer.scoring.dialogue import Branch
from trainer.scoring.intents import Intent

CREDIT_CATEGORIES = {"ethics": "职业道德", "law": "法律法规", "service": "文明服务", "business": "业务技能"}
# Credits are written in quarter hours: a short module may then credit what it really offers (`trainer content hours`).
CREDIT_STEP_MINUTES = 15
SETTINGS = {"counter": "柜台", "phone": "电话", "field": "现场"}


@dataclass
class Credit:
    category: str
    minutes: int


@dataclass
class SectionDef:
    key: str
    title: str
    body: str


@dataclass
class ModuleDef:
    id: str
    title: str
    credit: Credit
    sources: list[str]
    quiz_bank: str | None
    quiz_count: int
    quiz_pass_percent: int
    scenarios: list[str]
    sections: list[SectionDef]
    path: str
    course_id: str = ""


@dataclass
class CourseDef:
    id: str
    title: str
    description: str
    audience: list[str]
    module_ids: list[str]
    path: str
    modules: list[ModuleDef] = field(default_factory=list)
    order: int = 100


@dataclass
class QuestionDef:
    id: str
    type: str
    stem: str
    options: list[str]
    answer: list
    explanation: str
    source: str
    difficulty: int
    tags: list[str]
    duplicate_of: list[str] = field(default_factory=list)  # ids of questions meant to test the same fact


@dataclass
class BankDef:
    id: str
    title: str
    questions: list[QuestionDef]
    path: str


@dataclass
class Variant:
    """Another wording of a customer's line, with its recording when there is one."""

    customer: str
    audio: str | None = None


@dataclass
class TurnDef:
    """A trainee turn: the customer's line, the rubric (standard ``phrases``, ``intents``, ``forbid``) and
    the ``examples`` that prove it ({"accept": [...], "reject": [...]})."""

    customer: str
    phrases: list[str]
    forbid: list[str]
    model_answer: str
    max_seconds: int
    tips: str
    audio: str | None = None
    intents: list[Intent] = field(default_factory=list)
    examples: dict[str, list[str]] = field(default_factory=dict)
    key: str = ""  # the turn's id within its scenario (``t<position>`` unless the file names it)
    variants: list[Variant] = field(default_factory=list)  # other wordings of the customer's line
    branches: list[Branch] = field(default_factory=list)
    end: bool = False  # closes the conversation (the last turn does so implicitly)
    default_next: str | None = None  # the following turn in the file, None for a closing turn

    @property
    def rubric(self) -> Rubric:
        return Rubric(phrases=self.phrases, intents=self.intents, forbid=self.forbid)


@dataclass
class ScenarioDef:
    id: str
    title: str
    setting: str
    situation: str
    roles: list[str]
    sources: list[str]
    credit: Credit
    turns: list[TurnDef]
    path: str
    mood: str = "平静"  # the customer's mood at the first turn
