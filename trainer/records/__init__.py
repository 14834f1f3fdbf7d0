"""The hours ledger: credits, active time, classroom sessions, reports."""


def init_app(app) -> None:
    """Receivers first (hours credit must not depend on a page module being loaded), then pages, API, home
    panels, ``trainer bench hours`` and menu entries."""
    from trainer.records import receivers

    receivers.connect()
    from trainer.features import STAFF, NavEntry, add_bench, add_nav, checkout_bench
    from trainer.records import api, views, widgets  # noqa: F401  (api, widgets: register on import)

    app.register_blueprint(views.bp)
    from trainer.courses.views import MODULE_PAGE_EXTRAS
    from trainer.records import reading_views

    app.register_blueprint(reading_views.bp)
    if reading_views.module_clock not in MODULE_PAGE_EXTRAS:  # one process may build many apps (tests)
        MODULE_PAGE_EXTRAS.append(reading_views.module_clock)
    add_bench(app, hours=checkout_bench("hours", "hours_report", "Time the annual hours report with time on task."))
    add_nav(app, NavEntry("records.my_hours", "学时", order=50),
            NavEntry("records.dashboard", "培训记录", STAFF, order=130))
