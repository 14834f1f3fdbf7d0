"""The home page and its panel registry."""


def init_app(app) -> None:
    """The home page; other features add panels to it with ``trainer.widgets.home_widget``."""
    from trainer.features import NavEntry, add_nav
    from trainer.home import views

    app.register_blueprint(views.bp)
    add_nav(app, NavEntry("home.index", "首页", order=10))
