"""Quizzes and exams: practice quizzes per module, timed exams from blueprints, question-bank
import/export (Excel, GIFT), item analysis, and spaced-repetition daily review."""


def init_app(app) -> None:
    """Module completion's receiver first (it must not depend on a page module being loaded), then quiz and
    exam pages and API, ``trainer quiz …``, ``trainer bench quiz`` and menu entries."""
    from trainer.quiz import completion, deferred

    deferred.mode(app)  # a misspelt TRAINER_QUIZ_GRADING stops the start-up, not the first exam submission
    completion.connect()
    import trainer.quiz.integration_api  # noqa: F401  (banks and exam results for other systems: register on import)
    from trainer.features import STAFF, NavEntry, add_bench, add_commands, add_nav, checkout_bench
    from trainer.quiz import api, editor, views  # noqa: F401  (api: its operations register on import; editor: bank pages)
    from trainer.quiz.bank_cli import bank
    from trainer.quiz.cli import quiz

    app.register_blueprint(views.bp)
    add_commands(app, quiz, bank)
    add_bench(app, quiz=checkout_bench("quiz", "quiz_load", "Exam day: start and submit bursts, autosave, deadline closing."))
    add_nav(app, NavEntry("quiz.exams", "考试", order=70), NavEntry("quiz.daily_review", "每日复习", order=80),
            NavEntry("quiz.bank_list", "题库", STAFF, order=160))
