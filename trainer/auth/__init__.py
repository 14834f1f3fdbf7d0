"""Accounts: sign-in, passwords, tokens, throttling."""


def init_app(app) -> None:
    """Sign-in pages and account self-service (no menu entry: the header has them)."""
    from trainer.auth import views

    app.register_blueprint(views.bp)
