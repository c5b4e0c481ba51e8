"""The app through ``python -m explorer serve --workers 2``: affinity, gzip, failover, stop.

The core browser checks (map drawn offline, a toggle, a date, a permalink) are the very tests of
``test_app_browser.py``, collected here again with ``server`` bound to ``serve``'s proxy.
"""

from __future__ import annotations

import os
import re
import signal
import time

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response
from serve_runner import Served, pid_alive

from .conftest import VIEWPORT
from .helpers import TIMEOUT_MS, PageLog, is_local_url, map_frame, wait_idle
from .test_app_browser import (  # noqa: F401  (collected here again, through serve)
    test_map_draws_offline_without_errors,
    test_permalink_restores_layers_and_date,
    test_toggle_changes_drawing_and_keeps_the_view,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COOKIE = "BFE_WORKER"
LINK = "/?layers=borders,treaty,basemap&date=2026-02-20&lat=53.0000&lon=23.5000&zoom=7"


@pytest.fixture(scope="module")
def server(served: Served) -> Served:
    """The core tests' server is ``serve``'s proxy in this module."""
    return served


class Visit:
    """A browser context of its own (a student), and the worker of every response it got."""

    def __init__(self, browser: Browser, log: PageLog) -> None:
        self.context: BrowserContext = browser.new_context(viewport=VIEWPORT)
        self.context.route("**/*", log.route)
        self.context.route_web_socket(lambda url: not is_local_url(url), log.route_websocket)
        self.responses: list[Response] = []
        self.page: Page = self.context.new_page()
        self.page.on("response", lambda response: self.responses.append(response))

    def cookie(self) -> str | None:
        return next((c["value"] for c in self.context.cookies() if c["name"] == COOKIE), None)

    def workers(self, since: int = 0) -> set[str]:
        found = set()
        for response in self.responses[since:]:
            worker = response.header_value("x-bfe-worker")
            if worker:
                found.add(worker)
        return found


@pytest.fixture
def visits(browser: Browser, page_log: PageLog):
    opened: list[Visit] = []

    def open_visit() -> Visit:
        visit = Visit(browser, page_log)
        opened.append(visit)
        return visit

    yield open_visit
    for visit in opened:
        visit.context.close()


def _rendered_view(page: Page) -> list[float]:
    frame = map_frame(page, min_paths=5)
    return frame.evaluate(
        """() => { const m = Object.values(window).find(v => v && v._leaflet_id && v.getCenter);
                   const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"""
    )


def test_two_students_get_the_affinity_cookie_and_stay_on_their_worker(served, visits):
    students = []
    for _ in range(4):  # new browsers take turns: two in a row land on different workers
        visit = visits()
        visit.page.goto(served.url + LINK)
        map_frame(visit.page, min_paths=5)
        students.append(visit)
        if len({s.cookie() for s in students}) == 2:
            break
    cookies = {s.cookie() for s in students}
    assert cookies == {"w1", "w2"}, cookies
    for visit in students[-2:]:
        wait_idle(visit.page)
        mark = len(visit.responses)
        visit.page.reload()
        map_frame(visit.page, min_paths=5)
        wait_idle(visit.page)
        # Every answer, before and after a reload, came from the cookie's worker.
        assert visit.workers() == {visit.cookie()}
        assert len(visit.responses) > mark


def test_static_and_layer_files_arrive_gzipped_and_layers_are_cacheable(served, visits):
    visit = visits()
    visit.page.goto(served.url + LINK)
    map_frame(visit.page, min_paths=5)
    wait_idle(visit.page)
    scripts = [r for r in visit.responses if re.search(r"/static/js/[^/]+\.js$", r.url)]
    assert scripts, "Streamlit's own JavaScript was loaded"
    for response in scripts:
        assert response.header_value("content-encoding") == "gzip", response.url
        assert "immutable" in (response.header_value("cache-control") or "")
    layers = [r for r in visit.responses if re.search(r"/component/[^?]+/layers/.+\.json", r.url)]
    assert layers, "the map loaded its layer files"
    for response in layers:
        assert response.header_value("content-encoding") == "gzip", response.url
        cache = response.header_value("cache-control") or ""
        assert "max-age=31536000" in cache and "immutable" in cache, (response.url, cache)
    page_html = next(r for r in visit.responses if r.request.resource_type == "document")
    assert "no-cache" in (page_html.header_value("cache-control") or "")


def test_a_killed_worker_is_restarted_and_its_student_recovers_the_view(served, visits):
    visit = visits()
    visit.page.goto(served.url + LINK)
    frame = map_frame(visit.page, min_paths=5)
    wait_idle(visit.page)
    # The student pans: the link in the address bar follows the live view.
    frame.evaluate(
        """() => { const m = Object.values(window).find(v => v && v._leaflet_id && v.getCenter);
                   m.setView([52.5, 22.0], 8, {animate: false}); }"""
    )
    visit.page.wait_for_function("() => location.search.includes('zoom=8')", timeout=TIMEOUT_MS)
    worker = visit.cookie()
    assert worker in ("w1", "w2")
    pid = served.worker_pids()[worker]
    mark_log, mark_responses = len(served.log()), len(visit.responses)

    killed_at = time.monotonic()
    os.kill(pid, signal.SIGKILL)

    # The page notices, reconnects through the proxy to a live worker (the other one, or this
    # one already restarted), sees a new session there and reloads from the link in its address
    # bar (map.js).
    def reloaded() -> bool:
        return any(
            r.request.resource_type == "document" and r.header_value("x-bfe-worker")
            for r in visit.responses[mark_responses:]
        )

    while not reloaded() and time.monotonic() < killed_at + 30:
        visit.page.wait_for_timeout(100)
    reloaded_s = time.monotonic() - killed_at
    assert reloaded(), "the page never reloaded from a live worker"
    # The same view, drawn by the new session: the link restored it.
    frame = map_frame(visit.page, min_paths=5)
    frame.wait_for_function(
        """() => { const m = Object.values(window).find(v => v && v._leaflet_id && v.getCenter);
                   return m && m.getZoom() === 8 && Math.abs(m.getCenter().lat - 52.5) < 0.01; }""",
        timeout=TIMEOUT_MS,
    )
    shown_s = time.monotonic() - killed_at
    assert _rendered_view(visit.page) == pytest.approx([52.5, 22.0, 8], abs=0.01)
    assert "2026-02-20" in visit.page.locator('[data-testid="stSidebar"]').inner_text()
    # ... and live: a toggle redraws the map.
    wait_idle(visit.page)
    before = frame.locator("path.leaflet-interactive").count()
    visit.page.locator('[data-testid="stSidebar"]').get_by_text(
        "Mine Ban Treaty status", exact=True
    ).click()
    frame.wait_for_function(
        f"() => document.querySelectorAll('path.leaflet-interactive').length !== {before}",
        timeout=TIMEOUT_MS,
    )
    assert "treaty" not in visit.page.url.split("layers=")[1].split("&")[0]
    assert len(visit.workers(mark_responses)) == 1, "the new session stays on one worker"
    print(f"after SIGKILL of {worker}: page reloaded from {visit.workers(mark_responses)} in "
          f"{reloaded_s:.1f} s, same view drawn in {shown_s:.1f} s")  # fmt: skip
    # The budget is "back within 5 s" (benchmarks/README.md); the page's own reload and
    # first draw take ~2-3 s of that in headless Chromium here, so under a loaded test run the
    # drawing is allowed a little more.
    assert reloaded_s <= 5.0
    assert shown_s <= 8.0
    # The supervisor started the dead worker again.
    served.wait_for(rf"serve: worker {worker} restarted: pid \d+", 30, after=mark_log)
    assert served.worker_pids()[worker] != pid


def test_sigterm_to_serve_stops_every_process(served):
    pids = list(served.worker_pids().values())
    pids.append(int(re.search(r"HAProxy pid (\d+)", served.log()).group(1)))
    assert all(pid_alive(p) for p in pids)
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=30) == 0
    assert [p for p in pids if pid_alive(p)] == []
