"""The self-assessment's live figures and exports, timed on a throw-away SQLite database.

    .venv/bin/python benchmarks/assessment_sheets.py --teams 20 --people 30 --entries 20

Builds a 供电所 with ``--teams`` 班组 of ``--people`` staff each (``--entries`` hours-ledger rows per person,
an exam attempt and a passed role-play session for half of them), imports the repository's content, then
prints min and median seconds of: one team's live sheet (the four platform measures, what a team page
computes on every view), the 供电所's overview of all teams, and the Excel and PDF exports after every team
has submitted.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(label: str, func, repeat: int) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    print(f"{label:<44} min {min(times):.3f} s  median {statistics.median(times):.3f} s  ({repeat} runs)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="assessment-bench-") as name:
        run(args, Path(name))


def run(args, folder: Path) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from trainer import create_app
    from trainer.assessment import exports, reading, services
    from trainer.auth.models import User
    from trainer.content import load_content
    from trainer.extensions import db
    from trainer.importing import import_content
    from trainer.org.services import ensure_unit
    from trainer.pdf import find_font
    from trainer.quiz.models import Exam, QuizAttempt
    from trainer.records.models import HoursEntry
    from trainer.roleplay.models import RoleplaySession, Scenario

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}", "SECRET_KEY": "bench",
                      "AUDIO_DIR": str(folder / "audio"), "ASSESSMENT_DEADLINE": "12-31", "ASSESSMENT_REPORT_DUE": "12-31"})
    year = 2026
    now = datetime(2026, 11, 20, 2, 0)
    with app.app_context():
        upgrade(revision="heads")
        content, errors = load_content(ROOT)
        assert not errors, errors[:3]
        import_content(content)
        station = ensure_unit("基准供电所", "station", ensure_unit("基准公司", "company", None))
        reviewer = User(username="station", display_name="供电所", role="trainer", unit=station)
        db.session.add(reviewer)
        exam = db.session.scalar(select(Exam).where(Exam.key == "ethics-law-annual-exam"))
        scenario = db.session.scalar(select(Scenario).limit(1))
        teams, leaders = [], []
        for t in range(args.teams):
            team = ensure_unit(f"班组{t}", "team", station)
            leader = User(username=f"leader{t}", display_name=f"班长{t}", role="trainer", unit=team)
            db.session.add(leader)
            db.session.add_all(User(username=f"p{t}-{i}", display_name=f"员工{i}", role="trainee", unit=team,
                                    position="营业厅") for i in range(args.people - 1))
            teams.append(team)
            leaders.append(leader)
        db.session.flush()
        people = list(db.session.scalars(select(User).where(User.role == "trainee")))
        db.session.execute(insert(HoursEntry), [
            {"user_id": p.id, "year": year, "category": "ethics" if e % 2 else "law", "minutes": 60, "source": "adjustment",
             "title": "基准", "occurred_on": date(year, 3, 1), "reason": "基准"}
            for p in people for e in range(args.entries)])
        db.session.execute(insert(QuizAttempt), [
            {"user_id": p.id, "mode": "exam", "scope": f"exam:{exam.id}", "exam_id": exam.id, "number": 1,
             "status": "submitted", "submitted_at": datetime(year, 5, 1), "passed": True, "percent": 90.0}
            for p in people[::2]])
        db.session.execute(insert(RoleplaySession), [
            {"user_id": p.id, "scenario_id": scenario.id, "status": "finished", "passed": True,
             "passed_at": datetime(year, 6, 1)} for p in people[::2]])
        db.session.commit()
        print(f"{args.teams} teams × {args.people} people, {args.entries} ledger rows each")
        standard = reading.standard_row(year).definition
        _timed("one team's live sheet (4 platform measures)",
               lambda: reading.live_sheet(leaders[0], teams[0], year, standard, None, now), args.repeat)
        _timed("the 供电所's overview of all teams", lambda: reading.overview(reviewer, year, now), args.repeat)
        filled = {i.id: (str(i.points), "基准佐证") for i in standard.items if not i.platform}
        start = time.perf_counter()
        for team, leader in zip(teams, leaders, strict=True):
            services.submit(leader, team, year, filled, now)
        db.session.commit()
        print(f"{'submitting every team (save + measure + freeze)':<44} {time.perf_counter() - start:.3f} s in all")
        local = lambda moment: moment  # noqa: E731  (naive times print as they are; the layout is what is timed)
        _timed("results.xlsx", lambda: exports.results_xlsx(reading.results(reviewer, year, now), year, local), args.repeat)
        font = find_font(None)
        _timed("results.pdf", lambda: exports.results_pdf(reading.results(reviewer, year, now), year, font=font,
                                                          local=local, generated_at=now), max(1, args.repeat // 2))
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
