"""The exported standalone HTML map draws its features in headless Chromium, network blocked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page

from explorer import export, style

from .helpers import ARTIFACTS_DIR, PageLog

pytestmark = pytest.mark.browser

TIMEOUT_MS = 20_000

#: Find folium's map variable (``map_<id>``) in the page.
_MAP_JS = "Object.values(window).find(v => v instanceof L.Map)"


def test_exported_html_draws_features_offline(
    page: Page, page_log: PageLog, dataset, tmp_path: Path
) -> None:
    path = export.export(
        dataset,
        out_path=tmp_path / "view.html",
        layers=style.LAYER_IDS,
        date=dt.date(2026, 2, 20),
        bbox=(19.0, 51.5, 27.0, 56.5),
        title="Exported view",
    )

    page.goto(path.as_uri())
    page.wait_for_function(
        "document.querySelectorAll('path.bfe-layer-borders').length > 5", timeout=TIMEOUT_MS
    )
    for layer in ("treaty", "east-shield", "pl-by-barrier", "baltic-defence-line"):
        assert page.locator(f"path.bfe-layer-{layer}").count() > 0, layer
    # the basemap (land and lakes) is drawn too, and the map sits on the exported box
    assert page.locator("path").count() > 60
    bounds = page.evaluate(
        f"(() => {{ const b = ({_MAP_JS}).getBounds(); "
        "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )
    assert bounds[0] <= 19.5 and bounds[2] >= 26.5 and bounds[1] <= 52.0 and bounds[3] >= 56.0

    assert page.locator(".bfe-legend-item").count() >= 10
    assert page.get_by_text("Exported view").is_visible()
    assert page.get_by_text("data as of", exact=False).first.is_visible()

    # a popup with the feature's sources opens on click (Leaflet event: lines are thin)
    page.evaluate(
        f"""(() => {{
            const map = {_MAP_JS};
            for (const layer of Object.values(map._layers)) {{
                if (layer.feature && layer.feature.id === "POL-BLR-osm-land") {{
                    const pts = layer.getLatLngs().flat(3);
                    layer.fire("click", {{latlng: pts[Math.floor(pts.length / 2)]}}, true);
                    return;
                }}
            }}
        }})()"""
    )
    # the border and what lies under the same point (every feature is offered): the first
    popup = page.locator(".leaflet-popup-content .bfe-popup").first
    popup.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "Sources" in popup.inner_text()

    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "export_html.png"))
    assert page_log.problems() == []


def test_exported_html_offers_every_feature_under_a_click(
    page: Page, page_log: PageLog, dataset, tmp_path: Path
) -> None:
    path = export.export(
        dataset,
        out_path=tmp_path / "many.html",
        layers=style.LAYER_IDS,
        date=dt.date(2026, 6, 1),
        bbox=(19.0, 51.5, 27.0, 56.5),
    )
    page.goto(path.as_uri())
    page.wait_for_function(
        "document.querySelectorAll('path.bfe-layer-borders').length > 5", timeout=TIMEOUT_MS
    )
    # a vertex of a work that lies on a border line: the work and the border are both there
    clicked = page.evaluate(
        f"""(() => {{
            const map = {_MAP_JS};
            for (const layer of Object.values(map._layers)) {{
                const f = layer.feature;
                if (!f || !layer.getLatLngs || !String(layer.options.className || "")
                        .match(/bfe-layer-(east-shield|border-fence|pl-ru-barrier)/)) continue;
                const pts = layer.getLatLngs().flat(3);
                const at = pts[Math.floor(pts.length / 2)];
                layer.fire("click", {{latlng: at}}, true);
                return f.id;
            }}
            return null;
        }})()"""
    )
    assert clicked
    popup = page.locator(".leaflet-popup-content .bfe-multi")
    popup.wait_for(timeout=TIMEOUT_MS)
    assert popup.locator("details").count() >= 2
    assert "features here" in popup.inner_text()
    page.screenshot(path=str(ARTIFACTS_DIR / "export_html_many.png"))
    assert page_log.problems() == []
