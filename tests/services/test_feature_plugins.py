"""Features plug in through ``init_app`` (trainer/features.py): receivers work without the web layer, the menu
and commands come from the features' registrations."""

import subprocess
import sys
import textwrap

from trainer.features import nav_for

# A process that never imports a page module, trainer.web or the API: a bare Flask app with the database,
# the features' receivers, and a signal sent the way a cron command or worker would send it.
WITHOUT_WEB = textwrap.dedent("""
    import sys
    from datetime import datetime

    from flask import Flask
    from sqlalchemy import select

    from trainer import config, models, settings, signals  # noqa: F401  (models: every table)
    from trainer.assignments import receivers as assignment_receivers
    from trainer.assignments.models import AssignmentCompletion
    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.records import receivers as hours_receivers
    from trainer.records.models import HoursEntry
    from trainer.roleplay.models import Scenario

    app = Flask("no-web")
    app.config.from_mapping(config.DEFAULTS)
    app.config.update(SQLALCHEMY_DATABASE_URI="sqlite://", TESTING=True, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    db.init_app(app)
    settings.init_app(app)
    hours_receivers.connect()
    assignment_receivers.connect()
    with app.app_context():
        db.create_all()
        person = User(username="p", display_name="P", role="trainee")
        person.set_password("secret-pass-1")
        scenario = Scenario(key="s1", title="S", setting="counter", credit_category="service", credit_minutes=15)
        db.session.add_all([person, scenario])
        db.session.flush()
        signals.scenario_passed.send(person, scenario=scenario, score=90, attempt_id=1,
                                     passed_at=datetime(2026, 6, 1, 2, 0))
        credit = db.session.scalars(select(HoursEntry)).one()
        assert (credit.source, credit.source_key, credit.minutes) == ("scenario", "s1", 15), credit
        assert db.session.scalars(select(AssignmentCompletion)).one().key == "s1"
    ours = [m for m in sys.modules if m.startswith("trainer.")]
    web = sorted(m for m in ours if m == "trainer.web" or m.startswith("trainer.api")
                 or m.rsplit(".", 1)[-1].startswith("views") or m.endswith("_views") or m.endswith(".widgets"))
    assert web == [], web
    print("credited without the web layer")
""")


def test_hours_credit_and_assignment_progress_do_not_need_the_web_layer():
    result = subprocess.run([sys.executable, "-c", WITHOUT_WEB], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "credited without the web layer" in result.stdout


def test_menu_comes_from_the_features_in_order(app):
    trainee = [endpoint for endpoint, _ in nav_for(app, "trainee")]
    assert trainee == ["home.index", "courses.catalogue", "roleplay.catalogue", "assignments.mine",
                       "records.my_hours", "certification.mine", "quiz.exams", "quiz.daily_review"]
    admin = [endpoint for endpoint, _ in nav_for(app, "admin")]
    assert admin[-3:] == ["admin.units", "admin.import_staff", "robots.index"] and "ops.audit_page" in admin
    assert "admin.units" not in [endpoint for endpoint, _ in nav_for(app, "trainer")]


def test_a_second_app_registers_nothing_twice(app):
    from trainer import create_app

    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert len(other.extensions["trainer_nav"]) == len(app.extensions["trainer_nav"])
    assert sorted(other.cli.commands) == sorted(app.cli.commands)


def test_feature_commands_run_through_the_app_cli(runner, people):
    result = runner.invoke(args=["quiz", "close-expired"])
    assert result.exit_code == 0, result.output
    assert "Closed 0 expired attempt(s)" in result.output
    assert runner.invoke(args=["bench", "--help"]).output.count("\n  ") >= 4  # hours, quiz, rubric, speech


def test_bench_hours_runs_the_harness_from_the_checkout(runner):
    """The harness lives in benchmarks/ (not the installed package); the command is a stub that loads it."""
    result = runner.invoke(args=["bench", "hours", "--staff", "20", "--entries", "2", "--activity", "1", "--runs", "1"])
    assert result.exit_code == 0, result.output
    assert "Loaded 20 staff, 40 ledger entries, 20 activity days" in result.output
