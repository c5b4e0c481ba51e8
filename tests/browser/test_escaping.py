"""Hostile text runs nothing: an uploaded overlay and a query string full of HTML payloads.

The payloads set ``window.__xss`` (and an ``alert`` would fire a dialog) if any of them ever ran;
they must instead be shown as text: in the sidebar, the legend, the popups and tooltips, the
link notices. Offline, like every browser test (outside requests are blocked and logged).
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from playwright.sync_api import Dialog, Frame, Page

from .helpers import ARTIFACTS_DIR, TIMEOUT_MS, PageLog, map_frame, wait_idle

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=1</script>"
ALERT = "<img src=y onerror=alert(1)>"
#: For file names: the upload widget percent-encodes double quotes in names, so none here.
FILE_IMG = "<img src=x onerror=window.__xss=1>"

pytestmark = pytest.mark.browser


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Every dialog the page opens (an alert from a payload would be one), dismissed."""
    seen: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return seen


def _nothing_ran(page: Page, frame: Frame, dialogs: list[str]) -> None:
    for where in (page, frame):
        assert where.evaluate("typeof window.__xss") == "undefined"
        assert where.evaluate("typeof window.parent.__xss") == "undefined"
    assert dialogs == []


def _hostile_overlay() -> bytes:
    ring = [[21.0, 52.0], [22.0, 52.0], [22.0, 52.6], [21.0, 52.6], [21.0, 52.0]]
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": IMG, SCRIPT: ALERT},
                    "geometry": {"type": "Point", "coordinates": [20.6, 52.3]},
                },
                {
                    "type": "Feature",
                    "properties": {"name": SCRIPT, IMG: "value"},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                },
            ],
        }
    ).encode()


def _open(frame: Frame, kind: str, event: str) -> None:
    """Fire ``event`` on the overlay feature whose geometry is a ``kind`` (Point, Polygon)."""
    frame.evaluate(
        """([kind, event]) => {
            const m = Object.values(window).find(v => v && v._leaflet_id && v.getCenter);
            let hit = null;
            m.eachLayer(l => {
                if (!hit && l.feature && String(l.feature.id).startsWith("overlay-")
                    && l.feature.geometry.type === kind) { hit = l; }
            });
            const at = hit.getLatLng ? hit.getLatLng() : hit.getBounds().getCenter();
            hit.fire(event, {latlng: at}, true);
        }""",
        [kind, event],
    )


def test_overlay_payloads_are_shown_as_text(server, page: Page, page_log: PageLog, dialogs):
    page.goto(f"{server.url}/?layers=borders,basemap&lat=52.3&lon=21.3&zoom=8")
    frame = map_frame(page)
    wait_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('input[type="file"]').set_input_files(
        files=[
            {
                "name": f"{FILE_IMG}.geojson",
                "mimeType": "application/geo+json",
                "buffer": _hostile_overlay(),
            }
        ]
    )
    sidebar.get_by_text("On the map:").wait_for(timeout=TIMEOUT_MS)
    frame = map_frame(page)
    frame.wait_for_selector("path.bfe-layer-overlay", state="attached", timeout=TIMEOUT_MS)
    wait_idle(page)
    assert f"On the map: {FILE_IMG}.geojson (1 point, 1 polygon)." in sidebar.inner_text()
    legend = page.locator('[data-testid="stMain"] .bfe-legend')
    assert f"Your overlay: {FILE_IMG}.geojson" in legend.inner_text()
    assert legend.locator("img, script").count() == 0

    for kind, title, shown in (("Point", IMG, [SCRIPT, ALERT]), ("Polygon", SCRIPT, [IMG])):
        _open(frame, kind, "click")
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for(timeout=TIMEOUT_MS)
        text = popup.inner_text()
        assert f"Your overlay: {FILE_IMG}.geojson" in text
        for payload in [title, *shown]:
            assert payload in text
        assert popup.locator("img, script").count() == 0
        page.wait_for_timeout(400)  # Leaflet fades popups in
        page.screenshot(path=ARTIFACTS_DIR / f"escaping_popup_{kind.lower()}.png")
        _open(frame, kind, "mouseover")
        tooltip = frame.locator(".leaflet-tooltip").last
        tooltip.wait_for(timeout=TIMEOUT_MS)
        assert title in tooltip.inner_text() and tooltip.locator("img, script").count() == 0
        frame.evaluate(
            "() => Object.values(window).find(v => v && v._leaflet_id && v.closePopup).closePopup()"
        )
    assert (
        frame.locator(".leaflet-container img[src='x'], .leaflet-container img[src='y']").count()
        == 0
    )
    _nothing_ran(page, frame, dialogs)

    # A bad file with a hostile name: a clear message as text, the overlay and map unchanged.
    paths_before = frame.locator("path.bfe-layer-overlay").count()
    sidebar.locator('input[type="file"]').set_input_files(
        files=[
            {"name": f"{SCRIPT}.geojson", "mimeType": "application/geo+json", "buffer": b"[1, 2]"}
        ]
    )
    error = sidebar.get_by_text("was not added")
    error.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    assert error.inner_text().startswith(f"{SCRIPT}.geojson was not added: Expected a GeoJSON")
    assert frame.locator("path.bfe-layer-overlay").count() == paths_before
    assert f"On the map: {FILE_IMG}.geojson" in sidebar.inner_text()
    page.screenshot(path=ARTIFACTS_DIR / "escaping_overlay.png", full_page=True)
    _nothing_ran(page, frame, dialogs)
    assert page_log.problems() == []


def test_query_string_payloads_are_shown_as_text(server, page: Page, page_log: PageLog, dialogs):
    query = "&".join(
        [
            f"segment={quote(SCRIPT)}",
            f"lang={quote(IMG)}",
            f"layers={quote(ALERT)}",
            f"date={quote(SCRIPT)}",
            f"{quote(IMG)}=1",
        ]
    )
    page.goto(f"{server.url}/?{query}")
    frame = map_frame(page)
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    for key, payload in (("segment", SCRIPT), ("lang", IMG), ("date", SCRIPT)):
        assert f"{key}={payload!r}" in text or f"{key}='{payload}'" in text, text[:2000]
    assert main.locator("img[src='x'], img[src='y']").count() == 0
    assert page.locator("script:text('window.__xss')").count() == 0
    page.screenshot(path=ARTIFACTS_DIR / "escaping_query.png", full_page=True)
    _nothing_ran(page, frame, dialogs)
    assert page_log.problems() == []
