"""Evidence for qualifications from the cross-feature signals; each may complete a qualification.

Receivers run in the sender's transaction and are idempotent (evidence keeps the best score; a grant
is made only when none is held).
"""

from trainer import signals
from trainer.certification import services


def on_module_completed(user, module, completed_at, **_extra) -> None:
    services.record_evidence(user, "module", module.key, None, completed_at)
    services.evaluate(user, "module", module.key, completed_at)


def on_scenario_passed(user, scenario, score, passed_at, **_extra) -> None:
    services.record_evidence(user, "scenario", scenario.key, int(score), passed_at)
    services.evaluate(user, "scenario", scenario.key, passed_at)


def on_exam_passed(user, exam_key, score, passed_at, **_extra) -> None:
    services.record_evidence(user, "exam", exam_key, int(score), passed_at)
    services.evaluate(user, "exam", exam_key, passed_at)


def connect() -> None:
    signals.module_completed.connect(on_module_completed)
    signals.scenario_passed.connect(on_scenario_passed)
    signals.exam_passed.connect(on_exam_passed)
