"""Group robots (企业微信, 钉钉): notices announced in each unit's work group, configured by the admin."""


def init_app(app) -> None:
    """Receivers first (announcing must not depend on a page module being loaded), then the admin page,
    the command and the menu entry."""
    from trainer.robots import receivers

    receivers.connect()
    from trainer.features import NavEntry, add_commands, add_nav
    from trainer.robots import cli, views

    app.register_blueprint(views.bp)
    add_commands(app, cli.robots)
    add_nav(app, NavEntry("robots.index", "群机器人", ("admin",), order=220))
