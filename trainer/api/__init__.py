"""The JSON API under /api/v1."""


def init_app(app) -> None:
    """The /api/v1 blueprint. Last in ``trainer.FEATURES``: the other features add their operations to this
    blueprint in their own ``init_app``, and Flask refuses new routes on a blueprint once it is registered."""
    from trainer.api import views

    app.register_blueprint(views.bp)
