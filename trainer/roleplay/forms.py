from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


class OverrideForm(FlaskForm):
    score = IntegerField("改后得分(0–100)", validators=[InputRequired("请填写分数。"), NumberRange(0, 100, "请填写 0–100 的分数。")])
    passed = RadioField("是否通过", choices=[SelectChoice("yes", "通过"), SelectChoice("no", "不通过")], validators=[InputRequired("请选择是否通过。")])
    reason = TextAreaField("改分理由", validators=[DataRequired("请填写改分理由。"), Length(max=500, message="理由请不超过 500 字。")])
