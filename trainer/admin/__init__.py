"""Administration of people and units."""


def init_app(app) -> None:
    """People and units pages."""
    from trainer.admin import views
    from trainer.features import STAFF, NavEntry, add_nav

    app.register_blueprint(views.bp)
    add_nav(app, NavEntry("admin.users", "人员", STAFF, order=100),
            NavEntry("admin.units", "单位", ("admin",), order=200),
            NavEntry("admin.import_staff", "导入人员", ("admin",), order=210))
