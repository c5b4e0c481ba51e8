"""The explorer and the presenter by keyboard alone (issue 18): skip links, the map, its features.

Only ``page.keyboard`` moves the focus and presses things here: no click, no ``focus()``.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Frame, Page

from explorer.ui import state

from .helpers import ARTIFACTS_DIR, COMPONENT_IFRAME, TIMEOUT_MS, PageLog, map_frame, wait_idle

pytestmark = pytest.mark.browser

_VIEW = "() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }"
_MAP_FOCUSED = (
    "() => document.activeElement === document.querySelector('.leaflet-container')"
    " && document.hasFocus()"
)


def tab_to(page: Page, predicate: str, *, limit: int = 80, backwards: bool = False) -> int:
    """Press Tab (or Shift+Tab) until ``predicate`` (JS, run in the page) holds; return presses."""
    for n in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(predicate):
            return n
    pytest.fail(f"{limit} presses of Tab never reached {predicate}")


def _in_map(page: Page) -> str:
    """A page predicate: the focus is on the Leaflet map inside the map's iframe."""
    return f"""() => {{
      const f = document.activeElement;
      if (!f || f.tagName !== 'IFRAME' || f.title !== {COMPONENT_IFRAME.split('"')[1]!r}) {{
        return false;
      }}
      const d = f.contentDocument;
      return d.activeElement === d.querySelector('.leaflet-container');
    }}"""


def _status(frame: Frame) -> str:
    frame.wait_for_function(
        "() => document.getElementById('bfe-status').textContent.length > 0", timeout=TIMEOUT_MS
    )
    return frame.evaluate("() => document.getElementById('bfe-status').textContent")


def _open_feature(page: Page, frame: Frame) -> str:
    """From the focused map: N rings the first feature in view, Enter opens its popup."""
    page.keyboard.press("n")
    said = _status(frame)
    assert frame.locator("path.bfe-key-ring").count() == 1
    page.keyboard.press("Enter")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=TIMEOUT_MS)
    # The focus is in the popup, a named dialog: a screen reader reads it.
    focused = frame.evaluate(
        "() => { const a = document.activeElement; return [a.className, a.getAttribute('role'),"
        " a.getAttribute('aria-label')]; }"
    )
    assert focused[0] == "leaflet-popup-content" and focused[1] == "dialog" and focused[2], focused
    assert focused[2] in said
    return popup.inner_text()


def _escape_back_to_map(page: Page, frame: Frame) -> None:
    page.keyboard.press("Escape")
    frame.locator(".leaflet-popup").wait_for(state="detached", timeout=TIMEOUT_MS)
    assert frame.evaluate(_MAP_FOCUSED)


def test_skip_links_the_map_keys_and_the_features(server, page: Page, page_log: PageLog):
    page.goto(f"{server.url}/?date=2026-02-20&lat=54&lon=24&zoom=5")
    frame = map_frame(page, min_paths=20)
    wait_idle(page)
    # The first Tab stop of the page: "Skip to the map", shown when focused.
    page.keyboard.press("Tab")
    link = page.evaluate(
        "() => { const a = document.activeElement, r = a.getBoundingClientRect();"
        " return [a.closest('#bfe-skip') !== null, a.textContent, r.top, r.height]; }"
    )
    assert link[0] and link[1] == "Skip to the map" and link[2] >= 0 and link[3] > 20, link
    page.screenshot(path=ARTIFACTS_DIR / "keyboard_skip_link.png")
    page.keyboard.press("Enter")
    page.wait_for_function(_in_map(page), timeout=TIMEOUT_MS)
    ring = frame.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.leaflet-container'));"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert ring[0] == "solid" and ring[1] == "3px", ring  # a visible focus ring
    # Arrows pan, + and - zoom (Leaflet's keyboard handler, inside the component's iframe).
    zoom = frame.evaluate(_VIEW)[2]
    page.keyboard.press("=")
    frame.wait_for_function(f"() => window.map.getZoom() > {zoom}", timeout=TIMEOUT_MS)
    lat, lon, _ = frame.evaluate(_VIEW)
    page.keyboard.press("ArrowRight")
    frame.wait_for_function(f"() => window.map.getCenter().lng > {lon} + 0.05", timeout=TIMEOUT_MS)
    # Leaflet ignores a pan key while the last pan is still animating.
    frame.wait_for_function("() => !(window.map._panAnim && window.map._panAnim._inProgress)")
    page.keyboard.press("ArrowUp")
    frame.wait_for_function(f"() => window.map.getCenter().lat > {lat} + 0.05", timeout=TIMEOUT_MS)
    page.keyboard.press("-")
    frame.wait_for_function(f"() => window.map.getZoom() === {zoom}", timeout=TIMEOUT_MS)
    # N goes through the features in view; Enter opens one; Escape closes it.
    text = _open_feature(page, frame)
    assert "km" in text or "Source" in text, text
    page.screenshot(path=ARTIFACTS_DIR / "keyboard_popup.png")
    _escape_back_to_map(page, frame)
    page.keyboard.press("n")  # the next feature (the list follows the view, moved by the popup)
    found = re.search(r"Feature (\d+) of (\d+): ([^.]+)", _status(frame))
    assert found, _status(frame)
    i, n = int(found[1]), int(found[2])
    page.keyboard.press("p")  # and back
    assert _status(frame).startswith(f"Feature {(i - 2) % n + 1} of {n}: ")
    # The second skip link: the text summary, opened, with the focus on it.
    tab_to(page, "() => document.activeElement.textContent === 'Skip to the text summary'",
           backwards=True)  # fmt: skip
    page.keyboard.press("Enter")
    summary = page.locator(f".st-key-{state.SUMMARY_OPEN}")
    summary.locator('[data-testid="stExpanderDetails"]').wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    assert page.evaluate(
        f"() => document.activeElement.closest('.st-key-{state.SUMMARY_OPEN}') !== null"
    )
    assert "features" in summary.inner_text() or "km" in summary.inner_text()
    assert page_log.problems() == []


def test_skip_links_and_features_in_polish(server, page: Page, page_log: PageLog):
    page.goto(f"{server.url}/?lang=pl&date=2026-02-20&lat=54&lon=24&zoom=5")
    frame = map_frame(page, min_paths=20)
    wait_idle(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Przejdź do mapy"
    page.keyboard.press("Enter")
    page.wait_for_function(_in_map(page), timeout=TIMEOUT_MS)
    label = frame.evaluate("() => document.querySelector('.leaflet-container').ariaLabel")
    assert "N i P" in label
    page.keyboard.press("n")
    assert _status(frame).startswith("Obiekt 1 z ")
    assert page_log.problems() == []


def test_presenter_shift_arrows_pan_and_arrows_change_chapters(
    server, page: Page, page_log: PageLog
):
    page.goto(f"{server.url}/?mode=present&chapter=3")
    page.wait_for_function(
        "() => (document.querySelector('.st-key-presenter_progress') || {}).innerText"
        " && document.querySelector('.st-key-presenter_progress').innerText.startsWith('3 /')",
        timeout=TIMEOUT_MS,
    )
    frame = map_frame(page)
    wait_idle(page)
    page.wait_for_timeout(1000)  # the chapter's view settles
    page.keyboard.press("Tab")  # "Skip to the map"
    page.keyboard.press("Enter")
    page.wait_for_function(_in_map(page), timeout=TIMEOUT_MS)
    label = frame.evaluate("() => document.querySelector('.leaflet-container').ariaLabel")
    assert "Shift" in label
    lon = frame.evaluate(_VIEW)[1]
    page.keyboard.press("Shift+ArrowRight")
    frame.wait_for_function(f"() => window.map.getCenter().lng > {lon} + 0.05", timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    assert "chapter=3" in page.url  # Shift+arrow pans, it does not turn the page
    # Features and popups by keyboard here too.
    _open_feature(page, frame)
    _escape_back_to_map(page, frame)
    page.keyboard.press("ArrowRight")  # the arrows still change chapters from the map
    page.wait_for_function("() => location.search.includes('chapter=4')", timeout=TIMEOUT_MS)
    assert page_log.problems() == []


def test_keyboard_only_walk_segment_date_popup_png(server, page: Page, page_log: PageLog, tmp_path):
    """Open, choose a segment, move the date, open a popup, export a PNG: keys only."""
    page.goto(f"{server.url}/?date=2026-02-20")
    frame = map_frame(page, min_paths=20)
    wait_idle(page)
    # Choose a segment: Tab to the sidebar's border picker, type, Enter.
    picker = f".st-key-{state.widget_key(state.SEGMENT_KEY, 'en')}"
    tab_to(page, f"() => document.activeElement.closest('{picker}') !== null")
    page.keyboard.type("Poland–Belarus")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('segment=POL-BLR')", timeout=TIMEOUT_MS)
    wait_idle(page)
    frame.wait_for_function(
        "() => window.map.getBounds().contains([53.0, 23.7]) && window.map.getZoom() >= 6",
        timeout=TIMEOUT_MS,
    )
    # Move the date: Tab to the slider, three days back with the arrow key.
    slider = f".st-key-{state.DATE_KEY} input"
    tab_to(page, f"() => document.activeElement.matches('{slider}')", backwards=True)
    # One day at a time, as a reader watching the date would: keys pressed faster than the
    # script reruns can be lost (seen after the merge of Play; a Streamlit rerun race).
    for back in (1, 2, 3):
        page.keyboard.press("ArrowLeft")
        day = (dt.date(2026, 2, 20) - dt.timedelta(days=back)).isoformat()
        page.wait_for_function(f"() => location.search.includes('date={day}')", timeout=TIMEOUT_MS)
        wait_idle(page)
    frame.wait_for_function(
        f"() => (document.body.getAttribute('data-bfe-ready') || '').startsWith('{day}')",
        timeout=TIMEOUT_MS,
    )
    # Open a popup: Tab on into the map, N, Enter; Escape.
    tab_to(page, _in_map(page))
    text = _open_feature(page, frame)
    assert text.strip()
    page.screenshot(path=ARTIFACTS_DIR / "keyboard_walk_popup.png")
    _escape_back_to_map(page, frame)
    # Export a PNG: Tab to the export panel, Enter opens it, Tab to "PNG image", Enter.
    tab_to(page, f"() => document.activeElement.closest('.st-key-{state.EXPORT_OPEN}') !== null")
    page.keyboard.press("Enter")
    wait_idle(page)
    png = f".st-key-{state.export_key('png')}"
    page.wait_for_selector(f"{png} button", timeout=TIMEOUT_MS)
    tab_to(page, f"() => document.activeElement.closest('{png}') !== null")
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.keyboard.press("Enter")
    path = tmp_path / "view.png"
    info.value.save_as(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"date={day}" in page.url and "segment=POL-BLR" in page.url
    page.screenshot(path=ARTIFACTS_DIR / "keyboard_walk_export.png")
    assert page_log.problems() == []
