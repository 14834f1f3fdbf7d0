"""Courses, modules and reading."""


def init_app(app) -> None:
    """Course pages, the catalogue API and ``trainer content …``."""
    from trainer.courses import api, clause_views, views  # noqa: F401  (api, clause_views: routes register on import)
    from trainer.courses.cli import content
    from trainer.features import NavEntry, add_commands, add_nav

    app.register_blueprint(views.bp)
    add_commands(app, content)
    add_nav(app, NavEntry("courses.catalogue", "课程", order=20))
