"""Role-play practice: scenarios, recordings, review."""


def init_app(app) -> None:
    """Role-play pages and API, ``trainer score-audio``, ``trainer roleplay …``, the worker, speech benchmarks."""
    from trainer.features import STAFF, NavEntry, add_bench, add_commands, add_nav
    from trainer.roleplay import api, views  # noqa: F401  (api: its operations register on import)
    from trainer.roleplay.cli import bench_rubric, bench_speech, score_audio
    from trainer.roleplay.commands import roleplay, worker_command

    app.register_blueprint(views.bp)
    from trainer.courses.views import MODULE_PAGE_EXTRAS
    from trainer.roleplay.presentation import module_scenarios

    if module_scenarios not in MODULE_PAGE_EXTRAS:  # one process may build many apps (tests)
        MODULE_PAGE_EXTRAS.append(module_scenarios)
    add_commands(app, score_audio, roleplay, worker_command)
    add_bench(app, speech=bench_speech, rubric=bench_rubric)
    add_nav(app, NavEntry("roleplay.catalogue", "情景演练", order=30),
            NavEntry("roleplay.review", "演练评阅", STAFF, order=120),
            NavEntry("roleplay.cases_list", "评分分歧", STAFF, order=121),
            NavEntry("roleplay.try_scoring", "评分试用", STAFF, order=122))
