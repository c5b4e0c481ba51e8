"""The map's legend as HTML: the app's map and the HTML export show the same rows.

Rows come from :func:`explorer.legend.legend_items` (what the scene shows,
:func:`explorer.scene.shown_categories`); :func:`legend_html` writes them with CSS swatches,
:func:`legend_control` puts them on a folium map.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from branca.element import MacroElement
from folium.template import Template

from explorer import legend
from explorer.text import html_text

__all__ = ["legend_control", "legend_html"]

_CSS_DASH: Final[dict[str | None, str]] = {None: "solid", "8 6": "dashed", "2 5": "dotted"}


def _swatch(item: legend.LegendItem) -> str:
    colour = html_text(item["colour"])
    opacity = f"{float(item['opacity']):.2f}"
    if item["kind"] == "line":
        weight = max(1.0, min(float(item["weight"]), 8.0))
        dash = _CSS_DASH.get(item["dash"], "dashed")
        return (
            '<span class="bfe-swatch" style="display:inline-block;width:30px;height:0;'
            f"vertical-align:middle;border-top:{weight:g}px {dash} {colour};"
            f'opacity:{opacity}"></span>'
        )
    if item["kind"] == "point":
        return (
            '<span class="bfe-swatch" style="display:inline-block;width:12px;height:12px;'
            f"margin:0 9px;vertical-align:middle;border-radius:50%;background:{colour};"
            f'border:2px solid #fff;box-shadow:0 0 0 1px #999;opacity:{opacity}"></span>'
        )
    if item["kind"] == "label":  # a figure written on the map: a hollow dashed ring
        return (
            '<span class="bfe-swatch" style="display:inline-block;width:12px;height:12px;'
            "margin:0 9px;vertical-align:middle;border-radius:50%;background:#fff;"
            'border:2.5px dashed #555"></span>'
        )
    background = colour
    if item["hatch"]:
        background = f"repeating-linear-gradient(45deg,{colour} 0 2px,transparent 2px 6px)"
    ink = "#222"
    background = {  # treaty statuses that carry a pattern (greyscale), as on the map
        "..": f"radial-gradient({ink} 1px,transparent 1.3px) 0 0/5px 5px,{colour}",
        "///": f"repeating-linear-gradient(45deg,{ink} 0 1px,{colour} 1px 5px)",
        "xx": f"repeating-linear-gradient(45deg,{ink} 0 1px,transparent 1px 5px),"
        f"repeating-linear-gradient(-45deg,{ink} 0 1px,{colour} 1px 5px)",
    }.get(item.get("pattern") or "", background)
    outline = item["outline"]
    dash = _CSS_DASH.get(item["dash"], "solid")
    border = f"1.5px {dash} {html_text(outline)}" if outline else "none"
    return (
        '<span class="bfe-swatch" style="display:inline-block;width:26px;height:14px;'
        f"margin:0 2px;vertical-align:middle;background:{background};border:{border};"
        f'opacity:{opacity};box-sizing:border-box"></span>'
    )


def legend_html(items: Iterable[legend.LegendItem]) -> str:
    """Render legend items as a self-contained HTML fragment (inline styles, escaped text).

    Parameters
    ----------
    items : iterable of LegendItem
        From :func:`explorer.legend.legend_items`.

    Returns
    -------
    str
        ``<div class="bfe-legend">`` with one heading per group and one row per item; an empty
        string when there is nothing to show.

    Examples
    --------
    >>> "Border segments" in legend_html(legend.legend_items(["borders"]))
    True
    >>> legend_html([])
    ''
    """
    rows: list[str] = []
    group = None
    for item in items:
        if item["group"] != group:
            group = item["group"]
            rows.append(
                '<div class="bfe-legend-group" style="font-weight:600;margin:6px 0 2px">'
                f"{html_text(group)}</div>"
            )
        rows.append(
            f'<div class="bfe-legend-item" data-layer="{html_text(item["layer"])}"'
            ' style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            f'{_swatch(item)}<span class="bfe-legend-label">{html_text(item["label"])}</span></div>'
        )
    if not rows:
        return ""
    return (
        '<div class="bfe-legend" style="font-size:12px;line-height:1.3;color:#222">'
        + "".join(rows)
        + "</div>"
    )


class _LegendControl(MacroElement):
    """A Leaflet control holding :func:`legend_html` (for standalone HTML exports)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "leaflet-control bfe-legend-control");
                div.style.background = "rgba(255,255,255,0.92)";
                div.style.padding = "6px 10px";
                div.style.borderRadius = "4px";
                div.style.boxShadow = "0 1px 4px rgba(0,0,0,0.3)";
                div.style.maxHeight = "60vh";
                div.style.overflowY = "auto";
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend: str, position: str) -> None:
        super().__init__()
        self._name = "LegendControl"
        self.html = legend
        self.position = position


def legend_control(
    items: Iterable[legend.LegendItem], *, position: str = "bottomright"
) -> MacroElement:
    """Return a map control showing the legend, for the standalone HTML export.

    In the Streamlit app the legend is rendered outside the map with :func:`legend_html`, so it
    follows the visible layers without touching the map.

    Parameters
    ----------
    items : iterable of LegendItem
        From :func:`explorer.legend.legend_items`.
    position : str, default "bottomright"
        Leaflet control position.

    Returns
    -------
    branca.element.MacroElement
        Add it to a map with ``.add_to(m)`` (before :func:`explorer.web.assets.apply_offline_assets`
        or after: it needs no asset).
    """
    return _LegendControl(legend_html(items), position)
