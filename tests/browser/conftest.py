"""Fixtures for real-browser tests: Debian Chromium via Playwright, outside hosts blocked."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from serve_runner import start_serve  # tests/ is on sys.path, as for cli_runner

from .helpers import CHROMIUM_ARGS, PageLog, find_chromium, is_local_url, start_streamlit

VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of the Chromium executable; fail in CI (``CI=true``) and skip elsewhere if missing."""
    path = find_chromium()
    if path is None:
        message = "Chromium not found: apt-get install -y chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    """One headless Chromium for the session (Playwright's sync API, no ``playwright install``)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page_log() -> PageLog:
    """What the ``page`` tried: blocked outside requests, console and page errors, failures."""
    return PageLog()


@pytest.fixture
def page(browser: Browser, page_log: PageLog) -> Iterator[Page]:
    """A fresh page in its own context; every request to a non-local host is blocked and logged.

    Routing is on the context, so it covers iframes (the ``st_folium`` component) as well; outside
    WebSockets are closed and logged too. Assert ``page_log.problems() == []`` at the end.

    Every request waits for the Python route handler, which runs only while a Playwright call is
    in progress: never ``time.sleep()`` in a test (requests stall, the component iframe never
    loads); use ``page.wait_for_timeout()`` or, better, wait for a selector or function.
    """
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", page_log.route)
    context.route_web_socket(lambda url: not is_local_url(url), page_log.route_websocket)
    new_page = context.new_page()
    new_page.on("console", page_log.on_console)
    new_page.on("pageerror", page_log.on_page_error)
    new_page.on("requestfailed", page_log.on_request_failed)
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture(scope="module")
def server():
    """The explorer app on a free port, one per test module (fresh caches and sessions)."""
    with start_streamlit("explorer/app.py") as running:
        yield running


@pytest.fixture(scope="module")
def served(haproxy_path: str, tmp_path_factory: pytest.TempPathFactory):
    """``python -m explorer serve --workers 2`` on a free port, one per test module.

    Has the ``url`` of the proxy, like :func:`server`, so a test written for one runs through
    the other (see ``test_serve_browser.py``).
    """
    cache = tmp_path_factory.mktemp("serve-cache")
    with start_serve(2, env={"BFE_CACHE_DIR": str(cache)}, name="serve-browser") as running:
        yield running
