"""Learning paths and assignments: onboarding, assigned training with due dates, reminders."""


def init_app(app) -> None:
    """Receivers first (completions and sign-ins feed assignment progress whether or not a page module is
    loaded), then pages, API, ``trainer assignments …`` and menu entries."""
    from trainer.assignments import receivers

    receivers.connect()
    from trainer.assignments import api, gates, views  # noqa: F401  (api: its operations register on import; gates: the path-order start gate)
    from trainer.assignments.cli import assignments
    from trainer.features import STAFF, NavEntry, add_commands, add_nav

    app.register_blueprint(views.bp)
    add_commands(app, assignments)
    add_nav(app, NavEntry("assignments.mine", "我的任务", order=40),
            NavEntry("assignments.index", "培训任务", STAFF, order=110))
