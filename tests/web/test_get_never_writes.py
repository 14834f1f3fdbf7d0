"""A GET never writes (trainer/unit_of_work.py), and no view or API function ends a transaction itself.

The walk requests every GET route of the route matrix, as every role, on data that used to make GET pages
write (an assignment its newest member has never opened, an exam past its time, a role-play answer waiting
for recognition whose last try is old), and compares a checksum of every table's rows before and after
each request. On SQLite by default; on PostgreSQL with TRAINER_TEST_DATABASE_URL.
"""

import ast
import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import Auth
from tests.roleplay_support import GOOD_ANSWER, answer
from tests.web.test_route_matrix import MATRIX, ROLES, _fixtures
from trainer.extensions import db
from trainer.timeutil import utcnow

TRAINER = Path(__file__).resolve().parents[2] / "trainer"


def _checksums() -> dict[str, str]:
    """sha256 of each table's rows in primary-key order."""
    sums = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        sums[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    db.session.rollback()  # the next snapshot reads afresh
    return sums


def _tempting_state(app, people, units, make_user, fixtures) -> dict:
    """What GET pages used to write for, and the URLs that show it."""
    from trainer.assignments import services as assignments
    from trainer.quiz.models import QuizAttempt
    from trainer.roleplay.models import RoleplaySession

    now = utcnow()
    assignment = assignments.create_assignment(people["admin"], item_kind="module", item_key="counter-basics",
                                               due_days=14, units=[units["east"]], now=now)
    make_user("trainee", units["east_team"], username="newcomer")  # in scope, never seen: no member row
    make_user("trainee", units["east_team"], username="new_hire", position="新员工")  # no onboarding yet
    db.session.get(QuizAttempt, fixtures["quiz_open_attempt"]).deadline_at = now - timedelta(hours=1)

    def broken(audio, prompt):
        raise RuntimeError("engine down")

    app.config["ASR_FAKE_TRANSCRIPT"] = broken
    session = db.session.get(RoleplaySession, fixtures["rp_session_trainee_east"])
    pending = answer(app, people["trainee_east"], session, 1, None)
    pending.tried_at = now - timedelta(hours=1)
    app.config["ASR_FAKE_TRANSCRIPT"] = GOOD_ANSWER  # a retry would now score it
    db.session.commit()
    return {"assignment": assignment.id, "pending": pending.id, "east": units["east"].id}


def _extra_urls(state, fixtures) -> list[str]:
    """Real rows behind routes the matrix reaches with made-up ids."""
    a = state["assignment"]
    return [
        f"/assignments/{a}", f"/assignments/{a}/export.xlsx", f"/my/assignments/{a}", f"/my/assignments/{a}/go",
        f"/api/v1/units/{state['east']}/assignments", f"/roleplay/review/{state['pending']}",
        f"/api/v1/roleplay/attempts/{state['pending']}", f"/api/v1/attempts/{fixtures['quiz_open_attempt']}/result",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_no_get_route_writes(app, client, people, units, content, make_user, role):
    fixtures = _fixtures(people, content)
    state = _tempting_state(app, people, units, make_user, fixtures)
    if role != "anonymous":
        Auth(client).login({"trainee": "trainee_east", "trainer": "trainer_east", "admin": "admin"}[role])
    urls = [spec[0](fixtures) for spec in MATRIX.values() if len(spec) == 2 or spec[2] == "GET"]
    urls += _extra_urls(state, fixtures)
    before = _checksums()
    changed, errors = [], []
    for url in urls:
        response = client.get(url)
        response.close()
        if response.status_code >= 500:
            errors.append(f"GET {url} as {role}: {response.status_code}")
        after = _checksums()
        if after != before:
            changed.append(f"GET {url} as {role} changed {sorted(t for t in after if after[t] != before[t])}")
            before = after
    assert len(urls) > 90
    assert changed == [] and errors == []


def test_a_write_during_a_get_is_refused(app, client, people):
    """The engine hook behind the walk above: under TESTING a GET that writes raises instead of passing."""
    from flask import Blueprint

    from trainer import unit_of_work
    from trainer.audit import record

    bp = Blueprint("probe", __name__)

    @bp.route("/probe-write", methods=["GET", "POST"])
    def probe():
        record(None, "probe.write")
        db.session.flush()
        return "ok"

    app.register_blueprint(bp)
    unit_of_work.init_app(app)
    with pytest.raises(unit_of_work.ReadOnlyRequest):
        client.get("/probe-write")
    assert client.post("/probe-write").status_code == 200  # a POST commits


def _view_modules() -> list[Path]:
    """Modules that register routes, API operations or home-page widgets."""
    found = []
    for path in sorted(TRAINER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    call = decorator.func if isinstance(decorator, ast.Call) else decorator
                    name = call.attr if isinstance(call, ast.Attribute) else getattr(call, "id", "")
                    if name in {"route", "operation", "home_widget"}:
                        found.append(path)
                        break
                else:
                    continue
                break
    return found


def test_no_view_or_api_module_ends_a_transaction():
    """Only trainer/unit_of_work.py (and the error handlers in trainer/web.py) end a request's transaction."""
    modules = _view_modules()
    assert len(modules) >= 20 and TRAINER / "quiz" / "api.py" in modules and TRAINER / "quiz" / "manage.py" in modules
    offenders = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in {"commit", "rollback"}:
                offenders.append(f"{path.relative_to(TRAINER.parent)}:{node.lineno} .{node.attr}")
    assert offenders == []


def test_every_view_runs_in_the_unit_of_work(app):
    assert all(getattr(view, "in_unit_of_work", False) for view in app.view_functions.values())
