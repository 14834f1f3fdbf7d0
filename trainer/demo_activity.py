"""Demo activity for the page walks (``tools/screenshots.py`` and ``tests/e2e/test_phone_layout.py``): on top of
``trainer setup --demo``, the things a page needs a row for, made through the real services — exam attempts (one
handed in, one open with ordering questions), a practice quiz, an answered role-play, a qualification with its
certificate, an assignment and a trainer's own question bank.

Needs the fake recognizer (``ASR_ENGINE=fake``): the role-play answer is scored from ``ASR_FAKE_TRANSCRIPT``.
Returns the ids and keys a page's URL needs (see :data:`DemoActivity`).
"""

import io
import math
import random
import struct
import threading
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.timeutil import local_year, utcnow

GOOD_ANSWER = "您好,请坐,请问您需要办理什么业务?"


@dataclass(frozen=True)
class DemoActivity:
    trainee: int  # trainee1's user id
    team: int  # 城东营业班
    module: str
    course: str
    scenario: str
    exam: str  # the counter exam: trainee1 has it open
    annual_exam: str  # handed in by trainee1
    path: str
    bank: str  # trainer1's own bank (城东供电所), holding a copy of a shipped ordering question
    question: int
    open_exam_attempt: int
    done_exam_attempt: int
    practice_attempt: int
    rp_session: int
    rp_attempt: int
    rp_turn: int
    grant: int
    code: str
    assignment: int
    classroom_session: int
    year: int


def _tone(seconds: float = 2.0, rate: int = 16000) -> bytes:
    """A mono 16-bit WAV of a 220 Hz tone: loud enough not to count as silence."""
    frames = b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * 220 * i / rate))) for i in range(int(seconds * rate)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def _answer_all(user, attempt, now, *, wrong_every: int = 4) -> None:
    """Answer every item, right except every ``wrong_every``-th (an empty answer)."""
    from trainer.quiz import services as quiz
    from trainer.quiz.marking import to_shown

    for index, item in enumerate(quiz.with_questions(attempt).items):
        if index % wrong_every == wrong_every - 1:
            continue
        right = item.answer[:1] if item.type == "fill_blank" else to_shown(item.type, item.answer, item.option_order)
        quiz.save_answer(user, attempt, item.question_id, right, now)


def load_demo_activity() -> DemoActivity:
    """Run after ``run_setup(demo=True)``; commits."""
    from trainer.assignments import services as assignments
    from trainer.assignments.models import LearningPath
    from trainer.certification import services as certification
    from trainer.courses import services as courses
    from trainer.quiz import editing
    from trainer.quiz import services as quiz
    from trainer.quiz.exams import get_exam
    from trainer.quiz.models import QuestionBank
    from trainer.records.models import ClassroomSession
    from trainer.roleplay import services as roleplay

    now = utcnow()
    people = {u.username: u for u in db.session.scalars(select(User))}
    units = {u.name: u for u in db.session.scalars(select(Unit))}
    learner, trainer = people["trainee1"], people["trainer1"]
    rng = random.Random(16)

    module = courses.get_module("counter-service")
    practice, _ = quiz.start_practice(learner, module, now, rng)
    _answer_all(learner, practice, now)
    quiz.submit(practice, now)

    annual = get_exam("ethics-law-annual-exam", learner)
    done, _ = quiz.start_exam(learner, annual, now, rng)
    _answer_all(learner, done, now)
    quiz.submit(done, now)
    counter_exam = get_exam("counter-service-exam", learner)
    open_attempt, _ = quiz.start_exam(learner, counter_exam, now, rng)  # holds ordering questions

    current_app.config["ASR_FAKE_TRANSCRIPT"] = GOOD_ANSWER
    scenario = roleplay.get_scenario("counter-greeting")
    session = roleplay.start_session(learner, scenario, now=now)
    db.session.commit()
    turn = roleplay.get_turn(scenario, 1)
    attempt = roleplay.receive_upload(learner, session, turn, _tone(), now=now)
    db.session.commit()
    attempt = roleplay.dispatch(attempt, now=now)

    qualification = certification.get_qualification("counter-service-clerk")
    requirements = certification.requirements(qualification)
    for key in requirements.modules:
        certification.record_evidence(learner, "module", key, None, now)
    for key in requirements.scenarios:
        certification.record_evidence(learner, "scenario", key, 92, now)
    certification.record_evidence(learner, "exam", requirements.exam, 88, now)
    grant = certification.evaluate(learner, "exam", requirements.exam, now)[0]

    assignment = assignments.create_assignment(trainer, item_kind="module", item_key="reception-conversation",
                                               due_days=14, units=[units["城东供电所"]], now=now)
    own = editing.create_bank(trainer, "城东供电所自编题库")
    shipped = db.session.scalar(select(QuestionBank).where(QuestionBank.key == "counter-service"))
    ordering = next(q for q in shipped.questions if q.type == "ordering")
    question = editing.add_question(trainer, own, {**editing.form_values(shipped, ordering), "编号": ""})
    path = db.session.scalar(select(LearningPath.key).order_by(LearningPath.key).limit(1))
    classroom = db.session.scalar(select(ClassroomSession.id).order_by(ClassroomSession.id).limit(1))
    db.session.commit()
    return DemoActivity(
        trainee=learner.id, team=units["城东营业班"].id, module=module.key, course=module.course.key,
        scenario=scenario.key, exam=counter_exam.key, annual_exam=annual.key, path=path, bank=own.key, question=question.id,
        open_exam_attempt=open_attempt.id, done_exam_attempt=done.id, practice_attempt=practice.id,
        rp_session=session.id, rp_attempt=attempt.id, rp_turn=turn.id, grant=grant.id, code=grant.code,
        assignment=assignment.id, classroom_session=classroom, year=local_year(now),
    )


@contextmanager
def serve(app) -> Iterator[str]:
    """``app`` on a free local port in a thread, for as long as the block runs; gives its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def build_demo_site(folder, password: str):
    """A fresh demo database in ``folder`` (SQLite, recordings beside it): ``trainer setup --demo`` plus
    :func:`load_demo_activity`. Returns (app, DemoActivity); every demo account has ``password``."""
    from pathlib import Path

    from trainer import create_app
    from trainer.demo import run_setup

    folder = Path(folder)
    app = create_app({
        "TESTING": True, "SECRET_KEY": "demo-pages", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite'}",
        "AUDIO_DIR": str(folder / "audio"), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "DEMO_PASSWORD": password,
        "ASR_ENGINE": "fake", "TTS_ENABLED": False,
    })
    with app.app_context():
        run_setup(demo=True)
        return app, load_demo_activity()
