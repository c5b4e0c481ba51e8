"""The map draws in a real browser with outside hosts blocked: in st_folium and as saved HTML."""

from __future__ import annotations

import re
import time
import urllib.request
from pathlib import Path

import folium
import folium.plugins
import pytest
from playwright.sync_api import Frame, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from explorer.web.assets import standalone_html

from .helpers import ARTIFACTS_DIR, PageLog, stage_page, start_streamlit

PROBE = Path(__file__).parent / "pages" / "offline_probe.py"
COMPONENT_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.browser


def _st_folium_frame(page: Page) -> Frame:
    """Return the st_folium component's frame (the iframe starts at height 0: wait 'attached')."""
    handle = page.wait_for_selector(COMPONENT_IFRAME, state="attached", timeout=TIMEOUT_MS)
    frame = handle.content_frame()
    assert frame is not None
    return frame


def _check_map(frame: Frame, *, min_paths: int) -> None:
    """Assert the Leaflet map, its GeoJSON paths, marker icon and controls are drawn."""
    frame.wait_for_selector(".leaflet-container", state="visible", timeout=TIMEOUT_MS)
    frame.wait_for_function(
        "document.querySelectorAll('path.leaflet-interactive').length > 0", timeout=TIMEOUT_MS
    )
    assert frame.locator("path.leaflet-interactive").count() >= min_paths
    frame.wait_for_function(
        "[...document.querySelectorAll('img.leaflet-marker-icon')]"
        ".some(img => img.complete && img.naturalWidth > 0)",
        timeout=TIMEOUT_MS,
    )
    assert frame.locator(".leaflet-control-measure").is_visible()
    assert frame.locator(".leaflet-control-layers").is_visible()
    # is_visible() does not see clipping: a map wider than its iframe hides the right-hand controls
    # The component iframe grows from height 0 to its final size after the map is drawn, so wait
    # (under load this can take a while) for every control to lie inside the frame.
    clipped_js = """() => [...document.querySelectorAll('.leaflet-control')]
            .map(el => [el.className, el.getBoundingClientRect()])
            .filter(([, r]) => r.left < 0 || r.top < 0
                || r.right > window.innerWidth || r.bottom > window.innerHeight)
            .map(([name]) => name)"""
    try:
        frame.wait_for_function(f"({clipped_js})().length === 0", timeout=TIMEOUT_MS)
    except PlaywrightTimeoutError:
        pass
    assert frame.evaluate(clipped_js) == []
    # the measure toggle's icon comes from leaflet-measure's vendored images
    toggle_bg = frame.locator(".leaflet-control-measure-toggle").evaluate(
        "el => getComputedStyle(el).backgroundImage"
    )
    assert "rulers" in toggle_bg or toggle_bg.startswith('url("data:image/png')


def _check_tooltip_and_popup(frame: Frame) -> None:
    """Hover the polygon for its GeoJsonTooltip; click it for its GeoJsonPopup."""
    polygon = frame.locator("path.leaflet-interactive").first
    polygon.hover()
    frame.wait_for_selector(".leaflet-tooltip", state="visible", timeout=TIMEOUT_MS)
    polygon.click()
    frame.wait_for_selector(".leaflet-popup-content", state="visible", timeout=TIMEOUT_MS)
    assert "probe" in frame.locator(".leaflet-popup-content").inner_text()
    _wait_popup_opaque(frame)


def _wait_popup_opaque(frame: Frame, selector: str = ".leaflet-popup") -> None:
    """Wait for a popup's fade-in to finish, so a screenshot shows it fully."""
    frame.wait_for_function(
        "sel => getComputedStyle(document.querySelector(sel)).opacity === '1'",
        arg=selector,
        timeout=TIMEOUT_MS,
    )


def _check_measure(page: Page, frame: Frame) -> None:
    """Measure a 300 px line with leaflet-measure; compare with Leaflet's own distance (1 %)."""
    frame.locator(".leaflet-control-measure").hover()  # the control expands on hover
    frame.locator(".leaflet-control-measure .js-start").click()
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None
    start, end = (100, 300), (400, 300)  # container pixels
    for x, y in (start, end):
        page.mouse.click(box["x"] + x, box["y"] + y)
    frame.locator(".leaflet-control-measure .js-finish").click()
    result = ".leaflet-measure-resultpopup"
    frame.wait_for_selector(result, state="visible", timeout=TIMEOUT_MS)
    text = frame.locator(result).inner_text()
    match = re.search(r"([\d,]+) Meters", text)
    assert match, text
    measured_m = int(match.group(1).replace(",", ""))
    expected_m = frame.evaluate(
        "([a, b]) => map_div.distance("
        "map_div.containerPointToLatLng(a), map_div.containerPointToLatLng(b))",
        [list(start), list(end)],
    )
    assert measured_m == pytest.approx(expected_m, rel=0.01), text
    _wait_popup_opaque(frame, result)


def test_st_folium_map_draws_offline(page: Page, page_log: PageLog, tmp_path: Path) -> None:
    script = stage_page(PROBE, tmp_path / "probe")
    with start_streamlit(script) as server:
        with urllib.request.urlopen(f"{server.url}/app/static/vendor/leaflet/leaflet.js") as resp:
            assert resp.status == 200
            assert "javascript" in resp.headers["Content-Type"]

        started = time.monotonic()
        page.goto(server.url, timeout=TIMEOUT_MS)
        frame = _st_folium_frame(page)
        _check_map(frame, min_paths=3)  # polygon and line of the GeoJson, the CircleMarker
        drawn_s = time.monotonic() - started

        iframe_box = page.locator(COMPONENT_IFRAME).bounding_box()
        assert iframe_box is not None and iframe_box["height"] >= 400, iframe_box
        _check_tooltip_and_popup(frame)

        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS_DIR / "offline_probe.png"))
        _check_measure(page, frame)
        page.screenshot(path=str(ARTIFACTS_DIR / "offline_probe_measure.png"))

    print(f"st_folium map drawn {drawn_s:.2f} s after navigation")
    assert page_log.problems() == []


def test_standalone_html_draws_offline(page: Page, page_log: PageLog, tmp_path: Path) -> None:
    m = folium.Map(location=[53.0, 23.0], zoom_start=6, tiles=None)
    folium.GeoJson(
        {"type": "Polygon", "coordinates": [[[21, 52], [24, 52], [24, 54], [21, 52]]]},
        tooltip="probe tooltip",
    ).add_to(m)
    folium.Marker([52.5, 25.5], popup=folium.Popup("<b>probe popup</b>")).add_to(m)
    folium.plugins.MeasureControl().add_to(m)
    folium.LayerControl().add_to(m)
    html_path = tmp_path / "map.html"
    html_path.write_text(standalone_html(m), encoding="utf-8")

    page.goto(html_path.as_uri())
    _check_map(page.main_frame, min_paths=1)
    page.locator("img.leaflet-marker-icon").click()
    page.wait_for_selector(".leaflet-popup-content", state="visible", timeout=TIMEOUT_MS)
    _wait_popup_opaque(page.main_frame)
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "offline_standalone.png"))

    assert page_log.problems() == []
