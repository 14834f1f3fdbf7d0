"""Every page, for every role, on a 390 × 844 phone: no sideways scrolling (issue 16).

The demo database (``trainer setup --demo`` plus :func:`trainer.demo_activity.load_demo_activity`: a handed-in
exam, an open one with ordering questions, an answered role-play, a certificate, an assignment…) is served by a
live server; each role logs in and opens every GET page of the app's url_map: the routes without arguments and
the routes whose arguments :data:`URLS` fills from that data. :data:`SKIPPED` lists the routes that are not pages
(JSON, files, audio) and why; a new route must go in one of the two, or the walk fails.

A page fails when the document is wider than the window, when an element sticks out of the window without an
``overflow-x`` scroller around it, when a table hides a column, or when a chart's label is drawn smaller than
9 px; on a trainee's page also an English id or a clause code. The failure names the page, the role and the
element. The same walk runs for a trainee at 360 px and for a trainee and an admin at 1366 × 768.
"""

import re

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
ROLES = {"trainee": "trainee1", "trainer": "trainer1", "admin": "admin", "班组长": "leader1"}
PUBLIC = ["/login", "/verify"]  # and the verification page of the demo certificate (anonymous)

# endpoint → URL from the demo data (trainer.demo_activity.DemoActivity)
URLS = {
    "admin.person": lambda d: f"/admin/users/{d.trainee}",
    "admin.edit_user": lambda d: f"/admin/users/{d.trainee}/edit",
    "assessment.team": lambda d: f"/assessment/{d.year}/teams/{d.team}",
    "assignments.detail": lambda d: f"/assignments/{d.assignment}",
    "assignments.my_detail": lambda d: f"/my/assignments/{d.assignment}",
    "assignments.go": lambda d: f"/my/assignments/{d.assignment}/go",
    "assignments.path_detail": lambda d: f"/paths/{d.path}",
    "certification.person": lambda d: f"/certification/people/{d.trainee}",
    "certification.verify": lambda d: f"/verify/{d.code}",
    "courses.course": lambda d: f"/courses/{d.course}",
    "courses.module": lambda d: f"/modules/{d.module}",
    "quiz.practice": lambda d: f"/modules/{d.module}/quiz",
    "quiz.confirm_exam": lambda d: f"/exams/{d.exam}/start",
    "quiz.bank_detail": lambda d: f"/banks/{d.bank}",
    "quiz.new_question": lambda d: f"/banks/{d.bank}/questions/new",
    "quiz.preview_question": lambda d: f"/banks/{d.bank}/questions/{d.question}",
    "quiz.edit_question": lambda d: f"/banks/{d.bank}/questions/{d.question}/edit",
    "quiz.attempt_page": lambda d: f"/attempts/{d.open_exam_attempt}",  # ordering questions
    "quiz.review_attempt": lambda d: f"/attempts/{d.done_exam_attempt}/review",
    "quiz.exam_results": lambda d: f"/exams/{d.annual_exam}/results",
    "quiz.exam_analysis": lambda d: f"/exams/{d.annual_exam}/analysis",
    "quiz.edit_exam": lambda d: f"/exams/{d.exam}/edit",
    "records.person": lambda d: f"/records/people/{d.trainee}",
    "records.classroom_session": lambda d: f"/records/classroom/{d.classroom_session}",
    "roleplay.scenario": lambda d: f"/roleplay/{d.scenario}",
    "roleplay.practice": lambda d: f"/roleplay/sessions/{d.rp_session}",
    "roleplay.summary": lambda d: f"/roleplay/sessions/{d.rp_session}/summary",
    "roleplay.review_attempt": lambda d: f"/roleplay/review/{d.rp_attempt}",
    "roleplay.case": lambda d: f"/roleplay/cases/{d.rp_attempt}",
}
EXTRA = [lambda d: f"/attempts/{d.practice_attempt}/review"]  # a practice quiz's review as well

SKIPPED = {  # api.* too: JSON
    "static": "static files",
    "ops.health": "JSON for the load balancer",
    "records.my_transcript": "PDF", "records.transcript": "PDF", "assessment.team_pdf": "PDF",
    "certification.certificate": "PDF",
    "records.export_report": "CSV/Excel download", "ops.audit_export": "CSV/Excel download",
    "assessment.results": "Excel/PDF download", "assignments.export": "Excel download",
    "quiz.export_bank_xlsx": "Excel download", "quiz.export_bank_gift": "GIFT text download",
    "quiz.export_bank_xml": "Moodle XML download", "quiz.bank_template": "Excel download",
    "roleplay.attempt_audio": "a recording (audio)", "roleplay.voice": "the customer's voice (audio)",
}

FILE_NAME = re.compile(r"\.(?:[a-z]+|<[^>]+>)$")  # any route named like a file is a download, not a page

# Everything the walk looks for, in one pass over the page's elements.
PROBLEMS_JS = """() => {
  const width = document.documentElement.clientWidth, found = [];  // the layout viewport: a mobile window zooms out
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 24) + '"';
  if (document.documentElement.scrollWidth > width + 1)
    found.push(`page is ${document.documentElement.scrollWidth} px wide, not ${width}`);
  const sticking = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || box.right <= width + 1) continue;
    if (sticking.some(outer => outer.contains(el)) || scrolls(el)) continue;
    sticking.push(el);
    found.push(`${name(el)} reaches ${Math.round(box.right)} px`);
  }
  for (const cell of document.querySelectorAll('table th, table td'))
    if (getComputedStyle(cell).display === 'none') { found.push(`column hidden: ${name(cell)}`); break; }
  for (const label of document.querySelectorAll('svg text')) {
    const box = label.getBoundingClientRect();
    if (box.height && box.height < 9) { found.push(`chart label ${Math.round(box.height)} px high: ${name(label)}`); break; }
  }
  return found;
}"""


# A trainee reads words, not codes: no ids such as counter-greeting or faster-whisper, no clause codes such as
# "000 §4.4.1" or "001 篇1 八.(二).10" (citations show the document's name; the code is in the hover text).
WORDS_JS = r"""() => {
  const text = document.querySelector('main').innerText, found = [];
  const id = text.match(/\b[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+\b/);
  if (id) found.push(`English id on a trainee page: ${id[0]}`);
  const code = text.match(/(?<![0-9])00[0-4] ?(?:§|篇|[一二三四五六七八九十](?:[.、]|$))[^\s,、)]*/m);
  if (code) found.push(`clause code on a trainee page: ${code[0]}`);
  return found;
}"""


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """The demo database with its activity, served in a thread (module scope: built once for every walk)."""
    from trainer.demo_activity import build_demo_site, serve

    app, data = build_demo_site(tmp_path_factory.mktemp("phone"), PASSWORD)
    with serve(app) as url:
        yield app, url, data


def page_urls(app, data) -> list[str]:
    """Every GET page: the routes without required arguments, then those :data:`URLS` fills."""
    urls, unlisted = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in SKIPPED or rule.endpoint.startswith("api."):
            continue
        if FILE_NAME.search(rule.rule):  # a download (…/template.xlsx, …/report.pdf)
            continue
        if rule.arguments - set(rule.defaults or {}):
            if rule.endpoint in URLS:
                urls.append(URLS[rule.endpoint](data))
            else:
                unlisted.append(rule.rule)
        else:
            urls.append(rule.rule)
    assert unlisted == [], f"add these routes to URLS (with demo data) or SKIPPED (with the reason): {unlisted}"
    return [*dict.fromkeys(urls), *(extra(data) for extra in EXTRA)]


def log_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/")


def walk(browser, base, urls, username=None, viewport=PHONE) -> list[str]:
    phone = viewport["width"] < 800
    context = browser.new_context(viewport=viewport, device_scale_factor=1, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    if username:
        log_in(page, base, username)
    failures = []
    for url in urls:
        response = page.goto(base + url, wait_until="load")
        assert response is not None, url
        problems = page.evaluate(PROBLEMS_JS)
        if username == ROLES["trainee"]:
            problems += page.evaluate(WORDS_JS)
        for problem in problems:
            failures.append(f"{url} ({username or 'anonymous'}, {response.status}): {problem}")
    context.close()
    return failures


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_every_page_fits_a_phone(demo_site, launch_browser, role):
    app, base, data = demo_site
    urls = page_urls(app, data) if role != "anonymous" else [*PUBLIC, f"/verify/{data.code}"]
    assert len(urls) >= 40 or role == "anonymous"
    failures = walk(launch_browser(), base, urls, ROLES.get(role))
    if failures:
        pytest.fail(f"{len(failures)} problems at 390 px:\n" + "\n".join(failures), pytrace=False)


def test_the_narrowest_phone_too(demo_site, launch_browser):
    """A trainee's pages on a 360 px phone, the narrowest the issue names."""
    app, base, data = demo_site
    failures = walk(launch_browser(), base, page_urls(app, data), ROLES["trainee"], {"width": 360, "height": 740})
    if failures:
        pytest.fail(f"{len(failures)} problems at 360 px:\n" + "\n".join(failures), pytrace=False)


@pytest.mark.parametrize("role", ["trainee", "admin"])
def test_desktop_pages_stay_good(demo_site, launch_browser, role):
    """The same walk at 1366 × 768: nothing wider than the window there either (and a trainee's words)."""
    app, base, data = demo_site
    failures = walk(launch_browser(), base, page_urls(app, data), ROLES[role], DESKTOP)
    if failures:
        pytest.fail(f"{len(failures)} problems at 1366 px:\n" + "\n".join(failures), pytrace=False)


def test_the_phone_menu_says_there_is_more(demo_site, launch_browser):
    """On a phone the menu is behind a 菜单 button; opened, every entry lies inside the screen."""
    _app, base, _data = demo_site
    page = launch_browser().new_page(viewport=PHONE)
    log_in(page, base, "admin")
    toggle = page.locator("button.menu-toggle")
    assert toggle.is_visible() and toggle.inner_text().strip() == "菜单"
    assert not page.locator("nav.menu").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.locator("nav.menu summary").click()  # the 管理 group
    for link in page.locator("nav.menu a").all():
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], link.inner_text()


def test_without_javascript_the_phone_menu_wraps(demo_site, launch_browser):
    """No script, no 菜单 button: the menu shows, wrapped under the brand, inside the screen."""
    _app, base, _data = demo_site
    context = launch_browser().new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    log_in(page, base, "trainee1")
    assert not page.locator("button.menu-toggle").is_visible() and page.locator("nav.menu").is_visible()
    assert page.evaluate(PROBLEMS_JS) == []
    context.close()


@pytest.mark.parametrize("username", ["admin", "trainer1"])
def test_the_desktop_menu_is_one_line(demo_site, launch_browser, username):
    """At 1366 px the staff tools sit in a 管理 drop-down, so the admin's menu stays on one line."""
    _app, base, _data = demo_site
    page = launch_browser().new_page(viewport=DESKTOP)
    log_in(page, base, username)
    assert not page.locator("button.menu-toggle").is_visible()
    tops = [box["y"] for box in (el.bounding_box() for el in page.locator(".topbar > *:visible").all()) if box]
    items = [item.bounding_box()["y"] for item in page.locator("nav.menu > a, nav.menu > details > summary").all()]
    assert len(items) >= 8 and max(items) - min(items) < 8, "the menu wraps"
    assert max(tops) - min(tops) < 20, "the top bar wraps"
    page.locator("nav.menu summary:has-text('管理')").click()
    page.locator("nav.menu a:has-text('培训记录')").click()
    page.wait_for_url("**/records")
