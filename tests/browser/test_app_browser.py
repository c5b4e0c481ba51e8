"""The real app in headless Chromium, offline: features drawn, toggles, permalinks, no leaks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Frame, Page

from .helpers import ARTIFACTS_DIR, TIMEOUT_MS, PageLog, map_frame, wait_idle

pytestmark = pytest.mark.browser


def _paths(frame: Frame) -> int:
    return frame.locator("path.leaflet-interactive").count()


def _wait_paths_change(frame: Frame, before: int) -> int:
    frame.wait_for_function(
        f"() => document.querySelectorAll('path.leaflet-interactive').length !== {before}",
        timeout=TIMEOUT_MS,
    )
    return _paths(frame)


def test_map_draws_offline_without_errors(server, page: Page, page_log: PageLog):
    page.goto(server.url)
    frame = map_frame(page, min_paths=50)  # layers arrive one by one: wait for them all
    assert frame.locator(".leaflet-control-scale").is_visible()
    assert "OpenStreetMap" in frame.locator(".leaflet-control-attribution").inner_text()
    wait_idle(page)
    page.screenshot(path=ARTIFACTS_DIR / "app_default.png", full_page=True)
    assert page_log.problems() == []


def test_toggle_changes_drawing_and_keeps_the_view(server, page: Page, page_log: PageLog):
    page.goto(server.url)
    frame = map_frame(page, min_paths=20)
    wait_idle(page)
    # Mark this Leaflet instance and pan it; a re-mount would lose both.
    frame.evaluate(
        """() => { const m = Object.values(window).find(v => v && v._leaflet_id && v.getCenter);
                   window.__probe = m; m.setView([54.0, 23.0], 6, {animate: false}); }"""
    )
    before = _paths(frame)
    page.locator('[data-testid="stSidebar"]').get_by_text(
        "Mine Ban Treaty status", exact=True
    ).click()
    after = _wait_paths_change(frame, before)
    assert after < before
    wait_idle(page)
    center = frame.evaluate(
        "() => { const m = window.__probe, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"
    )
    assert center == pytest.approx([54.0, 23.0, 6], abs=0.01)
    same = frame.evaluate("() => Object.values(window).some(v => v === window.__probe)")
    assert same, "the map was re-created"
    assert "treaty" not in re.search(r"layers=([^&]*)", page.url).group(1)
    # The permalink follows the live view (kept by the browser, no rerun) ...
    assert "lat=54.0000" in page.url and "lon=23.0000" in page.url and "zoom=6" in page.url
    assert page_log.problems() == []
    # ... and opening it restores the view.
    page.goto(page.url)
    frame = map_frame(page, min_paths=20)
    frame.wait_for_function(
        """() => { const m = Object.values(window).find(v => v && v._leaflet_id && v.getCenter);
                   return m && Math.abs(m.getCenter().lat - 54) < 0.01 && m.getZoom() === 6; }""",
        timeout=TIMEOUT_MS,
    )


def test_permalink_restores_layers_and_date(server, page: Page, page_log: PageLog):
    page.goto(
        f"{server.url}/?layers=borders,pl-by-barrier,east-shield&date=2026-02-20&segment=POL-BLR"
    )
    frame = map_frame(page, min_paths=20)
    wait_idle(page)
    # The layer toggles (the sidebar's compare-mode toggle is a checkbox input too).
    boxes = page.locator('[data-testid="stSidebar"] [class*="st-key-layer_"] input')
    checked = [boxes.nth(i).is_checked() for i in range(boxes.count())]
    assert checked == [True, True, True, False, False, False, False, False]
    assert "2026-02-20" in page.locator('[data-testid="stSidebar"]').inner_text()
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Poland–Belarus" in body and "418" in body and "404.6" in body
    assert re.search(r"withdrawn: [^\n]*Poland", body)
    page.screenshot(path=ARTIFACTS_DIR / "app_permalink_pol_blr.png", full_page=True)
    assert _paths(frame) > 0
    assert page_log.problems() == []


def test_popup_shows_sources(server, page: Page, page_log: PageLog):
    page.goto(f"{server.url}/?layers=borders&date=2026-02-20&lat=52.6&lon=23.6&zoom=7")
    frame = map_frame(page, min_paths=20)
    wait_idle(page)
    frame.evaluate(
        """() => { const m = Object.values(window).find(v => v && v._leaflet_id && v.getCenter);
                   let hit = null;
                   m.eachLayer(l => {
                       if (!hit && l.feature && String(l.feature.id).startsWith('POL-BLR')) hit = l;
                   });
                   const at = hit.getBounds ? hit.getBounds().getCenter() : m.getCenter();
                   hit.fire('click', {latlng: at}, true); }"""
    )
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=TIMEOUT_MS)
    text = popup.inner_text()
    assert "418" in text and "km" in text
    assert popup.locator("a[href^='http']").count() >= 1
    page.screenshot(path=ARTIFACTS_DIR / "app_popup.png")
    assert page_log.problems() == []


def test_export_panel_downloads_the_live_view(server, page: Page, page_log: PageLog, tmp_path):
    page.goto(server.url)
    frame = map_frame(page, min_paths=20)
    wait_idle(page)
    frame.evaluate(
        """() => { const m = Object.values(window).find(v => v && v._leaflet_id && v.getCenter);
                   m.setView([53.0, 23.5], 7, {animate: false}); }"""
    )
    page.wait_for_function("() => location.search.includes('zoom=7')", timeout=TIMEOUT_MS)
    page.locator('[data-testid="stSidebar"]').get_by_text("Border fences", exact=True).click()
    page.wait_for_function("() => !location.search.includes('border-fence')", timeout=TIMEOUT_MS)
    wait_idle(page)
    page.get_by_text("Export this view (map or data)").click()
    caption = page.get_by_text(re.compile(r"\(W, S – E, N\)"))
    caption.wait_for(timeout=TIMEOUT_MS)
    assert "view -" in caption.inner_text()  # still the opening view: panning did not rerun
    # The user asks for the map's current view: one rerun, and the panel follows the map.
    button = page.frame_locator('iframe[srcdoc*="current view"]').get_by_text(
        "Use the map's current view"
    )
    button.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('p')].some(p => /view 1\\d\\./.test(p.textContent))",
        timeout=TIMEOUT_MS,
    )
    west, south, east, north = map(
        float,
        re.search(
            r"view ([-\d.]+), ([-\d.]+) – ([-\d.]+), ([-\d.]+)", caption.inner_text()
        ).groups(),
    )
    assert west < 23.5 < east and south < 53.0 < north and east - west < 12
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.get_by_test_id("stExpanderDetails").get_by_role("button", name="PNG image").click()
    path = tmp_path / "view.png"
    info.value.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    assert width >= 1600
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.get_by_test_id("stExpanderDetails").get_by_role(
            "button", name="CSV", exact=True
        ).click()
    csv_text = info.value.path().read_text(encoding="utf-8")
    assert "sources" in csv_text.splitlines()[0] and "OpenStreetMap" in csv_text
    assert "border-fence" not in csv_text.split("\n", 1)[1].split(",")[0]
    page.screenshot(path=ARTIFACTS_DIR / "app_export_panel.png")
    assert page_log.problems() == []


_ORDER_JS = """
(() => {
  if (window !== window.top) { return; }
  window.__order = {};
  const stamp = (k) => {
    if (window.__order[k] === undefined) { window.__order[k] = performance.now(); }
  };
  setInterval(() => {
    if (document.querySelector('[data-testid="stSidebar"] [data-testid="stCheckbox"]')) {
      stamp("controls");
    }
    for (const f of document.querySelectorAll("iframe")) {
      try {
        if (f.contentDocument && f.contentDocument.body &&
            f.contentDocument.body.getAttribute("data-bfe-ready")) { stamp("map"); }
      } catch (e) { }
    }
  }, 5);
})();
"""
_FIND_MAP = "Object.values(window).find(v => v && v._leaflet_id && v.getCenter)"
#: The sidebar's layer checkboxes (the compare-mode toggle is an ``stCheckbox`` too).
_LAYER_TOGGLES = '[data-testid="stSidebar"] [class*="st-key-layer_"] [data-testid="stCheckbox"]'


def test_the_map_comes_first_and_the_controls_follow_without_a_remount(
    server, page: Page, page_log: PageLog
):
    """First paint: the map is drawn before the sidebar's widgets exist; the rest follows."""
    page.add_init_script(script=_ORDER_JS)
    page.goto(server.url + "?date=2026-02-20")
    frame = map_frame(page, min_paths=20)
    frame.evaluate(f"() => {{ window.__probe = {_FIND_MAP}; }}")  # a re-mount would lose it
    checkboxes = page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]')
    checkboxes.first.wait_for(timeout=TIMEOUT_MS)  # the controls arrive once the map is drawn
    wait_idle(page)
    order = page.evaluate("() => window.__order")
    assert order["map"] < order["controls"], order
    assert page.locator(_LAYER_TOGGLES).count() == 8
    assert page.get_by_text("Border lengths").first.is_visible()
    assert frame.evaluate(f"() => window.__probe !== undefined && {_FIND_MAP} === window.__probe")
    assert "date=2026-02-20" in page.url
    assert page_log.problems() == []


def test_a_map_that_never_reports_still_gets_the_whole_page(server, page: Page):
    """The map's script blocked: a timer draws the controls anyway (a few seconds later)."""
    page.route("**/*bfe_map/map.js", lambda route: route.abort())
    requests: list[str] = []
    page.on("requestfailed", lambda r: requests.append(r.url))
    page.goto(server.url)
    checkboxes = page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]')
    checkboxes.first.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    assert page.locator(_LAYER_TOGGLES).count() == 8
    assert page.get_by_text("Border lengths").first.is_visible()
    assert any(u.endswith("bfe_map/map.js") for u in requests), requests  # it was blocked
