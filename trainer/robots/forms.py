from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from trainer.forms import choices
from trainer.robots.formats import KINDS


class RobotForm(FlaskForm):
    """Add a unit's robot, or change it: a blank address or secret keeps the stored one."""

    unit_id = SelectField("单位", coerce=int, choices=[])
    kind = SelectField("类型", choices=choices((k.key, k.label) for k in KINDS.values()))
    webhook_url = StringField("Webhook 地址", validators=[Optional(), Length(max=500, message="地址太长。")],
                              description="群设置 → 群机器人 → 复制 Webhook 地址。修改已有机器人时留空表示不变。")
    secret = PasswordField("加签密钥(仅钉钉,可选)", validators=[Optional(), Length(max=200, message="密钥太长。")],
                           description="钉钉机器人安全设置中“加签”的 SEC 开头的字符串。留空表示不变。")
    clear_secret = BooleanField("清除已保存的加签密钥")
    enabled = BooleanField("启用", default=True)
    submit = SubmitField("保存")


class ActionForm(FlaskForm):
    """The CSRF token of the 发送测试消息 and 删除 buttons."""

    submit = SubmitField("提交")
