"""Qualifications: evidence from signals, automatic grants, status over time, renewal, revocation,
verification codes, and the certificate PDF read back."""

import shutil
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import CONTENT
from tests.services.test_hours_report import pdf_text
from trainer import signals
from trainer.audit import AuditEvent
from trainer.certification import services
from trainer.certification.models import QualificationEvidence, QualificationGrant
from trainer.certification.pdf import certificate_pdf
from trainer.content import load_content
from trainer.courses.services import get_module
from trainer.errors import Conflict, Forbidden, ValidationFailed
from trainer.extensions import db
from trainer.importing import import_content
from trainer.pdf import find_font
from trainer.roleplay.models import Scenario

T0 = datetime(2026, 3, 1, 2, 0)
QUALIFICATION = """id: demo-clerk
title: 测试柜台上岗资格
modules: [counter-basics, phone-basics]
exam: {key: demo-exam, pass_percent: 80}
scenarios: {min_score: 85, ids: [counter-greeting]}
validity_months: 12
"""


def import_with_qualification(tmp_path, text=QUALIFICATION):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    (root / "courses" / "qualifications").mkdir()
    (root / "courses" / "qualifications" / "demo-clerk.yaml").write_text(text, encoding="utf-8")
    loaded, errors = load_content(root)
    assert errors == []
    report = import_content(loaded)
    db.session.commit()
    return report


@pytest.fixture
def qual(app, tmp_path):
    report = import_with_qualification(tmp_path)
    assert report.created.get("qualifications") == 1
    return services.get_qualification("demo-clerk")


def complete_everything(person, at, exam_score=90, scenario_score=90):
    scenario = db.session.scalar(select(Scenario).where(Scenario.key == "counter-greeting"))
    signals.module_completed.send(person, module=get_module("counter-basics"), completed_at=at)
    signals.module_completed.send(person, module=get_module("phone-basics"), completed_at=at)
    signals.scenario_passed.send(person, scenario=scenario, score=scenario_score, attempt_id=1, passed_at=at)
    signals.exam_passed.send(person, exam_key="demo-exam", score=exam_score, attempt_id=1, passed_at=at)


def grants_of(person):
    return list(db.session.scalars(select(QualificationGrant).where(QualificationGrant.user_id == person.id)
                                   .order_by(QualificationGrant.id)))


def status(person, now):
    return services.person_cells(person, now)[0].status


def test_import_is_idempotent_and_retires(app, tmp_path, qual):
    assert import_with_qualification(tmp_path / "again").created.get("qualifications") is None
    shutil.rmtree(tmp_path / "again")
    (tmp_path / "again").mkdir()
    root = tmp_path / "again" / "content"
    shutil.copytree(CONTENT, root)
    loaded, _ = load_content(root)
    assert import_content(loaded).retired.get("qualifications") == 1


def test_status_moves_from_not_started_to_certified_automatically(people, content, qual):
    person = people["trainee_east"]
    assert status(person, T0) == "not_started"
    signals.module_completed.send(person, module=get_module("counter-basics"), completed_at=T0)
    assert status(person, T0) == "in_progress"
    complete_everything(person, T0)
    db.session.commit()
    [grant] = grants_of(person)
    assert (grant.kind, grant.granted_at, grant.expires_at, grant.granted_by_id) == ("auto", T0, datetime(2027, 3, 1, 2, 0), None)
    assert len(grant.code) == 12 and set(grant.code) <= set(services.CODE_ALPHABET)
    assert status(person, T0) == "certified"
    assert status(person, datetime(2027, 2, 10)) == "expiring"  # within 30 days
    assert status(person, datetime(2027, 3, 1, 2, 0)) == "expired"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "qualification.auto")) == 1


def test_scores_below_the_minimum_do_not_qualify_and_best_score_is_kept(people, content, qual):
    person = people["trainee_east"]
    complete_everything(person, T0, exam_score=90, scenario_score=84)  # scenario needs 85
    assert grants_of(person) == [] and status(person, T0) == "in_progress"
    scenario = db.session.scalar(select(Scenario).where(Scenario.key == "counter-greeting"))
    signals.scenario_passed.send(person, scenario=scenario, score=70, attempt_id=2, passed_at=T0)  # worse: ignored
    best = db.session.scalar(select(QualificationEvidence.best_score).where(QualificationEvidence.kind == "scenario"))
    assert best == 84
    signals.scenario_passed.send(person, scenario=scenario, score=88, attempt_id=3, passed_at=T0 + timedelta(days=1))
    assert [g.kind for g in grants_of(person)] == ["auto"]


def test_repeated_signals_grant_once(people, content, qual):
    person = people["trainee_east"]
    complete_everything(person, T0)
    complete_everything(person, T0 + timedelta(days=2))
    assert len(grants_of(person)) == 1


def test_expired_holder_is_renewed_by_passing_the_exam_again(people, content, qual):
    person = people["trainee_east"]
    complete_everything(person, T0)
    later = datetime(2027, 4, 1)
    signals.module_completed.send(person, module=get_module("counter-basics"), completed_at=later)
    assert len(grants_of(person)) == 1  # a module alone does not renew
    signals.exam_passed.send(person, exam_key="demo-exam", score=85, attempt_id=9, passed_at=later)
    first, second = grants_of(person)
    assert (second.kind, second.granted_at, second.expires_at) == ("renewal", later, datetime(2028, 4, 1))
    assert first.expires_at == datetime(2027, 3, 1, 2, 0)  # the old grant is kept as it was
    assert status(person, later) == "certified"


def test_trainer_renews_and_revokes_with_reason(people, content, qual):
    trainer, person = people["trainer_east"], people["trainee_east"]
    with pytest.raises(Conflict):  # never held, requirements unmet
        services.renew(trainer, person, qual, note="", now=T0)
    complete_everything(person, T0)
    with pytest.raises(Conflict):  # still certified for months
        services.renew(trainer, person, qual, note="", now=T0 + timedelta(days=30))
    soon = datetime(2027, 2, 15)
    grant = services.renew(trainer, person, qual, note="年度复核通过", now=soon)
    assert (grant.kind, grant.granted_by_id, grant.expires_at) == ("renewal", trainer.id, datetime(2028, 2, 15))
    with pytest.raises(ValidationFailed):
        services.revoke(trainer, grant, reason=" ", now=soon)
    with pytest.raises(Forbidden):
        services.revoke(people["trainer_west"], grant, reason="不是我的人", now=soon)
    services.revoke(trainer, grant, reason="发生服务投诉,经核实违反“十个不准”", now=soon)
    with pytest.raises(Conflict):
        services.revoke(trainer, grant, reason="再次", now=soon)
    db.session.commit()
    assert status(person, soon) == "revoked"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"qualification.renewal", "qualification.revoke"} <= actions
    # Revoked is final for automation: passing the exam again does not bring it back.
    signals.exam_passed.send(person, exam_key="demo-exam", score=99, attempt_id=10, passed_at=soon + timedelta(days=1))
    assert len(grants_of(person)) == 2 and status(person, soon + timedelta(days=1)) == "revoked"
    # …but a trainer may issue it again, as a new grant.
    services.renew(trainer, person, qual, note="整改合格", now=soon + timedelta(days=40))
    assert status(person, soon + timedelta(days=40)) == "certified" and len(grants_of(person)) == 3


def test_trainer_may_grant_when_requirements_are_met_but_not_to_themself(people, content, qual):
    person = people["trainee_east"]
    complete_everything(person, T0)
    db.session.delete(grants_of(person)[0])  # as if the qualification had been defined after the evidence
    db.session.flush()
    grant = services.renew(people["trainer_east"], person, qual, note="", now=T0)
    assert grant.kind == "manual"
    with pytest.raises(Forbidden):
        services.renew(people["trainer_east"], people["trainer_east"], qual, note="", now=T0)


def test_verification_shows_only_public_facts(people, content, qual):
    person = people["trainee_east"]
    complete_everything(person, T0)
    grant = grants_of(person)[0]
    code = services.format_code(grant.code)
    result = services.verify(code.lower().replace("-", " "), T0)
    assert (result.name, result.qualification, result.state, result.code) == (person.display_name, "测试柜台上岗资格", "valid", code)
    assert set(vars(result)) == {"name", "qualification", "granted_at", "expires_at", "state", "code"}
    assert services.verify(code, datetime(2027, 3, 2)).state == "expired"
    assert services.verify("ABCD-EFGH-JKLM", T0) is None and services.verify("x", T0) is None


def test_codes_are_random_and_unique(people, content, qual):
    codes = {services.new_code() for _ in range(2000)}
    assert len(codes) == 2000


def test_certificate_pdf_reads_back(app, people, content, qual):
    person = people["trainee_east"]
    complete_everything(person, T0)
    grant = grants_of(person)[0]
    from trainer.org.services import hours_policy

    body = certificate_pdf(name=person.display_name, qualification=qual.title, granted_at=grant.granted_at,
                           expires_at=grant.expires_at, code=grant.code, verify_url=f"http://localhost/verify/{grant.code}",
                           issuer="测试供电公司", font=find_font(app.config.get("PDF_FONT")), local=hours_policy().local)
    text = pdf_text(body)
    for expected in ["上岗资格证书", person.display_name, "测试柜台上岗资格", services.format_code(grant.code),
                     "2026年03月01日", "2027年03月01日", "测试供电公司", f"/verify/{grant.code}"]:
        assert expected in text, expected


def test_missing_font_is_a_clear_error():
    from trainer.pdf import PdfUnavailable

    with pytest.raises(PdfUnavailable) as error:
        find_font("/nonexistent/font.ttf")
    assert "中文字体" in error.value.message and "fonts-noto-cjk" in error.value.detail
