"""Helpers for quiz tests: attempts and review cards made through the services, and right answers."""

import io
import random
import re
from datetime import timedelta

from sqlalchemy import select

from trainer.courses.services import get_module
from trainer.extensions import db
from trainer.quiz import services
from trainer.quiz.exams import get_exam
from trainer.quiz.marking import to_shown
from trainer.quiz.models import QuizItem, ReviewCard
from trainer.timeutil import utcnow


def right_response(item: QuizItem) -> list:
    """The correct answer to one item (its key as drawn), in the attempt's shown positions (as a client sends it)."""
    if item.type == "fill_blank":
        return item.answer[:1]
    return to_shown(item.type, item.answer, item.option_order)


def quiz_fixtures(people) -> dict:
    """For trainee_east: an open exam attempt, a submitted practice attempt, a due review card; for
    trainee_west: a submitted practice attempt (to check that other stations' trainers are refused).

    The practice quizzes come first: the exam holds every question of the test bank, and while it runs
    trainee_east could neither draw nor submit a practice quiz from that bank (services.exam_secrets)."""
    now = utcnow()
    east, west = people["trainee_east"], people["trainee_west"]
    done = {}
    for person in (east, west):
        attempt, _ = services.start_practice(person, get_module("counter-basics"), now, random.Random(2))
        services.submit(attempt, now)  # nothing answered: the missed questions become review cards
        done[person.username] = attempt.id
    open_attempt, _ = services.start_exam(east, get_exam("demo-exam", east), now, random.Random(1))
    card = db.session.scalar(select(ReviewCard).where(ReviewCard.user_id == east.id).limit(1))
    card.due_at = now - timedelta(minutes=1)
    db.session.commit()
    return {
        "quiz_open_attempt": open_attempt.id, "quiz_done_attempt": done[east.username],
        "quiz_done_attempt_west": done[west.username], "quiz_card": card.id,
    }


def import_through_page(client, data: bytes, filename: str, *, all_or_nothing: bool = False, **form):
    """题库 › 导入 as a trainer does it: upload (the preview), then confirm what it offers (only the 可导入 questions,
    or with ``all_or_nothing`` all or none). The preview's response when it offers no confirmation, else the
    confirmation's."""
    fields = {"target": "", "title": "", "source": ""} | form
    preview = client.post("/banks/import", data={**fields, "file": (io.BytesIO(data), filename)},
                          content_type="multipart/form-data")
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.get_data(as_text=True))
    if token is None:
        return preview
    return client.post("/banks/import/confirm", data={"token": token.group(1)} | ({"all_or_nothing": "y"} if all_or_nothing else {}))
