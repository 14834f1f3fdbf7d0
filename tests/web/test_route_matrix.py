"""Every route × every role → the expected status. A new route fails this test until it is listed here,
so nobody adds a page without deciding who may see it."""

import pytest

from tests.conftest import Auth

ROLES = ["anonymous", "trainee", "trainer", "admin"]
LOGIN = 302  # anonymous users are sent to the login page
A = {"anonymous": 200, "trainee": 200, "trainer": 200, "admin": 200}   # everyone
L = {"anonymous": LOGIN, "trainee": 200, "trainer": 200, "admin": 200}  # any logged-in user
S = {"anonymous": LOGIN, "trainee": 403, "trainer": 200, "admin": 200}  # trainers and admins
ADM = {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 200}
API_L = {"anonymous": 401, "trainee": 200, "trainer": 200, "admin": 200}
API_S = {"anonymous": 401, "trainee": 403, "trainer": 200, "admin": 200}  # API for trainers and admins

# endpoint → (URL builder taking the fixtures, expected status per role, method)
MATRIX = {
    "home.index": (lambda f: "/", {"anonymous": 302, "trainee": 200, "trainer": 200, "admin": 200}),
    "auth.login": (lambda f: "/login", {"anonymous": 200, "trainee": 302, "trainer": 302, "admin": 302}),
    "auth.logout": (lambda f: "/logout", {r: 302 for r in ROLES}, "POST"),
    "auth.change_password": (lambda f: "/password", L),
    "courses.catalogue": (lambda f: "/courses", L),
    "courses.course": (lambda f: "/courses/demo-course", L),
    "courses.module": (lambda f: "/modules/counter-basics", L),
    "courses.clause": (lambda f: "/clauses?ref=000 §4.4.1", L),  # a cited clause in words (the 出处 links)
    "courses.mark_read": (lambda f: f"/modules/counter-basics/sections/{f['section']}/read",
                          {"anonymous": LOGIN, "trainee": 302, "trainer": 302, "admin": 302}, "POST"),
    # The reading clock's heartbeat: without the page's signed token it counts nothing (400).
    "reading.activity": (lambda f: "/modules/counter-basics/activity",
                         {"anonymous": LOGIN, "trainee": 400, "trainer": 400, "admin": 400}, "POST"),
    "roleplay.catalogue": (lambda f: "/roleplay", L),
    "roleplay.scenario": (lambda f: "/roleplay/counter-greeting", L),
    # --- role-play practice (fixtures: tests/roleplay_support.roleplay_fixtures) ---
    "roleplay.start": (lambda f: "/roleplay/counter-greeting/start",
                       {"anonymous": LOGIN, "trainee": 302, "trainer": 302, "admin": 302}, "POST"),
    # Only the owner answers in a session; trainers see its summary and the recordings.
    "roleplay.practice": (lambda f: f"/roleplay/sessions/{f['rp_session_trainee_east']}",
                          {"anonymous": LOGIN, "trainee": 200, "trainer": 403, "admin": 403}),
    "roleplay.summary": (lambda f: f"/roleplay/sessions/{f['rp_session_trainee_east']}/summary", L),
    "roleplay.history": (lambda f: "/roleplay/history", L),
    "roleplay.attempt_audio": (lambda f: f"/roleplay/attempts/{f['rp_attempt_trainee_east']}/audio", L),
    "roleplay.voice": (lambda f: f"/roleplay/voice/{f['rp_turn']}/customer",  # TTS off in the fixture: 404
                       {"anonymous": LOGIN, "trainee": 404, "trainer": 404, "admin": 404}),
    "roleplay.review": (lambda f: "/roleplay/review", S),
    "roleplay.review_attempt": (lambda f: f"/roleplay/review/{f['rp_attempt_trainee_east']}", S),
    "roleplay.override": (lambda f: f"/roleplay/review/{f['rp_attempt_trainee_east']}/override",  # empty form: flash
                          {"anonymous": LOGIN, "trainee": 403, "trainer": 302, "admin": 302}, "POST"),
    "roleplay.review_paths": (lambda f: "/roleplay/review/paths", S),
    "roleplay.review_missed": (lambda f: "/roleplay/review/missed", S),
    "roleplay.cases_list": (lambda f: "/roleplay/cases", S),
    "roleplay.case": (lambda f: f"/roleplay/cases/{f['rp_attempt_trainee_east']}", S),
    "roleplay.case_apply": (lambda f: f"/roleplay/cases/{f['rp_attempt_trainee_east']}/apply",  # no CSRF: flash
                            {"anonymous": LOGIN, "trainee": 403, "trainer": 302, "admin": 302}, "POST"),
    "roleplay.try_scoring": (lambda f: "/roleplay/try", S),
    "api.roleplay_score": (lambda f: "/api/v1/roleplay/score",  # cookie POST without CSRF header: 400
                           {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "POST"),
    "api.roleplay_attempt": (lambda f: f"/api/v1/roleplay/attempts/{f['rp_attempt_trainee_east']}", API_L),
    "api.roleplay_retry": (lambda f: f"/api/v1/roleplay/attempts/{f['rp_attempt_trainee_east']}/retry",
                           {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "POST"),
    "admin.units": (lambda f: "/admin/units", ADM),
    "admin.users": (lambda f: "/admin/users", S),
    "admin.person": (lambda f: f"/admin/users/{f['trainee_east']}", S),
    "admin.edit_user": (lambda f: "/admin/users/new", ADM),
    "admin.import_staff": (lambda f: "/admin/import-staff", ADM),
    # No signed preview in the body: a flash, back to the upload (tests/web/test_staff_import_diff.py confirms real ones).
    "admin.import_staff_confirm": (lambda f: "/admin/import-staff/confirm",
                                   {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 302}, "POST"),
    "admin.import_staff_template": (lambda f: "/admin/import-staff/template.xlsx", ADM),
    "api.create_token": (lambda f: "/api/v1/tokens", {r: 400 for r in ROLES}, "POST"),
    "api.me": (lambda f: "/api/v1/me", API_L),
    "api.openapi_document": (lambda f: "/api/v1/openapi.json", A),
    # --- integration API (issue 15): units, people, catalogue, banks, a unit's results (tests/web/test_integration_api.py) ---
    "api.list_units": (lambda f: "/api/v1/units", API_S),
    "api.get_unit": (lambda f: f"/api/v1/units/{f['east_team']}", API_S),
    "api.list_people": (lambda f: "/api/v1/people", API_S),
    "api.get_person": (lambda f: "/api/v1/people/NO-SUCH", {"anonymous": 401, "trainee": 403, "trainer": 404, "admin": 404}),
    # Cookie PUT/POST without the CSRF header: 400 (the bearer-token expectations are in TOKEN_EXPECT).
    "api.put_person": (lambda f: "/api/v1/people/E1", {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "PUT"),
    "api.import_people": (lambda f: "/api/v1/people/import", {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400},
                          "POST"),
    "api.list_courses": (lambda f: "/api/v1/courses", API_L),
    "api.list_scenarios": (lambda f: "/api/v1/scenarios", API_L),
    "api.list_banks": (lambda f: "/api/v1/banks", API_S),
    "api.export_bank_api": (lambda f: "/api/v1/banks/no-such-bank/export",
                            {"anonymous": 401, "trainee": 403, "trainer": 404, "admin": 404}),
    "api.import_bank_api": (lambda f: "/api/v1/banks/import", {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400},
                            "POST"),
    "api.unit_roleplay_results": (lambda f: f"/api/v1/units/{f['east_team']}/roleplay-results", API_S),
    "api.unit_exam_results": (lambda f: f"/api/v1/units/{f['east_team']}/exam-results", API_S),
    # --- sessions and API tokens (tests/web/test_sessions_tokens.py has the real revocations) ---
    "auth.tokens_page": (lambda f: "/account/tokens", L),
    "auth.revoke_token": (lambda f: "/account/tokens/999999/revoke",  # none such: a flash, back to the list
                          {"anonymous": LOGIN, "trainee": 302, "trainer": 302, "admin": 302}, "POST"),
    "auth.revoke_all_tokens": (lambda f: "/account/tokens/revoke-all",
                               {"anonymous": LOGIN, "trainee": 302, "trainer": 302, "admin": 302}, "POST"),
    "auth.revoke_user_tokens": (lambda f: f"/admin/users/{f['trainee_west']}/tokens/revoke",
                                {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 302}, "POST"),
    "api.list_tokens": (lambda f: "/api/v1/tokens", API_L),
    # --- audit log (tests/web/test_audit_log.py: who sees which entries) ---
    "ops.audit_page": (lambda f: "/audit", S),
    "ops.audit_export": (lambda f: "/audit/export.xlsx", S),
    "api.audit_events": (lambda f: "/api/v1/audit-events", {"anonymous": 401, "trainee": 403, "trainer": 200, "admin": 200}),
    "api.revoke_token": (lambda f: "/api/v1/tokens/999999",  # cookie DELETE without CSRF header: 400
                         {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "DELETE"),
    "api.revoke_user_tokens": (lambda f: "/api/v1/users/999999/tokens",
                               {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "DELETE"),
    # --- records (hours ledger) and certification ---
    "records.my_hours": (lambda f: "/hours", L),
    "records.my_transcript": (lambda f: "/hours/transcript.pdf", L),
    "records.dashboard": (lambda f: "/records", S),
    "records.export_report": (lambda f: "/records/report.csv", S),
    "records.person": (lambda f: f"/records/people/{f['trainee_east']}", S),
    "records.adjust": (lambda f: f"/records/people/{f['trainee_east']}/adjustments",
                       {"anonymous": LOGIN, "trainee": 403, "trainer": 302, "admin": 302}, "POST"),
    "records.transcript": (lambda f: f"/records/people/{f['trainee_east']}/transcript.pdf", S),
    "records.classroom_sessions": (lambda f: "/records/classroom", S),
    "records.new_classroom_session": (lambda f: "/records/classroom/new", S),
    "records.classroom_template": (lambda f: "/records/classroom/template.xlsx", S),
    "records.classroom_session": (lambda f: "/records/classroom/999999",
                                  {"anonymous": LOGIN, "trainee": 403, "trainer": 404, "admin": 404}),
    "certification.mine": (lambda f: "/qualifications", L),
    "certification.matrix": (lambda f: "/certification", S),
    "certification.person": (lambda f: f"/certification/people/{f['trainee_east']}", S),
    "certification.renew": (lambda f: f"/certification/people/{f['trainee_east']}/no-such-qualification/renew",
                            {"anonymous": LOGIN, "trainee": 403, "trainer": 302, "admin": 302}, "POST"),
    "certification.revoke": (lambda f: "/certification/grants/999999/revoke",
                             {"anonymous": LOGIN, "trainee": 403, "trainer": 404, "admin": 404}, "POST"),
    "certification.certificate": (lambda f: "/certificates/999999.pdf",
                                  {"anonymous": LOGIN, "trainee": 404, "trainer": 404, "admin": 404}),
    "certification.verify_form": (lambda f: "/verify", A),
    "certification.verify": (lambda f: "/verify/ABCD-EFGH-JKLM", {r: 404 for r in ROLES}),
    "api.my_hours_api": (lambda f: "/api/v1/hours", API_L),
    "api.hours_report_api": (lambda f: "/api/v1/reports/hours", {"anonymous": 401, "trainee": 403, "trainer": 200, "admin": 200}),
    # Cookie callers POSTing without a CSRF token get 400 before any role check (tests/web/test_records_api.py: 403 by token).
    "api.create_classroom_session": (lambda f: "/api/v1/classroom-sessions",
                                     {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "POST"),
    "api.qualification_status_api": (lambda f: "/api/v1/qualifications/status", API_L),
    # --- assignments and learning paths (999999: no such assignment; the real ones are in tests/web/test_assignments.py) ---
    "assignments.index": (lambda f: "/assignments", S),
    "assignments.new": (lambda f: "/assignments/new", S),
    "assignments.detail": (lambda f: "/assignments/999999", {"anonymous": LOGIN, "trainee": 403, "trainer": 404, "admin": 404}),
    "assignments.remind": (lambda f: "/assignments/999999/remind",
                           {"anonymous": LOGIN, "trainee": 403, "trainer": 404, "admin": 404}, "POST"),
    "assignments.cancel": (lambda f: "/assignments/999999/cancel",
                           {"anonymous": LOGIN, "trainee": 403, "trainer": 404, "admin": 404}, "POST"),
    "assignments.export": (lambda f: "/assignments/999999/export.xlsx",
                           {"anonymous": LOGIN, "trainee": 403, "trainer": 404, "admin": 404}),
    "assignments.mine": (lambda f: "/my/assignments", L),
    "assignments.my_detail": (lambda f: "/my/assignments/999999", {"anonymous": LOGIN, "trainee": 404, "trainer": 404, "admin": 404}),
    "assignments.go": (lambda f: "/my/assignments/999999/go", {"anonymous": LOGIN, "trainee": 404, "trainer": 404, "admin": 404}),
    "assignments.notice_read": (lambda f: "/notices/999999/read",
                                {"anonymous": LOGIN, "trainee": 404, "trainer": 404, "admin": 404}, "POST"),
    "assignments.email_settings": (lambda f: "/my/notices/email", L),
    "assignments.paths_index": (lambda f: "/paths", S),
    "assignments.path_new": (lambda f: "/paths/new", S),
    "assignments.path_detail": (lambda f: "/paths/new-hire-onboarding", S),
    # A path from a content file is edited in the file, never in the browser: 403 for everyone.
    "assignments.path_add_step": (lambda f: "/paths/new-hire-onboarding/steps",
                                  {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 403}, "POST"),
    "assignments.path_remove_step": (lambda f: "/paths/new-hire-onboarding/steps/999999/delete",
                                     {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 403}, "POST"),
    "api.my_assignments": (lambda f: "/api/v1/my/assignments", API_L),
    "api.unit_assignments": (lambda f: "/api/v1/units/999999/assignments",
                             {"anonymous": 401, "trainee": 403, "trainer": 404, "admin": 404}),
    "api.create_unit_assignment": (lambda f: "/api/v1/units/999999/assignments",
                                   {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "POST"),
    # --- quizzes and exams (tests/quiz_support.py makes the attempts and the review card) ---
    "quiz.exams": (lambda f: "/exams", L),
    "quiz.confirm_exam": (lambda f: "/exams/demo-exam/start", L),  # the rules and a 确认开始 button; starts nothing
    "quiz.start_exam": (lambda f: "/exams/demo-exam/start", {"anonymous": LOGIN, "trainee": 302, "trainer": 302, "admin": 302}, "POST"),
    # The owner answers on the page; staff who may see the trainee are sent to the (not yet available) review.
    "quiz.attempt_page": (lambda f: f"/attempts/{f['quiz_open_attempt']}", {"anonymous": LOGIN, "trainee": 200, "trainer": 302, "admin": 302}),
    "quiz.submit_attempt": (lambda f: f"/attempts/{f['quiz_done_attempt']}/submit",
                            {"anonymous": LOGIN, "trainee": 302, "trainer": 403, "admin": 403}, "POST"),
    "quiz.review_attempt": (lambda f: f"/attempts/{f['quiz_done_attempt']}/review", L),
    "quiz.practice": (lambda f: "/modules/counter-basics/quiz", L),
    # Everyone has an exam running by now (quiz.start_exam above) that holds every question of the module's
    # bank: no practice quiz from it until the exam is handed in (docs/quiz.md, 考试期间题目保密).
    "quiz.start_practice": (lambda f: "/modules/counter-basics/quiz/start", {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 403}, "POST"),
    "quiz.daily_review": (lambda f: "/review", L),
    "quiz.answer_review": (lambda f: f"/review/{f['quiz_card']}", {"anonymous": LOGIN, "trainee": 302, "trainer": 404, "admin": 404}, "POST"),
    "quiz.exam_results": (lambda f: "/exams/demo-exam/results", S),
    "quiz.exam_analysis": (lambda f: "/exams/demo-exam/analysis", S),
    "quiz.new_exam": (lambda f: "/exams/new", S),
    # A blueprint from a content file is edited in the file, never in the browser.
    "quiz.edit_exam": (lambda f: "/exams/demo-exam/edit", {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 403}),
    "quiz.bank_list": (lambda f: "/banks", S),
    "quiz.import_bank": (lambda f: "/banks/import", S),
    # No preview token in the body: a flash, back to the upload (tests/web/test_bank_import_preview.py confirms real ones).
    "quiz.confirm_bank_import": (lambda f: "/banks/import/confirm",
                                 {"anonymous": LOGIN, "trainee": 403, "trainer": 302, "admin": 302}, "POST"),
    "quiz.export_bank_xlsx": (lambda f: "/banks/demo-bank/export.xlsx", S),
    "quiz.export_bank_gift": (lambda f: "/banks/demo-bank/export.gift", S),
    "quiz.export_bank_xml": (lambda f: "/banks/demo-bank/export.xml", S),
    "quiz.bank_template": (lambda f: "/banks/template.xlsx", S),
    # The bank editor (tests/web/test_bank_editor.py has trainer banks): a shipped bank is read and previewed by
    # staff, and changed only in its content file, so every change is 403 even for admins.
    "quiz.new_bank": (lambda f: "/banks/new", S),
    "quiz.bank_detail": (lambda f: "/banks/demo-bank", S),
    "quiz.preview_question": (lambda f: f"/banks/demo-bank/questions/{f['demo_question']}", S),
    "quiz.new_question": (lambda f: "/banks/demo-bank/questions/new", {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 403}),
    "quiz.edit_question": (lambda f: f"/banks/demo-bank/questions/{f['demo_question']}/edit",
                           {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 403}),
    "quiz.retire_question": (lambda f: f"/banks/demo-bank/questions/{f['demo_question']}/retire",
                             {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 403}, "POST"),
    "quiz.restore_question": (lambda f: f"/banks/demo-bank/questions/{f['demo_question']}/restore",
                              {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 403}, "POST"),
    "api.quiz_exams": (lambda f: "/api/v1/exams", API_L),
    # Cookie POSTs without the CSRF header: 400 (the page sends it; tests/web/test_quiz_api.py uses tokens).
    "api.quiz_start_exam": (lambda f: "/api/v1/exams/demo-exam/attempts", {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "POST"),
    "api.quiz_start_practice": (lambda f: "/api/v1/modules/counter-basics/quiz/attempts",
                                {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "POST"),
    "api.quiz_attempt": (lambda f: f"/api/v1/attempts/{f['quiz_open_attempt']}", API_L),
    "api.quiz_save_answer": (lambda f: f"/api/v1/attempts/{f['quiz_open_attempt']}/answers",
                             {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "POST"),
    "api.quiz_mark": (lambda f: f"/api/v1/attempts/{f['quiz_open_attempt']}/marks",
                      {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "POST"),
    "api.quiz_submit": (lambda f: f"/api/v1/attempts/{f['quiz_open_attempt']}/submit",
                        {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400}, "POST"),
    "api.quiz_result": (lambda f: f"/api/v1/attempts/{f['quiz_done_attempt']}/result", API_L),
    # --- annual self-assessment (tests/web/test_assessment_pages.py: the 班组长's side). trainer_east is the
    # 供电所 of east_team: it reviews but does not fill; with no report yet, a return or accept is a flash.
    "assessment.index": (lambda f: "/assessment", S),
    "assessment.team": (lambda f: f"/assessment/{f['year']}/teams/{f['east_team']}", S),
    "assessment.save": (lambda f: f"/assessment/{f['year']}/teams/{f['east_team']}/save",
                        {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 403}, "POST"),
    "assessment.submit": (lambda f: f"/assessment/{f['year']}/teams/{f['east_team']}/submit",
                          {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 403}, "POST"),
    "assessment.return_report": (lambda f: f"/assessment/{f['year']}/teams/{f['east_team']}/return",
                                 {"anonymous": LOGIN, "trainee": 403, "trainer": 302, "admin": 302}, "POST"),
    "assessment.accept": (lambda f: f"/assessment/{f['year']}/teams/{f['east_team']}/accept",
                          {"anonymous": LOGIN, "trainee": 403, "trainer": 302, "admin": 302}, "POST"),
    "assessment.team_pdf": (lambda f: f"/assessment/{f['year']}/teams/{f['east_team']}/report.pdf", S),
    "assessment.results": (lambda f: f"/assessment/{f['year']}/results.xlsx", S),
    # --- group robots (admin only; tests/web/test_robots_web.py) ---
    "robots.index": (lambda f: "/admin/robots", ADM),
    "robots.send_test": (lambda f: "/admin/robots/999999/test", {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 404}, "POST"),
    "robots.delete": (lambda f: "/admin/robots/999999/delete", {"anonymous": LOGIN, "trainee": 403, "trainer": 403, "admin": 404}, "POST"),
    "static": (lambda f: "/static/css/app.css", A),
    "ops.health": (lambda f: "/healthz", A),
}
# Pages about one person: a trainer of another 供电所 must get 403.
SCOPED = {
    "quiz.review_attempt": lambda f: f"/attempts/{f['quiz_done_attempt_west']}/review",
    "api.quiz_result": lambda f: f"/api/v1/attempts/{f['quiz_done_attempt_west']}/result",
    "admin.person": lambda f: f"/admin/users/{f['trainee_west']}",
    "records.person": lambda f: f"/records/people/{f['trainee_west']}",
    "records.transcript": lambda f: f"/records/people/{f['trainee_west']}/transcript.pdf",
    "certification.person": lambda f: f"/certification/people/{f['trainee_west']}",
    "roleplay.summary": lambda f: f"/roleplay/sessions/{f['rp_session_trainee_west']}/summary",
    "roleplay.attempt_audio": lambda f: f"/roleplay/attempts/{f['rp_attempt_trainee_west']}/audio",
    "roleplay.review_attempt": lambda f: f"/roleplay/review/{f['rp_attempt_trainee_west']}",
    "assessment.team": lambda f: f"/assessment/{f['year']}/teams/{f['west_team']}",
    "assessment.team_pdf": lambda f: f"/assessment/{f['year']}/teams/{f['west_team']}/report.pdf",
    "api.get_unit": lambda f: f"/api/v1/units/{f['west_team']}",
    "api.unit_roleplay_results": lambda f: f"/api/v1/units/{f['west_team']}/roleplay-results",
    "api.unit_exam_results": lambda f: f"/api/v1/units/{f['west_team']}/exam-results",
}


def _fixtures(people, content):
    from tests.quiz_support import quiz_fixtures
    from tests.roleplay_support import roleplay_fixtures
    from trainer.courses.services import get_module
    from trainer.quiz.banks import get_bank
    from trainer.timeutil import local_year, utcnow

    return {
        "section": get_module("counter-basics").sections[0].id,
        "demo_question": get_bank("demo-bank").questions[0].id,
        "trainee_east": people["trainee_east"].id,
        "trainee_west": people["trainee_west"].id,
        "east_team": people["trainee_east"].unit_id, "west_team": people["trainee_west"].unit_id,
        "year": local_year(utcnow()),
        **roleplay_fixtures(people),
        **quiz_fixtures(people),
    }


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    endpoints.discard("admin.edit_user")  # two rules, one endpoint; listed once
    assert endpoints - set(MATRIX) - {"admin.edit_user"} == set(), "add new routes to MATRIX"


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(app, client, people, content, role):
    fixtures = _fixtures(people, content)
    usernames = {"trainee": "trainee_east", "trainer": "trainer_east", "admin": "admin"}
    if role != "anonymous":
        Auth(client).login(usernames[role])
    failures = []
    for endpoint, spec in MATRIX.items():
        url_of, expected, method = spec if len(spec) == 3 else (*spec, "GET")
        if endpoint == "auth.logout":
            continue  # would end the session for the rest of the walk; tested in test_auth
        response = client.open(url_of(fixtures), method=method)
        response.close()  # static files are streamed from an open file
        if response.status_code != expected[role]:
            failures.append(f"{method} {url_of(fixtures)} as {role}: {response.status_code} != {expected[role]}")
    assert failures == []


def test_trainer_cannot_see_another_stations_people(client, people, content):
    fixtures = _fixtures(people, content)
    Auth(client).login("trainer_east")
    for url_of in SCOPED.values():
        assert client.get(url_of(fixtures)).status_code == 403
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "trainee_east" in listing and "trainee_west" not in listing
    west_unit = people["trainee_west"].unit_id
    assert client.get(f"/admin/users?unit={west_unit}").status_code == 403


# The API with bearer tokens (no cookie, so no CSRF): same expectations as above except where the cookie
# caller was stopped by the missing CSRF header (400) before any role check.
TOKEN_EXPECT = {
    "roleplay.cases_list": (lambda f: "/roleplay/cases", S),
    "roleplay.case": (lambda f: f"/roleplay/cases/{f['rp_attempt_trainee_east']}", S),
    "roleplay.case_apply": (lambda f: f"/roleplay/cases/{f['rp_attempt_trainee_east']}/apply",  # no CSRF: flash
                            {"anonymous": LOGIN, "trainee": 403, "trainer": 302, "admin": 302}, "POST"),
    "roleplay.try_scoring": (lambda f: "/roleplay/try", S),
    "api.roleplay_score": {"anonymous": 401, "trainee": 400, "trainer": 400, "admin": 400},  # no audio field
    "api.roleplay_retry": {"anonymous": 401, "trainee": 200, "trainer": 200, "admin": 200},  # scored: returned as is
    "api.create_token": {r: 400 for r in ROLES},  # no credentials in the body
    "api.create_classroom_session": {"anonymous": 401, "trainee": 403, "trainer": 400, "admin": 400},
    "api.create_unit_assignment": {"anonymous": 401, "trainee": 403, "trainer": 404, "admin": 404},
    # trainee_east already has an open attempt (quiz fixtures): resumed, 200; the others start one.
    "api.quiz_start_exam": {"anonymous": 401, "trainee": 200, "trainer": 201, "admin": 201},
    "api.quiz_start_practice": {"anonymous": 401, "trainee": 403, "trainer": 403, "admin": 403},  # exam running (above)
    "api.quiz_save_answer": {r: 400 for r in ROLES} | {"anonymous": 401},  # no body: refused before anything else
    "api.quiz_mark": {r: 400 for r in ROLES} | {"anonymous": 401},  # no body
    "api.quiz_submit": {"anonymous": 401, "trainee": 200, "trainer": 403, "admin": 403},  # only the owner submits
    "api.revoke_token": {"anonymous": 401, "trainee": 404, "trainer": 404, "admin": 404},  # no such token
    "api.revoke_user_tokens": {"anonymous": 401, "trainee": 404, "trainer": 404, "admin": 404},  # no such person
    "api.put_person": {"anonymous": 401, "trainee": 403, "trainer": 403, "admin": 400},  # admins only; no body
    "api.import_people": {"anonymous": 401, "trainee": 403, "trainer": 403, "admin": 400},
    "api.import_bank_api": {"anonymous": 401, "trainee": 403, "trainer": 400, "admin": 400},
}


@pytest.mark.parametrize("role", ROLES)
def test_api_route_matrix_with_bearer_tokens(app, client, people, content, role):
    from tests.conftest import PASSWORD

    fixtures = _fixtures(people, content)
    usernames = {"trainee": "trainee_east", "trainer": "trainer_east", "admin": "admin"}
    headers = {}
    if role != "anonymous":
        token = client.post("/api/v1/tokens", json={"username": usernames[role], "password": PASSWORD}).get_json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
    failures = []
    api_endpoints = [e for e in MATRIX if e.startswith("api.")]
    assert len(api_endpoints) >= 20
    for endpoint in api_endpoints:
        url_of, expected, method = MATRIX[endpoint] if len(MATRIX[endpoint]) == 3 else (*MATRIX[endpoint], "GET")
        expected = TOKEN_EXPECT.get(endpoint, expected)
        fresh = app.test_client()  # no session cookie: the token alone decides
        response = fresh.open(url_of(fixtures), method=method, headers=headers)
        if response.status_code != expected[role]:
            failures.append(f"{method} {url_of(fixtures)} as {role} (token): {response.status_code} != {expected[role]}")
    assert failures == []
