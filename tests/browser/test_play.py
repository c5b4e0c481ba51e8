"""Play the timeline in Chromium, offline (issue 17): the date steps in the browser at several
steps a second, the map, its date stamp and legend follow without a script run per step, Pause
stops it, and the page (its link, its slider) catches up with the day shown.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Frame, Page

from explorer import config, steps, story, style

from .helpers import ARTIFACTS_DIR, COMPONENT_IFRAME, TIMEOUT_MS, PageLog, map_frame, wait_idle

pytestmark = pytest.mark.browser

#: The Baltic states in view from 2025-05-01: Lithuania is a party then; it notified its
#: withdrawal on 27 June 2025 and left on 27 December 2025, inside Play's default range.
LINK = "/?layers=borders,treaty,basemap&date=2025-05-01&lat=56.5&lon=24&zoom=5"

#: Every change of the day Play draws, with its time: ``window.__playLog`` of [ms, value].
RECORD_JS = """() => {
    window.__playLog = [];
    window.__bfeMark = 'same map';
    new MutationObserver(() => window.__playLog.push(
        [performance.now(), document.body.getAttribute('data-bfe-play')]))
      .observe(document.body, {attributes: true, attributeFilter: ['data-bfe-play']});
}"""


def _fill(frame: Frame, feature_id: str) -> str | None:
    return frame.evaluate(
        """id => { let fill = null;
            window.map.eachLayer(l => { if (l.feature && l.feature.id === id && l._path) {
                fill = l._path.getAttribute('fill'); } });
            return fill; }""",
        feature_id,
    )


def _play_on(page: Page) -> Frame:
    toggle = (
        page.get_by_test_id("stSidebar")
        .get_by_test_id("stCheckbox")
        .filter(has_text="Play the timeline")
    )
    toggle.locator("label").click()
    frame = map_frame(page, min_paths=20)
    frame.wait_for_selector(".bfe-play-button", state="visible", timeout=TIMEOUT_MS)
    wait_idle(page)
    return frame


def test_play_steps_the_map_in_the_browser_and_the_page_catches_up_on_pause(
    server, page: Page, page_log: PageLog
):
    sent: list[object] = []  # what the page sends the server: a script run is asked for here
    page.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(f)))
    page.goto(f"{server.url}{LINK}")
    map_frame(page, min_paths=20)
    wait_idle(page)
    frame = _play_on(page)
    # The fastest speed, 10 steps a second: the map must keep up with at least 4.
    speed = page.locator('[data-testid="stSidebar"] .st-key-play_speed input[type="range"]')
    speed.focus()
    speed.press("End")
    page.wait_for_function(
        """() => document.querySelector('.st-key-play_speed input[type="range"]').value === '10'""",
        timeout=TIMEOUT_MS,
    )
    wait_idle(page)
    assert frame.locator(".bfe-play-stamp").inner_text() == "2025-05-01"
    assert _fill(frame, "APMBC-LTU") == style.TREATY_STATUS_COLOURS["party"]
    view = frame.evaluate("() => [map.getCenter().lat, map.getCenter().lng, map.getZoom()]")
    frame.evaluate(RECORD_JS)
    assert sent, "the page's messages to the server are seen"
    n_sent = len(sent)

    frame.locator(".bfe-play-button").click()
    frame.wait_for_function("() => window.__playLog.length >= 6", timeout=TIMEOUT_MS)
    page.wait_for_timeout(600)
    log = frame.evaluate("() => window.__playLog")
    playing = [row for row in log if row[1].startswith("playing|")]
    days = [row[1].split("|")[1] for row in playing]
    # Month by month from the date shown, in order, at 4 steps a second or faster.
    assert days[:3] == ["2025-05-01", "2025-06-01", "2025-07-01"], days
    assert days == sorted(days) and len(set(days)) == len(days)
    span_s = (playing[-1][0] - playing[0][0]) / 1000
    rate = (len(playing) - 1) / span_s
    assert len(playing) >= 6 and rate >= 4, (len(playing), span_s)
    print(f"Play: {rate:.1f} steps a second at speed 10")
    # The stamp and the in-map legend follow; no script run was asked for while playing.
    assert len(sent) == n_sent, "a script run was asked for while playing"
    assert frame.locator(".bfe-play-stamp").inner_text() == days[-1]
    assert frame.locator(".bfe-play-legend").is_visible()
    page.locator(COMPONENT_IFRAME).screenshot(path=ARTIFACTS_DIR / "play_running.png")

    frame.locator(".bfe-play-button").click()  # Pause
    paused = frame.evaluate("() => document.body.getAttribute('data-bfe-play')")
    assert paused.startswith("paused|"), paused
    day = paused.split("|")[1]
    n_log = len(frame.evaluate("() => window.__playLog"))
    # The page catches up: the link and the slider show the day the map stopped on ...
    page.wait_for_function(
        "day => new URL(location.href).searchParams.get('date') === day",
        arg=day,
        timeout=TIMEOUT_MS,
    )
    wait_idle(page)
    slider = page.get_by_test_id("stSidebar").get_by_role("slider").first
    assert day in (slider.get_attribute("aria-valuetext") or ""), slider.get_attribute(
        "aria-valuetext"
    )
    # ... and Play stays stopped there, on the same map (never re-mounted), in the same view.
    page.wait_for_timeout(800)
    log = frame.evaluate("() => window.__playLog")
    assert all(not row[1].startswith("playing|") for row in log[n_log:]), log[n_log:]
    assert frame.evaluate("() => document.body.getAttribute('data-bfe-play')") == f"idle|{day}"
    assert frame.locator(".bfe-play-stamp").inner_text() == day
    assert frame.evaluate("() => window.__bfeMark") == "same map"
    after = frame.evaluate("() => [map.getCenter().lat, map.getCenter().lng, map.getZoom()]")
    assert after == pytest.approx(view, abs=1e-6)
    if day >= "2026-01-01":  # Lithuania had left by then
        assert _fill(frame, "APMBC-LTU") == style.TREATY_STATUS_COLOURS["withdrawn"]
    page.screenshot(path=ARTIFACTS_DIR / "play_paused_page.png")
    assert page_log.problems() == []


def test_play_runs_to_the_end_and_the_link_ends_on_it(server, page: Page, page_log: PageLog):
    page.goto(f"{server.url}/?layers=borders,treaty,basemap&date=2026-09-01&lat=56&lon=24&zoom=5")
    map_frame(page, min_paths=20)
    wait_idle(page)
    frame = _play_on(page)
    frame.locator(".bfe-play-button").click()
    frame.wait_for_function(
        "() => (document.body.getAttribute('data-bfe-play') || '').startsWith('paused|')",
        timeout=TIMEOUT_MS,
    )
    last = frame.evaluate("() => document.body.getAttribute('data-bfe-play')").split("|")[1]
    assert last == config.DATA_AS_OF
    page.wait_for_function(
        "day => new URL(location.href).searchParams.get('date') === day",
        arg=last,
        timeout=TIMEOUT_MS,
    )
    assert _fill(frame, "APMBC-LTU") == style.TREATY_STATUS_COLOURS["withdrawn"]
    assert page_log.problems() == []


@pytest.mark.parametrize(
    ("start", "end", "step"),
    [
        ("2024-01-31", "2025-03-01", "month"),
        ("2022-01-01", "2026-12-06", "quarter"),
        ("2024-02-29", "2028-03-01", "year"),
        ("2025-12-20", "2026-02-14", "week"),
    ],
)
def test_the_browser_steps_the_same_days_as_python(server, page: Page, start, end, step):
    page.goto(f"{server.url}/?layers=borders")
    frame = map_frame(page, min_paths=None)
    frame.wait_for_function("() => !!window.bfeStepDays", timeout=TIMEOUT_MS)
    in_js = frame.evaluate("([a, b, s]) => window.bfeStepDays(a, b, s)", [start, end, step])
    in_python = steps.step_dates(dt.date.fromisoformat(start), dt.date.fromisoformat(end), step)
    assert in_js == [d.isoformat() for d in in_python]


def test_a_presenter_chapter_plays_by_itself_and_the_arrow_keys_still_work(
    server, page: Page, page_log: PageLog
):
    chapter = next(c for c in story.load_chapters() if c.play_to is not None)
    page.goto(f"{server.url}/?mode=present&chapter={chapter.number}")
    frame = map_frame(page, min_paths=20)
    # It starts on the chapter's day and plays, month by month, to play_to, where it stops.
    frame.wait_for_function(
        "() => (document.body.getAttribute('data-bfe-play') || '').startsWith('playing|')",
        timeout=TIMEOUT_MS,
    )
    frame.wait_for_function(
        "end => document.body.getAttribute('data-bfe-play') === 'paused|' + end",
        arg=chapter.play_to.isoformat(),
        timeout=TIMEOUT_MS,
    )
    assert frame.locator(".bfe-play-stamp").inner_text() == chapter.play_to.isoformat()
    assert _fill(frame, "APMBC-LTU") == style.TREATY_STATUS_COLOURS["withdrawn"]
    page.locator(COMPONENT_IFRAME).screenshot(path=ARTIFACTS_DIR / "play_presenter_end.png")
    # The page did not move: still this chapter (the presenter's date is the chapter's).
    assert f"chapter={chapter.number}" in page.url
    # Pressing Play with the focus in the map, then an arrow key, still changes the chapter.
    frame.locator(".bfe-play-button").click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "n => new URL(location.href).searchParams.get('chapter') === String(n)",
        arg=chapter.number + 1,
        timeout=TIMEOUT_MS,
    )
    frame.wait_for_function("() => !document.querySelector('.bfe-play-button')", timeout=TIMEOUT_MS)
    assert page_log.problems() == []
