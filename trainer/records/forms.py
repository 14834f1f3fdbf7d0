from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.content.model import CREDIT_CATEGORIES
from trainer.forms import choices
from trainer.hours.sources import MAX_ADJUSTMENT_MINUTES, MAX_SESSION_MINUTES


class AdjustmentForm(FlaskForm):
    year = IntegerField("年度", validators=[InputRequired("请填写年度。")])
    category = SelectField("类别", choices=choices(CREDIT_CATEGORIES.items()))
    minutes = IntegerField(
        "分钟(可为负数)",
        validators=[InputRequired("请填写分钟数。"),
                    NumberRange(-MAX_ADJUSTMENT_MINUTES, MAX_ADJUSTMENT_MINUTES, message="分钟数超出范围。")],
    )
    reason = TextAreaField("原因(必填,将记入审计日志)", validators=[DataRequired("请填写调整原因。"), Length(max=2000)])
    submit = SubmitField("保存调整")


class ClassroomForm(FlaskForm):
    unit_id = SelectField("组织单位", coerce=int, choices=[])
    held_on = DateField("培训日期", validators=[InputRequired("请选择培训日期。")])
    topic = StringField("培训主题", validators=[DataRequired("请填写培训主题。"), Length(max=200)])
    category = SelectField("学时类别", choices=choices(CREDIT_CATEGORIES.items()))
    minutes = IntegerField("时长(分钟,60 分钟计 1 学时)", validators=[
        InputRequired("请填写时长。"), NumberRange(1, MAX_SESSION_MINUTES, message=f"时长应为 1–{MAX_SESSION_MINUTES} 分钟。")])
    attendees = SelectMultipleField("参训人员", coerce=int, choices=[], widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput(), validate_choice=False)
    sheet = FileField("或上传签到表(.xlsx / .csv,含“工号”“用户名”或“姓名”列)",
                      validators=[Optional(), FileAllowed(["xlsx", "csv"], "签到表只支持 .xlsx 或 .csv 文件。")])
    note = TextAreaField("备注", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("保存并计入学时")
