from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from trainer.content.exams import DrawRule
from trainer.content.questions import QUESTION_TYPE_LABELS
from trainer.forms import choices
from trainer.question_types import LETTERS
from trainer.quiz.exams import ExamInput

RULE_ROWS = 6
DIFFICULTY_CHOICES = [("", "不限"), ("1", "易"), ("2", "中"), ("3", "难"), ("1,2", "易和中"), ("2,3", "中和难")]


class BankImportForm(FlaskForm):
    file = FileField("题库文件", validators=[
        FileRequired("请选择文件。"),
        FileAllowed(["xlsx", "gift", "txt", "xml"], "只支持 .xlsx(Excel)、.gift / .txt(GIFT)或 .xml(Moodle XML)文件。"),
    ])
    target = SelectField("导入到", choices=[])
    title = StringField("新题库名称(导入到已有题库时可改名;不填则用文件中的类别名或文件名)",
                        validators=[Optional(), Length(max=200)])
    source = StringField("本批出处(可选:文件中没有写出处的题目都用它,如 000 §5.2.1)",
                         validators=[Optional(), Length(max=80, message="出处最多 80 个字符。")])
    submit = SubmitField("检查文件")


class BankImportConfirmForm(FlaskForm):
    """Step 2 of an import: the token of the file kept at the preview (trainer/quiz/pending_imports.py), never
    the questions themselves."""

    token = HiddenField(validators=[DataRequired("确认信息缺失,请重新上传文件。")])
    all_or_nothing = BooleanField("全部可导入时才导入(有任何一题需修改或不支持,就一题也不导入)")
    submit = SubmitField("导入")
    cancel = SubmitField("取消")


class NewBankForm(FlaskForm):
    title = StringField("题库名称", validators=[DataRequired("请填写题库名称。"), Length(max=200, message="题库名称最多 200 字。")])
    submit = SubmitField("新建题库")


class QuestionForm(FlaskForm):
    """One question as the editor shows it: the columns of an Excel row (trainer/quiz/editing.py reads it with
    the importer's row reader). The option fields ``option_a``… are added below, one per letter."""

    FIELDS = {"code": "编号", "type": "题型", "stem": "题干", "answer": "答案", "explanation": "解析", "source": "出处",
              "difficulty": "难度", "tags": "标签"}

    code = StringField("编号(可不填,自动编为 q001…;保存后不能修改)", validators=[Optional(), Length(max=40)])
    type = SelectField("题型", choices=choices(QUESTION_TYPE_LABELS.items()))
    stem = TextAreaField("题干", validators=[Length(max=4000, message="题干最多 4000 字。")])
    answer = StringField("答案", validators=[Length(max=500, message="答案最多 500 字。")])
    explanation = TextAreaField("解析(可选,学员作答后看到)", validators=[Optional(), Length(max=4000)])
    source = StringField("出处(依据的条款,如 000 §5.2.1)", validators=[Length(max=80, message="出处最多 80 个字符。")])
    difficulty = SelectField("难度", choices=choices([("1", "易"), ("2", "中"), ("3", "难")]))
    tags = StringField("标签(逗号分隔,可选)", validators=[Optional(), Length(max=200)])
    submit = SubmitField("保存")

    def option_fields(self) -> list:
        return [self[f"option_{letter.lower()}"] for letter in LETTERS]

    def to_values(self) -> dict[str, str]:
        """The form as an Excel row: column name → text."""
        values = {column: self[name].data or "" for name, column in self.FIELDS.items()}
        values.update({f"选项{letter}": field.data or "" for letter, field in zip(LETTERS, self.option_fields(), strict=True)})
        return values

    def load(self, values: dict[str, str], type_name: str) -> None:
        for name, column in self.FIELDS.items():
            self[name].data = values.get(column, "")
        self.type.data = type_name
        for letter, field in zip(LETTERS, self.option_fields(), strict=True):
            field.data = values.get(f"选项{letter}", "")


for _letter in LETTERS:
    setattr(QuestionForm, f"option_{_letter.lower()}",
            StringField(f"选项{_letter}", validators=[Optional(), Length(max=500, message="选项最多 500 字。")]))


class RuleForm(Form):
    """One draw rule; a row without a type is ignored, so the form can offer a few empty rows."""

    type = SelectField("题型", choices=choices([("", "(不使用)"), *QUESTION_TYPE_LABELS.items()]), validators=[Optional()])
    banks = SelectMultipleField("题库", choices=[], validators=[Optional()])
    count = IntegerField("题数", validators=[Optional(), NumberRange(min=1, max=200, message="题数为 1–200。")])
    points = FloatField("每题分值", default=1.0, validators=[Optional(), NumberRange(min=0.5, max=100, message="分值为 0.5–100。")])
    difficulty = SelectField("难度", choices=choices(DIFFICULTY_CHOICES), validators=[Optional()])
    tags = StringField("标签(任一,逗号分隔)", validators=[Optional(), Length(max=200)])


class ExamForm(FlaskForm):
    title = StringField("考试名称", validators=[DataRequired("请填写考试名称。"), Length(max=200)])
    description = TextAreaField("说明", validators=[Optional(), Length(max=2000)])
    duration_minutes = IntegerField("时长(分钟)", default=60, validators=[DataRequired("请填写时长。"), NumberRange(min=1, max=600, message="时长为 1–600 分钟。")])
    pass_percent = IntegerField("合格线(百分制)", default=80, validators=[DataRequired("请填写合格线。"), NumberRange(min=1, max=100, message="合格线为 1–100。")])
    max_attempts = IntegerField("允许考试次数(0 为不限)", default=3, validators=[Optional(), NumberRange(min=0, max=100)])
    shuffle_options = BooleanField("打乱选项顺序", default=True)
    retired = BooleanField("停用(学员不再看到这场考试)", default=False)
    rules = FieldList(FormField(RuleForm), min_entries=RULE_ROWS, max_entries=RULE_ROWS)
    submit = SubmitField("保存")

    def set_bank_choices(self, banks) -> None:
        options = choices((b.key, f"{b.title}({b.key})") for b in banks)
        for entry in self.rules:
            entry.form.banks.choices = options

    def to_input(self) -> ExamInput:
        rules = []
        for entry in self.rules:
            row = entry.form
            if not row.type.data:
                continue
            difficulty = [int(d) for d in (row.difficulty.data or "").split(",") if d]
            tags = [t.strip() for t in (row.tags.data or "").replace("\uff0c", ",").split(",") if t.strip()]
            rules.append(DrawRule(banks=list(row.banks.data or []), type=row.type.data, count=row.count.data or 0,
                                  points=float(row.points.data or 1), difficulty=difficulty, tags=tags))
        return ExamInput(
            title=self.title.data or "", description=self.description.data or "",
            duration_minutes=self.duration_minutes.data or 0, pass_percent=self.pass_percent.data or 0,
            max_attempts=self.max_attempts.data or 0, shuffle_options=bool(self.shuffle_options.data),
            rules=rules, retired=bool(self.retired.data),
        )

    def load(self, exam) -> None:
        """Fill the form from an exam (GET of the edit page)."""
        self.title.data, self.description.data = exam.title, exam.description
        self.duration_minutes.data, self.pass_percent.data = exam.duration_minutes, exam.pass_percent
        self.max_attempts.data, self.shuffle_options.data, self.retired.data = exam.max_attempts, exam.shuffle_options, exam.retired
        for entry, rule in zip(self.rules, exam.rules, strict=False):
            row = entry.form
            row.type.data, row.banks.data, row.count.data, row.points.data = rule.type, rule.banks, rule.count, rule.points
            row.difficulty.data = ",".join(str(d) for d in rule.difficulty)
            row.tags.data = ",".join(rule.tags)
