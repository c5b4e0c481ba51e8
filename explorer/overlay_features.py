"""An analyst's overlay as display data: GeoJSON with escaped popups, compact points, legend rows.

Pure and folium-free (like :mod:`explorer.features`), so the result can be kept in session state
and tested as data; :func:`explorer.maps.overlay_group` turns it into a folium layer. Every
property name and value, and the file name, comes from an untrusted file: each is passed through
:func:`html.escape` before it becomes HTML (folium's ``GeoJsonTooltip``/``GeoJsonPopup`` and
Leaflet's ``setContent`` insert the strings as HTML).
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import shapely
from shapely.geometry import mapping

from explorer import i18n, style
from explorer.overlay import KINDS

if TYPE_CHECKING:
    from explorer.overlay import Overlay

__all__ = [
    "CANVAS_MIN_POINTS",
    "KINDS",
    "OVERLAY_COLOUR",
    "label_column",
    "legend_items",
    "overlay_collection",
    "path_style",
    "popup_html",
    "tooltip_html",
]

#: The overlay's colour (Paul Tol's indigo: apart from every programme and treaty colour).
OVERLAY_COLOUR: Final[str] = "#332288"
#: From this many points on, points are drawn on one canvas from typed arrays (the technique
#: measured in ``benchmarks/large_overlay_app.py``), with a short label each instead of a table.
CANVAS_MIN_POINTS: Final[int] = 2000
#: Popups list at most this many properties, each value cut to this many characters.
POPUP_MAX_PROPERTIES: Final[int] = 25
POPUP_MAX_CHARS: Final[int] = 200
#: Canvas labels and tooltips are cut to this many characters.
LABEL_MAX_CHARS: Final[int] = 60
#: Coordinates sent to the browser keep 5 decimals (about 1 m).
DECIMALS: Final[int] = 5
#: Property names (lower case) that name a feature, in order of preference.
_LABEL_NAMES: Final[tuple[str, ...]] = ("name", "title", "label", "id")


def _esc(value: object) -> str:
    """Return ``value`` as escaped HTML text ("" for None/NaN), braces as character references.

    Examples
    --------
    >>> _esc("{{ 7*7 }}<b>")
    '&#123;&#123; 7*7 &#125;&#125;&lt;b&gt;'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    # Braces too: folium re-reads rendered scripts as Jinja templates when it writes a whole page
    # (the HTML export), so "{{ ... }}" in text would be evaluated there (template injection).
    return html.escape(str(value), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def label_column(columns: list[str]) -> str | None:
    """Return the property that names a feature (name, title, label or id; any case), if any."""
    lower = {str(c).lower(): c for c in reversed(columns)}
    return next((lower[n] for n in _LABEL_NAMES if n in lower), None)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def tooltip_html(props: Mapping[str, Any], n: int, lang: str = "en") -> str:
    """Return the escaped tooltip of feature ``n`` (1-based): a name-like property or "Feature n".

    Examples
    --------
    >>> tooltip_html({"name": "<img src=x onerror=alert(1)>"}, 1)
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> tooltip_html({}, 3)
    'Feature 3'
    """
    names = {str(k).lower(): v for k, v in reversed(props.items()) if not _blank(v)}
    label = next((names[n] for n in _LABEL_NAMES if n in names), None)
    if label is not None:
        return _esc(_cut(str(label), LABEL_MAX_CHARS))
    return _esc(i18n.t("overlay.popup.feature", lang, n=n))


def popup_html(props: Mapping[str, Any], n: int, name: str, lang: str = "en") -> str:
    """Return the escaped popup of feature ``n``: the overlay's name and a table of properties.

    Examples
    --------
    >>> html_ = popup_html({"<b>k</b>": '"><script>x()</script>'}, 1, "f.geojson")
    >>> "<script>" in html_, "&lt;script&gt;" in html_, "&lt;b&gt;k&lt;/b&gt;" in html_
    (False, True, True)
    """
    rows = []
    items = [(k, v) for k, v in props.items() if not _blank(v)]
    for key, value in items[:POPUP_MAX_PROPERTIES]:
        rows.append(
            f"<tr><th>{_esc(_cut(str(key), LABEL_MAX_CHARS))}</th>"
            f"<td>{_esc(_cut(str(value), POPUP_MAX_CHARS))}</td></tr>"
        )
    extra = ""
    if len(items) > POPUP_MAX_PROPERTIES:
        more = i18n.t("overlay.popup.more", lang, n=len(items) - POPUP_MAX_PROPERTIES)
        extra = f"<p>{_esc(more)}</p>"
    if not rows:
        extra = f"<p>{_esc(i18n.t('overlay.popup.none', lang))}</p>"
    title = i18n.t("overlay.legend.group", lang, name=name)
    heading = f"{_esc(title)} · {_esc(i18n.t('overlay.popup.feature', lang, n=n))}"
    return (
        '<div class="bfe-popup bfe-overlay-popup">'
        f"<h4>{heading}</h4><table>{''.join(rows)}</table>{extra}</div>"
    )


def path_style(kind: str) -> dict[str, object]:
    """Return the Leaflet path style of overlay ``point``, ``line`` or ``polygon`` features.

    Examples
    --------
    >>> path_style("polygon")["fillColor"]
    '#332288'
    """
    base: dict[str, object] = {
        "color": OVERLAY_COLOUR,
        "weight": 2.5,
        "opacity": 0.95,
        "className": "bfe-layer-overlay",
    }
    if kind == "point":
        return {**base, "color": "#ffffff", "weight": 1.5, "fillColor": OVERLAY_COLOUR,
                "fillOpacity": 0.9, "radius": 6}  # fmt: skip
    if kind == "polygon":
        return {**base, "weight": 2.0, "fillColor": OVERLAY_COLOUR, "fillOpacity": 0.25}
    if kind == "line":
        return base
    raise ValueError(f"unknown overlay kind {kind!r}; expected point, line or polygon")


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.round(c, DECIMALS))


def overlay_collection(overlay: Overlay, lang: str = "en") -> dict:
    """Return the overlay as display data (plain JSON-able; keep it, build folium from it).

    Parameters
    ----------
    overlay : Overlay
        From :func:`explorer.overlay.read_overlay`.
    lang : {"en", "pl"}, default "en"
        Language of the popups' fixed text.

    Returns
    -------
    dict
        ``name`` (escaped HTML of the legend heading), ``kinds`` (counts), and per kind a GeoJSON
        FeatureCollection under ``point``, ``line``, ``polygon`` whose features carry escaped
        ``tooltip`` and ``popup`` properties; with :data:`CANVAS_MIN_POINTS` points or more,
        ``canvas`` instead of ``point``: ``coords`` (base64 little-endian float32 lon, lat pairs),
        ``labels`` (escaped HTML, one per point) and ``count``.
    """
    gdf = overlay.gdf
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    records = gdf[columns].to_dict("records")
    geoms = gdf.geometry.values
    kinds = gdf.geometry.geom_type.map(KINDS).to_numpy(dtype=object)
    out: dict[str, Any] = {
        "name": _esc(i18n.t("overlay.legend.group", lang, name=overlay.name)),
        "kinds": {k: int((kinds == k).sum()) for k in ("point", "line", "polygon")},
    }
    point_rows = np.flatnonzero(kinds == "point")
    big = len(point_rows) >= CANVAS_MIN_POINTS
    if big:
        coords = [shapely.get_coordinates(geoms[i]) for i in point_rows]
        owners = np.repeat(point_rows, [len(c) for c in coords])
        xy = np.concatenate(coords).astype("<f4")
        out["canvas"] = {
            "coords": base64.b64encode(xy.tobytes()).decode("ascii"),
            "labels": [tooltip_html(records[i], int(i) + 1, lang) for i in owners],
            "count": len(xy),
        }
    for kind in ("point", "line", "polygon"):
        if kind == "point" and big:
            continue
        feats = [
            {
                "type": "Feature",
                "id": f"overlay-{i + 1}",
                "properties": {
                    "layer": "overlay",
                    "tooltip": tooltip_html(records[i], int(i) + 1, lang),
                    "popup": popup_html(records[i], int(i) + 1, overlay.name, lang),
                },
                "geometry": mapping(_round(geoms[i])),
            }
            for i in np.flatnonzero(kinds == kind)
        ]
        if feats:
            out[kind] = {"type": "FeatureCollection", "features": feats}
    return out


def legend_items(overlay: Overlay, lang: str = "en") -> list[style.LegendItem]:
    """Return legend rows for the overlay: one per kind present, under "Your overlay: <name>".

    The texts are plain (the file name as given): :func:`explorer.maps.legend_html` escapes
    them for HTML and :mod:`explorer.render` draws them as text.
    """
    group = i18n.t("overlay.legend.group", lang, name=overlay.name)
    items = []
    for kind, n in overlay.counts().items():
        if not n:
            continue
        s = path_style(kind)
        items.append(
            style.LegendItem(
                layer="overlay",
                group=group,
                label=i18n.t(f"overlay.legend.{kind}", lang, n=f"{n:,}"),
                kind="fill" if kind == "polygon" else kind,  # type: ignore[typeddict-item]
                colour=OVERLAY_COLOUR,
                dash=None,
                weight=float(s["weight"]),
                opacity=0.6 if kind == "polygon" else 0.95,
                hatch=False,
                outline=OVERLAY_COLOUR if kind == "polygon" else None,
            )
        )
    return items
