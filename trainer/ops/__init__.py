"""Operations: health, audit log, backup and restore, personal data."""


def init_app(app) -> None:
    """Health endpoint, audit log (page and API), and the operator's commands: setup, demo, backup, restore,
    person."""
    from trainer.demo import demo_command, setup_command
    from trainer.features import STAFF, NavEntry, add_commands, add_nav
    from trainer.ops import audit_api, views  # noqa: F401  (audit_api: its operations register on import)
    from trainer.ops.cli import backup_command, person, restore_command

    app.register_blueprint(views.bp)
    add_commands(app, setup_command, demo_command, backup_command, restore_command, person)
    add_nav(app, NavEntry("ops.audit_page", "审计日志", STAFF, order=170))
