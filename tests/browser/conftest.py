"""Browser tests: Playwright driving Debian's Chromium against a live server.

They never download a browser. Without Chromium they skip with the reason,
unless REQUIRE_BROWSER is set (CI sets it), in which case the run stops.
"""

from __future__ import annotations

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import modify_settings
from django.test.testcases import LiveServerThread

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
)
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# Playwright's sync API runs an event loop in the test's thread; the Django
# ORM calls the tests make there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items or os.path.exists(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(
            f"REQUIRE_BROWSER is set but Chromium is not at {CHROMIUM}. "
            "Install it with: apt-get install -y chromium"
        )
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}; install Debian's chromium to run browser tests"
    )
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core goes in as an inline script, which our Content-Security-Policy
    # refuses; test_csp.py checks the policy in contexts of its own.
    return {**browser_context_args, "bypass_csp": True}


class LiveServer:
    def __init__(self, port: int):
        self.url = f"http://localhost:{port}"

    def __str__(self) -> str:
        return self.url


@pytest.fixture(scope="session")
def site(django_db_setup, django_db_blocker):
    """A live server where WhiteNoise serves the collected static files, as in production.

    (pytest-django's own serves static files through the finders, which cannot
    resolve the hashed names that the manifest storage puts in every page.)
    """
    with django_db_blocker.unblock():
        # The in-memory SQLite test database is shared with the server thread.
        shared = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        for conn in shared.values():
            conn.inc_thread_sharing()
    thread = LiveServerThread(
        "localhost", static_handler=lambda app: app, connections_override=shared
    )
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    hosts = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
    hosts.enable()
    yield LiveServer(thread.port)
    hosts.disable()
    thread.terminate()
    for conn in shared.values():
        conn.dec_thread_sharing()


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def page_without_js(browser):
    """A page whose JavaScript is off: every action must still work."""
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core (our vendored copy) on the page with all its rules: WCAG 2.x
    A and AA and its best practices (landmarks, headings, regions and the rest),
    as axe runs when told nothing."""
    if page.evaluate("typeof window.axe") == "undefined":
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const r = await axe.run(document);
            return r.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
