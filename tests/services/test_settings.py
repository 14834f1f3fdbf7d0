"""Settings are built once from the configuration (trainer/settings.py): frozen, checked at start-up."""

import dataclasses

import pytest

from trainer import create_app, settings
from trainer.errors import ValidationFailed
from trainer.org.services import hours_policy

BASE = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}


def test_services_see_the_settings_built_at_start_up_not_later_config_changes(app):
    before = hours_policy()
    app.config["HOURS_TARGET_MINUTES"] = before.target_minutes + 60
    assert hours_policy() is before  # frozen: nobody re-reads the configuration halfway
    settings.init_app(app)
    assert hours_policy().target_minutes == before.target_minutes + 60
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.current().expiring_days = 1


def test_a_wrong_setting_stops_the_app_at_start_up():
    with pytest.raises(ValidationFailed):
        create_app({**BASE, "ASSESSMENT_DEADLINE": "12-10", "ASSESSMENT_REPORT_DUE": "12-05"})
    with pytest.raises(ValueError):
        create_app({**BASE, "ACTIVE_TIME_SHARE": 2})
