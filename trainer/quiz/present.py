"""JSON shapes of attempts and results, shared by the API and the pages (the page reads the API).

Options and responses are always in the attempt's shown order; answers and explanations appear only
once the attempt is submitted (or, in a practice quiz, once that question was checked), and never for a
question in the viewer's running exam (``withheld``: services.exam_secrets): such an item says
``"withheld": true`` and carries no feedback and no points earned.
"""

from datetime import UTC, datetime

from trainer.content.questions import QUESTION_TYPE_LABELS
from trainer.quiz import marking
from trainer.quiz.models import QuizAttempt, QuizItem
from trainer.quiz.services import feedback, remaining_seconds


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def shown_options(item: QuizItem) -> list[str]:
    options = item.options
    return [options[i] for i in item.option_order] if item.option_order else options


def item_json(item: QuizItem, *, reveal: bool, withheld: bool = False) -> dict:
    """The question as drawn into the attempt (its frozen copy, never the bank's current text)."""
    data = {
        "question_id": item.question_id, "position": item.position, "type": item.type,
        "type_label": QUESTION_TYPE_LABELS.get(item.type, item.type), "stem": item.stem,
        "options": shown_options(item), "points": item.points,
        "response": marking.to_shown(item.type, item.response, item.option_order),
        "answered_at": iso(item.answered_at), "checked": item.checked, "marked": item.marked,
    }
    if withheld:
        data["withheld"] = True
    elif reveal or item.checked:
        data["feedback"] = feedback(item)
    return data


def attempt_json(attempt: QuizAttempt, now: datetime, withheld: set[int] = frozenset()) -> dict:
    submitted = attempt.status == "submitted"
    subject = ({"exam": {"key": attempt.exam.key, "title": attempt.exam.title}} if attempt.exam is not None
               else {"module": {"key": attempt.module.key, "title": attempt.module.title}})
    return {
        "id": attempt.id, "mode": attempt.mode, "status": attempt.status, "number": attempt.number,
        "title": attempt.title, **subject,
        "started_at": iso(attempt.started_at), "deadline_at": iso(attempt.deadline_at),
        "server_time": iso(now), "remaining_seconds": None if submitted else remaining_seconds(attempt, now),
        "pass_percent": attempt.pass_percent, "max_points": attempt.max_points,
        "answered": sum(1 for i in attempt.items if i.response), "total": len(attempt.items),
        "marked": sum(1 for i in attempt.items if i.marked),
        # A running exam's own items show nothing yet; only items that could show feedback are marked.
        "items": [item_json(i, reveal=submitted, withheld=i.question_id in withheld and (submitted or attempt.mode == "practice"))
                  for i in attempt.items],
        "result": result_summary(attempt) if submitted else None,
    }


def result_summary(attempt: QuizAttempt) -> dict:
    return {
        "percent": attempt.percent, "points": attempt.points, "max_points": attempt.max_points,
        "passed": attempt.passed, "pass_percent": attempt.pass_percent,
        "submitted_at": iso(attempt.submitted_at), "auto_submitted": attempt.auto_submitted,
    }


def result_json(attempt: QuizAttempt, withheld: set[int] = frozenset()) -> dict:
    def item(i: QuizItem) -> dict:
        if i.question_id in withheld:
            return item_json(i, reveal=True, withheld=True)
        return item_json(i, reveal=True) | {"earned": round((i.credit or 0) * i.points, 4)}

    return {
        "id": attempt.id, "title": attempt.title, "mode": attempt.mode, "status": attempt.status,
        **result_summary(attempt), "items": [item(i) for i in attempt.items],
    }
