"""The map layer in a real browser: data drawn offline; a layer toggles, the map stays mounted."""

from __future__ import annotations

import pytest
from playwright.sync_api import Frame, Page

from explorer import style

from .helpers import ARTIFACTS_DIR, COMPONENT_IFRAME, TIMEOUT_MS, PageLog

ALL = ",".join(style.LAYER_IDS)

pytestmark = pytest.mark.browser


def _count(frame: Frame, selector: str) -> int:
    return int(frame.evaluate("sel => document.querySelectorAll(sel).length", selector))


def _center(frame: Frame) -> tuple[float, float]:
    lat, lng = frame.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]")
    return round(lat, 5), round(lng, 5)


def _wait_count(frame: Frame, selector: str, predicate: str) -> None:
    """Wait until ``document.querySelectorAll(selector).length`` satisfies ``n => predicate``."""
    frame.wait_for_function(
        f"([sel]) => {{ const n = document.querySelectorAll(sel).length; return {predicate}; }}",
        arg=[selector],
        timeout=TIMEOUT_MS,
    )


def _shot(page: Page, name: str) -> None:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / name), full_page=True)


def _open_popup(frame: Frame, feature_id: str) -> str:
    """Click the feature with ``feature_id`` (a Leaflet click event) and return its popup text.

    The popup is bound to the feature's GeoJSON layer and opens for the child that was clicked, as
    with a mouse click; a real click on a line a few pixels wide would be fragile.
    """
    found = frame.evaluate(
        """fid => {
            for (const layer of Object.values(window.map._layers)) {
                if (layer.feature && layer.feature.id === fid) {
                    const parts = layer.getLatLngs().flat(3);
                    const latlng = parts[Math.floor(parts.length / 2)];
                    layer.fire("click", {latlng: latlng}, true);
                    return true;
                }
            }
            return false;
        }""",
        feature_id,
    )
    assert found, feature_id
    frame.wait_for_selector(".leaflet-popup-content .bfe-popup", state="visible")
    # a synthetic click also opens the tooltip, which a real pointer would have opened on hover
    frame.evaluate(
        "() => window.map.eachLayer(layer => layer.closeTooltip && layer.closeTooltip())"
    )
    frame.wait_for_function(
        "getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'",
        timeout=TIMEOUT_MS,
    )
    return frame.locator(".leaflet-popup-content").inner_text()


def test_layers_draw_and_toggle_without_remount(server, page: Page, page_log: PageLog) -> None:
    if True:  # the real app (this was a probe page of the old st_folium bridge)
        page.goto(f"{server.url}/?layers={ALL}&date=2026-11-22", timeout=TIMEOUT_MS)
        handle = page.wait_for_selector(COMPONENT_IFRAME, state="attached", timeout=TIMEOUT_MS)
        frame = handle.content_frame()
        assert frame is not None
        _wait_count(frame, "path.bfe-layer-borders", "n >= 11")
        _wait_count(frame, "path.bfe-layer-east-shield", "n > 0")
        page.wait_for_function(
            "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
        )

        # every data layer is drawn, over a sea-coloured, tile-less background
        for layer in ("treaty", "east-shield", "pl-by-barrier", "pl-ru-barrier",
                      "baltic-defence-line", "border-fence"):  # fmt: skip
            assert _count(frame, f"path.bfe-layer-{layer}") > 0, layer
        assert _count(frame, "path.bfe-layer-treaty") == 11
        assert _count(frame, ".leaflet-bfe-land-pane path") > 30
        assert _count(frame, ".leaflet-bfe-lakes-pane path") > 30
        assert _count(frame, ".leaflet-tile") == 0
        background = frame.evaluate(
            "getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor"
        )
        assert background == "rgb(181, 208, 230)"  # style.SEA_COLOUR
        # corridors are hatched with the SVG patterns
        fill = frame.evaluate(
            "getComputedStyle(document.querySelector('path.bfe-corridor-east-shield')).fill"
        )
        assert 'url("#bfe-hatch-east-shield")' in fill
        frame.wait_for_selector(".leaflet-control-measure", timeout=TIMEOUT_MS)  # after drawing
        assert frame.locator(".leaflet-control-measure").is_visible()
        assert frame.locator(".leaflet-control-scale").is_visible()
        assert "Natural Earth" in frame.locator(".leaflet-control-attribution").inner_text()
        assert page.locator('.bfe-legend-item[data-layer="east-shield"]').count() == 1
        _shot(page, "map_layers_default.png")

        # hover a country: the treaty tooltip
        box = frame.locator(".leaflet-container").bounding_box()  # page coordinates
        assert box is not None
        x, y = frame.evaluate(
            "() => { const p = window.map.latLngToContainerPoint([53.6, 28.0]);"
            " return [p.x, p.y]; }"
        )
        page.mouse.move(box["x"] + x, box["y"] + y)
        frame.wait_for_selector(".leaflet-tooltip", state="visible", timeout=TIMEOUT_MS)
        assert "Belarus" in frame.locator(".leaflet-tooltip").inner_text()

        # mark the Leaflet instance, pan and zoom, then toggle a layer off and on
        frame.evaluate("() => { window.map.__bfeMarker = 'first-mount'; }")
        frame.evaluate("() => window.map.setView([53.2, 23.7], 8, {animate: false})")
        page.mouse.move(5, 5)
        all_paths = _count(frame, "path.leaflet-interactive")
        east_paths = _count(frame, "path.bfe-layer-east-shield")

        text = _open_popup(frame, "POL-BLR-osm-land")
        assert "Official length" in text and "418.0 km" in text
        assert "Measured length" in text and "Why they differ" in text
        _shot(page, "map_layers_popup.png")
        frame.evaluate("() => window.map.closePopup()")
        center = _center(frame)  # the popup may have panned the map to fit

        page.locator('[data-testid="stSidebar"]').get_by_text(
            "East Shield (Poland)", exact=True
        ).click()
        _wait_count(frame, "path.bfe-layer-east-shield", "n === 0")
        _wait_count(frame, "path.bfe-layer-borders", "n >= 11")
        assert _count(frame, "path.leaflet-interactive") == all_paths - east_paths
        assert frame.evaluate("() => window.map.__bfeMarker") == "first-mount"
        assert _center(frame) == center
        page.wait_for_selector('.bfe-legend-item[data-layer="east-shield"]', state="detached")
        _shot(page, "map_layers_toggled.png")

        page.locator('[data-testid="stSidebar"]').get_by_text(
            "East Shield (Poland)", exact=True
        ).click()
        _wait_count(frame, "path.bfe-layer-east-shield", f"n === {east_paths}")
        assert _count(frame, "path.leaflet-interactive") == all_paths
        assert frame.evaluate("() => window.map.__bfeMarker") == "first-mount"
        assert _center(frame) == center
        # The legend is re-rendered by each rerun; wait for the run to settle before the shot.
        page.wait_for_function(
            "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
        )
        legend = page.locator(".bfe-legend").first
        legend.wait_for(state="visible", timeout=TIMEOUT_MS)
        page.screenshot(path=str(ARTIFACTS_DIR / "map_layers_legend.png"), full_page=True)

    assert page_log.problems() == []
