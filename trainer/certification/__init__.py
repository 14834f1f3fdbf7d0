"""Qualifications: evidence from other features, grants, the matrix."""


def init_app(app) -> None:
    """Receivers first (evidence must not depend on a page module being loaded), then pages, API, home
    panels and menu entries."""
    from trainer.certification import receivers

    receivers.connect()
    from trainer.certification import api, services, views, widgets  # noqa: F401  (api, widgets: register on import)
    from trainer.features import STAFF, NavEntry, add_nav
    from trainer.roleplay.services import standing

    if services.scenarios_required not in standing.REQUIRED_BY:  # the role-play catalogue's 必修
        standing.REQUIRED_BY.append(services.scenarios_required)
    app.register_blueprint(views.bp)
    add_nav(app, NavEntry("certification.mine", "资格", order=60),
            NavEntry("certification.matrix", "资格矩阵", STAFF, order=140))
