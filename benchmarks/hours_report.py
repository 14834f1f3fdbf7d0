"""``trainer bench hours`` (loaded from this checkout by :func:`trainer.features.checkout_bench`): the annual report for N staff with M ledger entries and D days of time on task each, timed.

Builds a throw-away database (a temporary SQLite file by default; with ``--database-url`` a fresh
PostgreSQL schema that is dropped afterwards, so pointing it at a real database is harmless), bulk-inserts
units, people and entries with Core executemany, then times :func:`trainer.records.report.hours_report`
(the function behind the page, the exports and the API) several times and prints min and median.
"""

import random
import secrets
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import click
from sqlalchemy import create_engine, insert, text

CATEGORIES = ["ethics", "law", "service", "business"]
CHUNK = 20_000


def _insert_chunks(table, rows, conn) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(table), rows[start:start + CHUNK])


def _populate(staff: int, entries: int, year: int, seed: int, activity: int = 0) -> dict:
    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.org.models import Unit
    from trainer.records.models import ActivityDay, HoursEntry

    rng = random.Random(seed)
    stations, teams_per_station = 10, 5
    units = [{"id": 1, "name": "基准供电公司", "kind": "company", "parent_id": None, "path": "/1/"}]
    team_ids = []
    for s in range(stations):
        sid = 2 + s * (teams_per_station + 1)
        units.append({"id": sid, "name": f"第{s + 1}供电所", "kind": "station", "parent_id": 1, "path": f"/1/{sid}/"})
        for t in range(teams_per_station):
            tid = sid + 1 + t
            units.append({"id": tid, "name": f"第{s + 1}所第{t + 1}班", "kind": "team", "parent_id": sid, "path": f"/1/{sid}/{tid}/"})
            team_ids.append(tid)
    users = [{"id": 1, "username": "bench-admin", "display_name": "管理员", "role": "admin", "unit_id": 1, "active": True,
              "password_hash": "", "position": "", "must_change_password": False}]
    users.append({"id": 2, "username": "bench-trainer", "display_name": "培训师", "role": "trainer", "unit_id": 2,
                  "active": True, "password_hash": "", "position": "", "must_change_password": False})
    for n in range(staff):
        users.append({"id": 3 + n, "username": f"e{n:06d}", "display_name": f"员工{n}", "role": "trainee",
                      "unit_id": team_ids[n % len(team_ids)], "active": n % 50 != 0, "password_hash": "", "position": "",
                      "must_change_password": False})
    ledger = []
    for n in range(staff):
        for m in range(entries):
            entry_year = year if m % 10 else year - 1  # a tenth of the history is last year's
            ledger.append({
                "user_id": 3 + n, "year": entry_year, "category": CATEGORIES[rng.randrange(4)],
                "minutes": rng.choice((30, 60, 90)), "source": "module", "source_id": m, "source_key": f"m{m}",
                "dedupe_key": f"module:m{m}", "title": "基准单元", "occurred_on": date(entry_year, 6, 1), "reason": "",
            })
    # Time on task: per person, ``activity`` days of reading spread over the year (the report sums them).
    days = [{"user_id": 3 + n, "kind": "reading", "subject_key": f"m{d % max(entries, 1)}", "category": CATEGORIES[d % 4],
             "day": date(year, 1 + d % 12, 1 + d % 28), "year": year, "seconds": rng.randrange(60, 3600),
             "first_at": datetime(year, 1 + d % 12, 1 + d % 28), "last_at": datetime(year, 1 + d % 12, 1 + d % 28)}
            for n in range(staff) for d in range(activity)]
    started = time.perf_counter()
    with db.engine.begin() as conn:
        _insert_chunks(Unit.__table__, units, conn)
        _insert_chunks(User.__table__, users, conn)
        _insert_chunks(HoursEntry.__table__, ledger, conn)
        _insert_chunks(ActivityDay.__table__, days, conn)
        conn.execute(text("ANALYZE"))
    return {"insert_seconds": time.perf_counter() - started, "entries": len(ledger), "activity_days": len(days)}


def _time(label: str, func, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = func()
        times.append(time.perf_counter() - started)
    click.echo(f"  {label}: {len(rows)} rows; min {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms "
               f"over {runs} runs")
    return times


@click.command()
@click.option("--staff", default=10_000, show_default=True, help="People in the report.")
@click.option("--entries", default=50, show_default=True, help="Ledger entries per person.")
@click.option("--activity", default=20, show_default=True, help="Days of recorded time on task per person (activity_day rows).")
@click.option("--runs", default=5, show_default=True, help="Timed runs of the report.")
@click.option("--database-url", default=None, help="PostgreSQL URL (a temporary schema is made and dropped); default SQLite temp file.")
@click.option("--seed", default=1, show_default=True)
def command(staff, entries, activity, runs, database_url, seed):
    """Time the annual hours report with time on task (target: under 1 s for 10,000 staff × 50 entries × 20 days)."""
    from flask_migrate import upgrade

    from trainer import create_app
    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.org.models import Unit
    from trainer.records.report import hours_report
    from trainer.timeutil import local_year, utcnow

    workdir = tempfile.TemporaryDirectory(prefix="bench-hours-")
    schema = None
    options: dict = {}
    if database_url:
        schema = f"bench_hours_{secrets.token_hex(4)}"
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        url = database_url
    else:
        url = f"sqlite:///{Path(workdir.name) / 'bench.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options, "SECRET_KEY": "bench",
                      "AUDIO_DIR": workdir.name, "TESTING": True})
    year = local_year(utcnow())
    try:
        with app.app_context():
            upgrade(revision="heads")
            click.echo(f"Database: {db.engine.dialect.name} ({db.engine.url.render_as_string(hide_password=True)}"
                       + (f", schema {schema})" if schema else ")"))
            loaded = _populate(staff, entries, year, seed, activity)
            click.echo(f"Loaded {staff} staff, {loaded['entries']} ledger entries, {loaded['activity_days']} activity days "
                       f"in {loaded['insert_seconds']:.1f} s")
            admin_user = db.session.get(User, 1)
            trainer_user = db.session.get(User, 2)
            click.echo(f"Annual report {year}:")
            all_times = _time("admin, all units", lambda: hours_report(admin_user, year), runs)
            _time("trainer of one 供电所", lambda: hours_report(trainer_user, year), runs)
            _time("admin, one 供电所 (?unit=)", lambda: hours_report(admin_user, year, db.session.get(Unit, 2)), runs)
            verdict = "OK" if min(all_times) < 1.0 else "SLOWER THAN TARGET"
            click.echo(f"Target < 1 s for the whole report: {verdict}")
            db.session.remove()
            db.engine.dispose()
    finally:
        if schema:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        workdir.cleanup()
