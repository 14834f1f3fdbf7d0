"""The teams' annual 100-point self-assessment (年度考核自查, ``001 篇1 第二则.四``).

The 供电所's standard is a content file (``courses/assessment/<id>.yaml``); each 班组's 班组长 fills it,
submits it to the 供电所 by the report date, and the 供电所 returns or accepts it. ``rules``, ``dates``
and ``sheet`` are the pure core (no Flask, no database, the clock passed in); ``services`` stores reports.
"""


def init_app(app) -> None:
    """Self-assessment pages and home panel. The menu entry is for staff: 班组长 fill their team's report,
    供电所 staff see all its teams."""
    from trainer.assessment import views, widgets  # noqa: F401  (widgets: register on import)
    from trainer.features import STAFF, NavEntry, add_nav

    app.register_blueprint(views.bp)
    add_nav(app, NavEntry("assessment.index", "年度考核", STAFF, order=150))
