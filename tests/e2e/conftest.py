"""Browser tests: a real server in a thread and Debian's Chromium driven by Playwright.

``live_server`` serves a fresh SQLite database with the test content and a trainee account.
``launch_browser(**extra_args)`` starts Chromium; voice tests pass the fake-microphone flags.
"""

import shutil
from pathlib import Path

import pytest

from tests.conftest import CONTENT, PASSWORD
from trainer.demo_activity import serve

CHROMIUM = "/usr/bin/chromium"
BASE_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]

pytestmark = pytest.mark.e2e


class LiveServer:
    def __init__(self, app, url):
        self.app = app
        self.url = url


@pytest.fixture
def live_server(tmp_path):
    from flask_migrate import upgrade

    from trainer import create_app
    from trainer.auth.models import User
    from trainer.content import load_content
    from trainer.extensions import db
    from trainer.importing import import_content
    from trainer.org.services import ensure_unit

    app = create_app({
        "TESTING": True, "SECRET_KEY": "e2e", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e2e.sqlite'}",
        "CONTENT_DIR": str(CONTENT), "AUDIO_DIR": str(tmp_path / "audio"), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    with app.app_context():
        upgrade(revision="heads")
        content, errors = load_content(CONTENT)
        assert errors == []
        import_content(content)
        team = ensure_unit("测试营业班", "team", ensure_unit("测试供电所", "station", ensure_unit("测试公司", "company", None)))
        for username, role in [("learner", "trainee"), ("coach", "trainer"), ("boss", "admin")]:
            user = User(username=username, display_name={"learner": "李学员", "coach": "王老师", "boss": "管理员"}[username],
                        role=role, unit=team.parent if role == "trainer" else team)
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
    with serve(app) as url:
        yield LiveServer(app, url)


@pytest.fixture
def launch_browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    browsers = []

    def launch(*extra_args: str):
        browser = manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*BASE_ARGS, *extra_args])
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()
    manager.stop()


@pytest.fixture
def login():
    def do_login(page, server, username="learner"):
        page.goto(f"{server.url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{server.url}/")

    return do_login


@pytest.fixture
def menu():
    """``menu(page, "培训记录")`` clicks a top-menu entry the way a person does: opening the phone's 菜单 and
    the 管理 drop-down first when the entry is inside them."""
    def click(page, label):
        toggle = page.locator("button.menu-toggle")
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        link = page.locator("nav.menu a", has_text=label).first
        if not link.is_visible():
            page.locator("nav.menu summary").click()
        link.click()

    return click
