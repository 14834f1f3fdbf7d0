from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.assignments.models import ITEM_KINDS


class ChoiceField(SelectField):
    """A select whose "not a valid choice" message is in Chinese (the list changed since the page was loaded)."""

    def pre_validate(self, form):
        if self.data not in {str(c.value) if not isinstance(c, tuple) else str(c[0]) for c in self.choices or []}:
            raise ValidationError("所选内容已不可用,请刷新页面后重新选择。")


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes: easier than a multi-select on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, what: str = "单位或步骤", **kwargs):
        super().__init__(*args, **kwargs)
        self.what = what  # named in the message for a value that is not (or no longer) offered

    def pre_validate(self, form):
        allowed = {c.value if not isinstance(c, tuple) else c[0] for c in self.choices or []}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(f"所选{self.what}无效,请刷新页面后重新选择。")


def item_choices(items: dict[str, list[tuple[str, str]]], kinds=ITEM_KINDS) -> list[SelectChoice]:
    """``kind:key`` values grouped by kind (paths first: the usual thing to assign)."""
    return [
        SelectChoice(f"{kind}:{key}", title, optgroup=label)
        for kind, label in kinds.items()
        for key, title in items.get(kind, [])
    ]


class AssignmentForm(FlaskForm):
    item = ChoiceField("培训内容", choices=[], validators=[DataRequired("请选择培训内容。")])
    unit_ids = CheckboxesField("单位(含下级单位)", coerce=int, choices=[])
    positions = CheckboxesField("岗位(可选;与单位同时选择时只分配给这些单位中该岗位的人员)", choices=[], what="岗位")
    people_ids = CheckboxesField("人员(可选)", coerce=int, choices=[], what="人员")
    people = TextAreaField("或粘贴工号 / 用户名(可选,用逗号或换行分隔,适合从表格复制整列)",
                           validators=[Optional(), Length(max=5000)])
    due_date = DateField("截止日期", validators=[Optional()])
    due_days = IntegerField("或:每人在分配后几天内完成(适合新加入的人员)",
                            validators=[Optional(), NumberRange(min=1, max=366, message="天数应在 1 到 366 之间。")])
    note = TextAreaField("说明(可选)", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("分配")


class PathForm(FlaskForm):
    title = StringField("路径名称", validators=[DataRequired("请填写路径名称。"), Length(max=200)])
    description = TextAreaField("说明(可选)", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("创建")


class StepForm(FlaskForm):
    item = ChoiceField("内容", choices=[], validators=[DataRequired("请选择内容。")])
    after = CheckboxesField("需先完成的步骤", choices=[])
    submit = SubmitField("添加步骤")


class EmailForm(FlaskForm):
    address = StringField("接收提醒的邮箱(留空则只在平台内提醒)", validators=[Optional(), Length(max=200)])
    submit = SubmitField("保存")


def split_item(value: str) -> tuple[str, str]:
    kind, _, key = (value or "").partition(":")
    return kind, key
