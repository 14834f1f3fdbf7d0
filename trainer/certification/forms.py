from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RenewForm(FlaskForm):
    note = TextAreaField("说明(可选)", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("授予 / 续期")


class RevokeForm(FlaskForm):
    reason = TextAreaField("撤销原因(必填)", validators=[DataRequired("请填写撤销原因。"), Length(max=2000)])
    submit = SubmitField("撤销")


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a public GET form: nothing to protect, and it must work without a session

    code = StringField("证书验证码", validators=[DataRequired("请输入验证码。"), Length(max=40)])
    submit = SubmitField("验证")
