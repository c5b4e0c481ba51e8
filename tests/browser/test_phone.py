"""A phone (390 x 844, touch) and a tablet (768 x 1024): the map first, nothing wider than them.

Issue 18: the map is in the first screen without scrolling and takes at least half of it; the
sidebar starts collapsed; the legend folds; popups fit; no horizontal scroll, on the page or in
the map's frame; the presenter puts the caption above the map and Previous / Next under the
thumb. Screenshots go to ``tests/artifacts/phone_*.png`` (``docs/phone.png`` is one of them).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Frame, Page

from explorer.ui import state

from .helpers import (
    ARTIFACTS_DIR,
    COMPONENT_IFRAME,
    TIMEOUT_MS,
    PageLog,
    is_local_url,
    map_frame,
    wait_idle,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
SCREENS = {"phone": PHONE, "tablet": TABLET}
#: A tap target's smallest side (WCAG 2.5.5's 44 CSS px).
TAP_PX = 44


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def device(browser: Browser, page_log: PageLog, screen: str) -> Iterator[Page]:
    """A page on the phone (touch, 2x pixels) or the tablet; outside hosts blocked as usual."""
    phone = screen == "phone"
    context = browser.new_context(
        viewport=SCREENS[screen],
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
    )
    context.route("**/*", page_log.route)
    context.route_web_socket(lambda url: not is_local_url(url), page_log.route_websocket)
    page = context.new_page()
    page.on("console", page_log.on_console)
    page.on("pageerror", page_log.on_page_error)
    try:
        yield page
    finally:
        context.close()


#: Elements whose right edge passes the window's (Streamlit scrolls its main area itself, so
#: the document's scroll width alone would not see a too-wide table in it). A box that scrolls
#: sideways on purpose, inside the screen (``.bfe-table-wrap``), may hold wider content.
_WIDER_JS = """() => {
  const w = window.innerWidth, out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.right > w + 1 && !e.closest('.bfe-table-wrap')) {
      const name = e.getAttribute('data-testid') || e.getAttribute('class') || e.tagName;
      out.push(name + ' ' + Math.round(r.right));
    }
  }
  const scroll = document.scrollingElement.scrollWidth - w;
  return scroll > 0 ? ['document ' + scroll, ...out] : out;
}"""


#: In the map's frame the map clips its own drawing: only the document may not scroll sideways.
_FRAME_WIDER_JS = """() => {
  const scroll = document.scrollingElement.scrollWidth - window.innerWidth;
  return scroll > 0 ? ['document ' + scroll] : [];
}"""


def overflow(page: Page, frame: Frame) -> dict[str, list[str]]:
    """What is wider than the window, on the page and in the map's frame (empty: nothing)."""
    return {"page": page.evaluate(_WIDER_JS)[:8], "map": frame.evaluate(_FRAME_WIDER_JS)}


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


def test_explorer_map_first_sidebar_collapsed_nothing_wider(
    server, device: Page, page_log: PageLog, screen: str
):
    page = device
    page.goto(f"{server.url}/?date=2026-02-20")
    frame = map_frame(page, min_paths=20)
    wait_idle(page)
    page.wait_for_timeout(500)
    height = page.viewport_size["height"]
    page.screenshot(path=ARTIFACTS_DIR / f"phone_explorer_{screen}.png")
    # The map: wholly in the first screen, at least half of it.
    the_map = box(page, COMPONENT_IFRAME)
    assert page.evaluate("() => window.scrollY") == 0
    assert the_map["y"] >= 0 and the_map["y"] + the_map["height"] <= height, the_map
    assert the_map["height"] >= 0.5 * height, the_map
    # The sidebar starts collapsed (Streamlit's "auto" on a narrow screen).
    sidebar = box(page, '[data-testid="stSidebar"]')
    assert sidebar["x"] + sidebar["width"] <= 1, sidebar
    assert overflow(page, frame) == {"page": [], "map": []}
    legend = page.locator("details.bfe-legend-fold")
    if screen == "phone":  # folded, under the map; it unfolds
        page.wait_for_function("() => !document.querySelector('details.bfe-legend-fold').open")
        assert box(page, "details.bfe-legend-fold")["y"] > the_map["y"] + the_map["height"]
        summary = legend.locator("summary")
        assert summary.bounding_box()["height"] >= TAP_PX
        summary.tap()
        page.wait_for_function("() => document.querySelector('details.bfe-legend-fold').open")
        assert legend.locator(".bfe-legend-item").first.is_visible()
    else:
        assert legend.evaluate("d => d.open")
    # The panels below: the border-lengths table fits the screen's width too.
    table = page.locator(".bfe-table").first
    table.scroll_into_view_if_needed()
    wrap = box(page, ".bfe-table-wrap")
    assert table.bounding_box()["width"] <= wrap["width"] + 0.5
    assert wrap["x"] + wrap["width"] <= page.viewport_size["width"]
    assert overflow(page, frame) == {"page": [], "map": []}
    page.screenshot(path=ARTIFACTS_DIR / f"phone_explorer_{screen}_full.png", full_page=True)
    assert page_log.problems() == []


def test_a_popup_fits_the_screen(server, device: Page, page_log: PageLog, screen: str):
    page = device
    page.goto(f"{server.url}/?layers=borders,basemap&date=2026-02-20&lat=60.5&lon=29&zoom=6")
    frame = map_frame(page, min_paths=3)
    wait_idle(page)
    frame.evaluate(
        """() => { let hit = null;
                   window.map.eachLayer(l => {
                       if (!hit && l.feature && String(l.feature.id).startsWith('FIN-RUS')) hit = l;
                   });
                   const at = hit.getBounds().getCenter();
                   window.map.setView(at, 6, {animate: false});
                   hit.fire('click', {latlng: at}, true); }"""
    )
    popup = frame.locator(".leaflet-popup")
    popup.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(600)  # the popup pans the map to show itself
    width = frame.evaluate("() => window.innerWidth")
    found = popup.bounding_box()
    frame_box = box(page, COMPONENT_IFRAME)
    # Within the map's frame, and so within the screen.
    assert found["x"] - frame_box["x"] >= 0, found
    assert found["x"] - frame_box["x"] + found["width"] <= width, (found, width)
    page.screenshot(path=ARTIFACTS_DIR / f"phone_popup_{screen}.png")
    assert overflow(page, frame) == {"page": [], "map": []}
    assert page_log.problems() == []


def test_compare_mode_fits(server, device: Page, page_log: PageLog, screen: str):
    page = device
    page.goto(f"{server.url}/?date=2026-03-01&compare=2025-01-01")
    frame = map_frame(page, min_paths=20)
    frame.wait_for_function(
        "() => document.body.getAttribute('data-bfe-compare-ready')", timeout=TIMEOUT_MS
    )
    wait_idle(page)
    page.screenshot(path=ARTIFACTS_DIR / f"phone_compare_{screen}.png")
    assert overflow(page, frame) == {"page": [], "map": []}
    assert page_log.problems() == []


def test_presenter_caption_above_the_map_buttons_under_the_thumb(
    server, device: Page, page_log: PageLog, screen: str
):
    page = device
    page.goto(f"{server.url}/?mode=present&chapter=3")
    frame = map_frame(page)
    wait_idle(page)
    page.wait_for_timeout(800)
    height, width = page.viewport_size["height"], page.viewport_size["width"]
    page.screenshot(path=ARTIFACTS_DIR / f"phone_presenter_{screen}.png")
    caption = box(page, ".st-key-presenter_caption")
    the_map = box(page, COMPONENT_IFRAME)
    assert caption["y"] + caption["height"] <= the_map["y"], (caption, the_map)
    assert overflow(page, frame) == {"page": [], "map": []}
    buttons = {}
    for key in (state.PRESENTER_PREVIOUS, state.PRESENTER_NEXT):
        found = box(page, f".st-key-{key} button")
        buttons[key] = found
        # On the screen as it opens (no scrolling), big enough for a thumb.
        assert 0 <= found["y"] and found["y"] + found["height"] <= height, (key, found)
        assert found["x"] >= 0 and found["x"] + found["width"] <= width, (key, found)
        assert found["height"] >= TAP_PX and found["width"] >= TAP_PX, (key, found)
    if screen == "phone":  # a bar at the bottom of the screen, Previous left, Next right
        for found in buttons.values():
            assert found["y"] >= height - 90, found
        assert buttons[state.PRESENTER_PREVIOUS]["x"] < buttons[state.PRESENTER_NEXT]["x"]
        # Still there after scrolling to the map: the bar stays on the screen.
        page.mouse.move(width / 2, height / 3)
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(300)
        assert box(page, f".st-key-{state.PRESENTER_NEXT} button")["y"] >= height - 90
        page.locator(f".st-key-{state.PRESENTER_NEXT} button").tap()
    else:
        page.locator(f".st-key-{state.PRESENTER_NEXT} button").click()
    page.wait_for_function("() => location.search.includes('chapter=4')", timeout=TIMEOUT_MS)
    assert page_log.problems() == []
