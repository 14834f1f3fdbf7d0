"""Home-page panels that features add without touching the home page's module or templates.

Here rather than in ``trainer.home`` so a feature registering a panel does not depend on the home feature
(which itself shows course progress): features import this module, the home page reads it.
Each entry is (roles, function(user) -> (template name, context dict) or None). Lower ``order`` shows first.
"""

HOME_WIDGETS: list[dict] = []


def home_widget(*roles: str, order: int = 50):
    """Register a home-page panel for ``roles``; the function returns (template, context) or None to hide it."""

    def decorator(func):
        HOME_WIDGETS.append({"roles": roles, "order": order, "func": func})
        HOME_WIDGETS.sort(key=lambda w: w["order"])
        return func

    return decorator


def panels_for(user) -> list[tuple[str, dict]]:
    """The panels ``user``'s role sees, in order, without those whose function returned None."""
    panels = []
    for widget in HOME_WIDGETS:
        if user.role in widget["roles"]:
            panel = widget["func"](user)
            if panel is not None:
                panels.append(panel)
    return panels
