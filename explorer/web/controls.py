"""The folium map's own controls: decor, metric scale, every feature under a click, the canvas.

Each is a small ``MacroElement`` (a piece of script folium writes into the page): the
sea-coloured background with the hatch patterns and popup CSS (:mod:`explorer.web.decor`), a
metric-only scale bar, the "N features here" popup that offers every feature under a click
(works along one border line overlap), and the canvas layer that draws a large analyst's
overlay. :mod:`explorer.web.folium_map` puts them on the map.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from branca.element import MacroElement
from folium.template import Template

from explorer import style
from explorer.i18n import t
from explorer.text import attribution_html
from explorer.web import decor

__all__ = ["CANVAS_JS", "CanvasOverlay", "EveryFeatureUnderClick", "MapDecor", "MetricScale"]

#: The canvas layer's script (ours, not vendored), inlined into each large overlay's map script so
#: it works in saved HTML too: nothing to fetch, nothing from a CDN.
CANVAS_JS: Final[Path] = Path(__file__).resolve().parent.parent / "static" / "overlay_canvas.js"


_hatch_svg = decor.hatch_svg
_map_css = decor.map_css


class MapDecor(MacroElement):
    """Sea-coloured map background, corridor hatch patterns and popup CSS, set up by script.

    Done in JavaScript (not the page header) so it works alike in saved HTML and in ``st_folium``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var container = map.getContainer();
            container.classList.add("bfe-map");
            container.style.background = {{ this.sea|tojson }};
            // Always credited, whichever layers are on (the basemap can be switched off).
            map.attributionControl.addAttribution({{ this.attribution|tojson }});
            if (!document.getElementById("bfe-defs")) {
                var defs = document.createElement("div");
                defs.id = "bfe-defs";
                defs.innerHTML = {{ this.svg|tojson }};
                document.body.appendChild(defs);
                var css = document.createElement("style");
                css.textContent = {{ this.css|tojson }};
                document.head.appendChild(css);
            }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self._name = "MapDecor"
        self.sea = style.SEA_COLOUR
        self.svg = _hatch_svg()
        self.css = _map_css()
        self.attribution = attribution_html(lang)


class MetricScale(MacroElement):
    """A scale bar in kilometres only (no miles), bottom left."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, position: "bottomleft"})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class EveryFeatureUnderClick(MacroElement):
    """Offer every feature under a click, not only the top one (works on one border line).

    When a feature's popup opens and other features lie under the same point (Leaflet's own
    hit test, ``_containsPoint``), a popup listing them all opens instead: each feature's title
    (its tooltip) and, folded, its popup, the clicked one open. The texts come from the
    features' ``tooltip`` and ``popup`` properties, already escaped HTML.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var head = {{ this.head|tojson }};
            var ORDER = {"Point": 0, "LineString": 1, "MultiLineString": 1};
            map.on("popupopen", function (e) {
                var popup = e.popup, src = popup._source;
                if (popup._bfeMerged || !src || !src.feature || !src.feature.properties) { return; }
                var p = map.latLngToLayerPoint(popup.getLatLng()), hits = [src];
                map.eachLayer(function (l) {
                    var pr = l.feature && l.feature.properties;
                    if (l === src || !pr || !pr.popup || !l._containsPoint) { return; }
                    try { if (l._containsPoint(p)) { hits.push(l); } } catch (err) { }
                });
                if (hits.length < 2) { return; }
                hits.sort(function (a, b) {
                    if (a === src) { return -1; } if (b === src) { return 1; }
                    var ka = ORDER[a.feature.geometry.type], kb = ORDER[b.feature.geometry.type];
                    return (ka === undefined ? 2 : ka) - (kb === undefined ? 2 : kb);
                });
                var html = '<div class="bfe-multi"><div class="bfe-multi-head">' +
                    head.replace("{n}", String(hits.length)) + "</div>";
                hits.forEach(function (l, i) {
                    var pr = l.feature.properties;
                    html += "<details" + (i === 0 ? " open" : "") + "><summary>" +
                        (pr.tooltip || "") + "</summary>" + pr.popup + "</details>";
                });
                html += "</div>";
                var at = popup.getLatLng();
                setTimeout(function () {
                    map.closePopup(popup);
                    var merged = L.popup({maxWidth: 380}).setLatLng(at).setContent(html);
                    merged._bfeMerged = true;
                    merged.openOn(map);
                }, 0);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self._name = "EveryFeatureUnderClick"
        self.head = t("map.features_here", lang)


class CanvasOverlay(MacroElement):
    """Many points, lines or polygons on one canvas (``benchmarks/large_overlay_app.py``'s way).

    The data (:func:`explorer.overlay.display.canvas_data`) arrives once, coordinates as base64
    float32; :data:`CANVAS_JS` redraws what is in view into one ``<canvas>`` on every ``moveend``
    and opens a popup (escaped HTML from the data) for the feature clicked.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
        {{ this.library }}
        bfeCanvasOverlay(
          {{ this._parent.get_name() }}, {{ this.data|tojson }}, {{ this.pane|tojson }}
        );
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: Mapping[str, Any], pane: str) -> None:
        super().__init__()
        self._name = "CanvasOverlay"
        self.library = CANVAS_JS.read_text(encoding="utf-8")
        self.data = dict(data)
        self.pane = pane
