"""Audit log: who changed what, kept forever. Services call :func:`record` inside their transaction."""

import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db
from trainer.timeutil import utcnow


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(120), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def record(actor, action: str, target: str = "", **details) -> AuditEvent:
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        target=target,
        details=json.dumps(details, ensure_ascii=False, default=str),
    )
    db.session.add(event)
    return event


# What each action means, for people: the audit page and its export show the label with the code (the code is
# what the filter and programs use). An action without a label shows its code.
ACTION_LABELS = {
    "unit.create": "新建单位", "unit.rename": "单位改名",
    "user.create": "新建账号", "user.update": "修改账号", "user.import": "批量导入人员",
    "user.sessions_end": "强制下线", "token.revoke": "吊销 API 令牌", "token.revoke_all": "吊销全部 API 令牌",
    "person.export": "导出个人数据", "person.delete": "删除个人数据",
    "hours.classroom": "登记集中培训", "hours.adjust": "调整学时",
    "assessment.start": "开始年度考评", "assessment.save": "保存考评", "assessment.submit": "提交考评",
    "assessment.return": "退回考评", "assessment.accept": "通过考评",
    "qualification.auto": "考试合格授予资格", "qualification.renewal": "重新考试续期资格",
    "qualification.manual": "手工授予资格", "qualification.revoke": "撤销资格",
    "bank.create": "新建题库", "bank.import": "导入题库",
    "question.add": "新增题目", "question.edit": "修改题目", "question.retire": "停用题目",
    "question.restore": "恢复题目", "exam.create": "新建考试", "exam.update": "修改考试",
    "roleplay.override": "改判演练结果", "roleplay.case": "处理演练申诉",
    "robot.save": "设置群机器人", "robot.delete": "删除群机器人",
    "path.create": "新建学习路径", "path.add_step": "路径增加步骤", "path.remove_step": "路径删除步骤",
    "assignment.create": "布置学习任务", "assignment.cancel": "取消学习任务", "assignment.remind": "发送任务提醒",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
