"""Browser journeys: the app served by a real WSGI server (`flask serve`: waitress with its embedded job
consumer) on a fresh database and the local evidence store, driven by Debian's Chromium through Playwright.

Skipped, with the reason, when /usr/bin/chromium or Playwright for Python is missing (`make test` installs
both). Never `playwright install`: the browser is the system's.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
FLASK = [sys.executable, "-m", "flask"]     # the flask of the interpreter running the tests, in any environment
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
START_TIMEOUT = 60      # seconds for the server to answer /login
TIMEOUT_MS = 20_000     # Playwright's default per action / navigation


def _missing() -> str | None:
    if os.environ.get("ARBITRATION_TEST_POSTGRES_URL"):
        return "the browser journeys run once, in the SQLite pass (their server has its own database)"
    if not os.path.exists(CHROMIUM):
        return f"browser tests need Chromium at {CHROMIUM} (Debian package `chromium`; `make test` installs it)"
    if importlib.util.find_spec("playwright") is None:
        return "browser tests need Playwright for Python (`pip install -e '.[test]'`; `make test` installs it)"
    return None


MISSING = _missing()


@pytest.hookimpl(tryfirst=True)   # before pytest-xdist's own hook, which reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    # the journeys share one server and its clock: those that move the clock come after all the others, and under
    # pytest-xdist (`-n 2 --dist loadgroup`, the SQLite pass of `make test`) all of them run in one worker, in this
    # order: one group is one unit of work, sent whole to a single worker
    items.sort(key=lambda item: item.get_closest_marker("moves_clock") is not None)
    skip = pytest.mark.skip(reason=MISSING) if MISSING else None
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.xdist_group("browser"))
            if skip:
                item.add_marker(skip)


# ---- the server ----

@dataclass(frozen=True)
class Server:
    url: str
    orders: dict[str, str]     # journey -> order number (tests/browser/seed.py)
    log: Path

    def post(self, path: str) -> dict:
        """A test-only hook (ARBITRATION_TESTING_HOOKS=1): POST, the JSON answer."""
        req = urllib.request.Request(self.url + path, data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=60) as response:
            return json.loads(response.read())

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(instance: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBITRATION_")}  # nothing from the suite
    env.update({"ARBITRATION_INSTANCE_PATH": instance, "ARBITRATION_TESTING_HOOKS": "1",
                "ARBITRATION_RISK_ORDERS": "100000", "FLASK_APP": "wsgi:app", "PYTHONUNBUFFERED": "1",
                # the platform's webhook receiver (test_platform_api_live) listens on 127.0.0.1 over plain http
                "ARBITRATION_WEBHOOK_ALLOW_PRIVATE": "1", "ARBITRATION_WEBHOOK_ALLOW_HTTP": "1"})
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode:
        pytest.fail(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}", pytrace=False)
    return done.stdout


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text(errors='replace')}", pytrace=False)
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url + "/login", timeout=5) as response:
                if response.status == 200:
                    return
        time.sleep(0.3)
    pytest.fail(f"the server did not answer {url}/login within {START_TIMEOUT} s:\n{log.read_text(errors='replace')}",
                pytrace=False)


@pytest.fixture(scope="session")
def server():
    from tests.conftest import _compile_catalogs

    _compile_catalogs()     # the UI is read in Chinese
    instance = tempfile.mkdtemp(prefix="arb-browser-")
    env = _environment(instance)
    _run([*FLASK, "db", "upgrade"], env)
    out = _run([sys.executable, "-m", "tests.browser.seed"], env)
    orders = json.loads(out.strip().splitlines()[-1])
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(instance) / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([*FLASK, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                                   env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(url, process, log)
        yield Server(url, orders, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(instance, ignore_errors=True)


# ---- the browser ----

@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def shot(screenshots):
    """shot(page, journey, step): a full-page screenshot to test-artifacts/screenshots/<journey>-<step>.png."""
    def take(page, journey: str, step: str) -> Path:
        path = screenshots / f"{journey}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take


@pytest.fixture
def login(browser, server):
    """login(username, width=None, height=800): a page in a fresh browser context, logged in through /login (a
    width under 600 px is a phone: touch, device scale 2).
    Each login is its own context (its own cookies), closed at the end of the test."""
    contexts = []

    def open_as(username: str, *, width: int | None = None, height: int = 800):
        options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", "accept_downloads": True}
        if width and width < 600:       # a phone
            options.update(viewport={"width": width, "height": height}, device_scale_factor=2, is_mobile=True,
                           has_touch=True)
        elif width:
            options.update(viewport={"width": width, "height": height})
        context = browser.new_context(base_url=server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="登录", exact=True).click()
        assert "/login" not in page.url, f"{username} could not log in: {page.locator('main').inner_text()}"
        return page

    yield open_as
    for context in contexts:
        context.close()
