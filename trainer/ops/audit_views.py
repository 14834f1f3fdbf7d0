"""The audit log page and its export, for admins (everything) and trainers (their units' entries)."""

from flask import Response, flash, render_template, request
from flask_login import current_user

from trainer import audit_log
from trainer.audit import action_label
from trainer.auth.policy import roles_required
from trainer.errors import TrainerError
from trainer.extensions import db
from trainer.ids import db_int
from trainer.ops.views import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters() -> audit_log.Filters:
    try:
        return audit_log.Filters.parse(request.args)
    except TrainerError as error:
        flash(error.message, "error")
        return audit_log.Filters()


@bp.route("/audit")
@roles_required("trainer", "admin")
def audit_page():
    filters = _filters()
    page = request.args.get("page", 1, type=db_int)
    rows, total, pages = audit_log.page_of(db.session, current_user, filters, page)
    return render_template("ops/audit.html", rows=rows, total=total, pages=pages, page=min(max(1, page), pages),
                           filters=filters, details=audit_log.details_text,
                           action_label=action_label)


@bp.route("/audit/export.<any(csv, xlsx):fmt>")
@roles_required("trainer", "admin")
def audit_export(fmt: str):
    rows = audit_log.export_rows(db.session, current_user, _filters())
    if fmt == "csv":
        return Response(audit_log.export_csv(rows), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'})
    return Response(audit_log.export_xlsx(rows), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="audit-log.xlsx"'})
