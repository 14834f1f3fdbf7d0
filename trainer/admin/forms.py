from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from trainer.auth.forms import MIN_PASSWORD
from trainer.auth.models import ROLES
from trainer.forms import choices
from trainer.org.models import UNIT_KINDS


class UnitForm(FlaskForm):
    name = StringField("单位名称", validators=[DataRequired("请输入单位名称。"), Length(max=100)])
    kind = SelectField("类型", choices=choices(UNIT_KINDS.items()))
    parent_id = SelectField("上级单位", coerce=int, choices=[])
    submit = SubmitField("保存")


class UserForm(FlaskForm):
    username = StringField(
        "用户名", validators=[DataRequired("请输入用户名。"), Length(max=64),
                           Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、下划线、点和横线。")]
    )
    display_name = StringField("姓名", validators=[DataRequired("请输入姓名。"), Length(max=64)])
    employee_no = StringField("工号", validators=[Optional(), Length(max=32)])
    role = SelectField("角色", choices=choices(ROLES.items()))
    position = StringField("岗位", validators=[Optional(), Length(max=32)])
    unit_id = SelectField("单位", coerce=int, choices=[])
    active = BooleanField("启用", default=True)
    password = PasswordField(
        "初始密码", validators=[Optional(), Length(min=MIN_PASSWORD, max=128, message=f"密码至少 {MIN_PASSWORD} 位。")]
    )
    submit = SubmitField("保存")


class StaffImportForm(FlaskForm):
    """Step 1: upload a list; the page shows the diff and writes nothing."""

    file = FileField(
        "人员名单(.xlsx 或 .csv)",
        validators=[FileRequired("请选择文件。"), FileAllowed(["xlsx", "csv"], "只支持 .xlsx 或 .csv 文件。")],
    )
    disable_missing = BooleanField("停用名单中没有的人员(全量同步:只停用名单所涉单位及其下级单位中、有工号的账号)", default=False)
    submit = SubmitField("预览差异")


class StaffImportConfirmForm(FlaskForm):
    """Step 2: confirm the diff shown. ``token`` is the signed list from step 1, never the diff itself."""

    token = HiddenField(validators=[DataRequired("确认信息缺失,请重新上传。")])
    initial_password = PasswordField(
        "新账号的初始密码", validators=[Optional(), Length(min=MIN_PASSWORD, max=128, message=f"密码至少 {MIN_PASSWORD} 位。")]
    )
    submit = SubmitField("确认导入")
