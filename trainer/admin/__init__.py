"""Administration of people and units."""


def init_app(app) -> None:
    """People and units pages and their API."""
    from trainer.admin import api, views  # noqa: F401  (api: its operations register on import)
    from trainer.features import STAFF, NavEntry, add_nav

    app.register_blueprint(views.bp)
    add_nav(app, NavEntry("admin.users", "人员", STAFF, order=100),
            NavEntry("admin.units", "单位", ("admin",), order=200),
            NavEntry("admin.import_staff", "导入人员", ("admin",), order=210))
