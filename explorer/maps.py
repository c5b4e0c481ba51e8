"""The folium map: an offline vector base map, one FeatureGroup per data layer, and the legend.

Made for ``st_folium(m, feature_group_to_add=groups, returned_objects=[...], key="map")``: the base
map from :func:`build_base_map` depends only on its arguments (same arguments, same Leaflet script,
so Streamlit never re-mounts it), while everything that changes with the date, the visible layers
or the language travels in the FeatureGroups from :func:`layer_groups`. Build a fresh base map on
every run (``st_folium`` adds the groups to it); cache the inputs, not the ``folium.Map``.

Every string from the data is passed through :func:`html.escape` before it becomes HTML; links
are made only of ``http(s)://`` URLs. folium's ``GeoJsonTooltip``/``GeoJsonPopup`` insert property
values into ``innerHTML`` unescaped, so the properties used here hold that already-escaped HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium.template import Template
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from explorer import geometry, style, timeline
from explorer.config import DATA_AS_OF, DISPLAY_CRS, GEODATA_DIR, METRIC_CRS
from explorer.map_assets import apply_offline_assets

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = [
    "ATTRIBUTION",
    "BASEMAP_FILES",
    "PANES",
    "border_features",
    "build_base_map",
    "fortification_features",
    "layer_groups",
    "legend_control",
    "legend_html",
    "load_basemap",
    "treaty_features",
]

#: Shown in Leaflet's attribution control (bottom right) through the basemap layer.
ATTRIBUTION: Final[str] = (
    '© <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">'
    "OpenStreetMap</a> contributors (ODbL) · "
    '<a href="https://www.naturalearthdata.com/" target="_blank" rel="noopener">Natural Earth</a>'
    " (public domain)"
)

#: The display-only basemap files written by ``scripts/build_basemap.py``.
BASEMAP_FILES: Final[dict[str, str]] = {
    "countries": "basemap_countries.geojson",
    "lakes": "basemap_lakes.geojson",
}

#: Map panes (Leaflet z-index) so drawing order does not depend on the order layers are added in:
#: land < treaty shading < lakes < corridors < fortification bands < borders < sites.
#: (Leaflet's own: tiles 200, overlays 400, markers 600, tooltips 650, popups 700.)
PANES: Final[dict[str, int]] = {
    "bfe-land": 210,
    "bfe-shading": 300,
    "bfe-lakes": 350,
    "bfe-corridors": 390,
    "bfe-forts": 410,
    "bfe-borders": 450,
    "bfe-points": 500,
}

#: Coordinates sent to the browser keep 4 decimals (about 10 m); shaded countries, simplified to
#: 2 km, keep 3 (about 100 m).
DISPLAY_DECIMALS: Final[int] = 4
SHADING_DECIMALS: Final[int] = 3
#: Douglas–Peucker tolerances for display (metres): border and fortification lines, corridors,
#: country shading.
LINE_SIMPLIFY_M: Final[float] = 150.0
CORRIDOR_SIMPLIFY_M: Final[float] = 250.0
SHAPE_SIMPLIFY_M: Final[float] = 2000.0
#: Shaded country polygons drop holes and islands smaller than these: the basemap's lakes are drawn
#: over the shading anyway, and a tiny unshaded island costs nothing in meaning.
SHADING_MIN_HOLE_KM2: Final[float] = 500.0
SHADING_MIN_PART_KM2: Final[float] = 50.0

#: Initial view limits: the basemap's extent (lat/lon) with a margin.
_MAX_BOUNDS: Final[dict[str, float]] = {
    "min_lat": 40.0,
    "max_lat": 74.0,
    "min_lon": -2.0,
    "max_lon": 51.0,
}

_TREATY_NAMES: Final[dict[str, str]] = {
    "APMBC": "Mine Ban Treaty (Ottawa Convention, APMBC)",
    "CCM": "Convention on Cluster Munitions (CCM)",
}

_PRECISION_TEXT: Final[dict[str, str]] = {
    "exact": "exact: surveyed line or boundary dataset",
    "approximate": "approximate: sourced place or line; the exact extent is not public",
    "corridor": "corridor: somewhere within the drawn strip along the border",
}

#: Why official and measured border lengths differ (shown in every border popup).
_WHY_LENGTHS_DIFFER: Final[str] = (
    "Official figures follow the border treaties and count water boundaries (rivers, lakes, "
    "lagoons, sea) as the surveyors did, while the measured length is geodesic on the WGS84 "
    "ellipsoid along the OpenStreetMap land border, with Natural Earth's generalised line where "
    "the land polygons do not touch, so counting rules and generalisation make them differ."
)

_LANGS: Final[tuple[str, ...]] = ("en", "pl")

_TO_METRIC: Final = Transformer.from_crs(DISPLAY_CRS, METRIC_CRS, always_xy=True)

#: Fortification bands along a border: gaps up to this are bridged, spurs shorter than
#: :data:`BAND_MIN_PART_M` dropped (display only; lengths come from the data).
BAND_MAX_GAP_M: Final[float] = 2000.0
BAND_MIN_PART_M: Final[float] = 300.0


# --- Small helpers ----------------------------------------------------------------------------


def _esc(value: object) -> str:
    """Return ``value`` as escaped HTML text ("" for None/NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _safe_url(value: object) -> str | None:
    """Return the URL if it is an ``http(s)://`` URL, else None (no javascript:, data:, ...)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def _km(value: object) -> str:
    """Format a length in km: one decimal, thin thousands separator; "—" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):,.1f} km".replace(",", "\u202f")


def _name_column(lang: str) -> str:
    if lang not in _LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {list(_LANGS)}")
    return f"name_{lang}"


def _round(geom: BaseGeometry, decimals: int) -> BaseGeometry:
    return shapely.transform(geom, lambda c: np.round(c, decimals))


def _approx_km2(poly: Polygon) -> float:
    """Area of a small lon/lat polygon in km², on a local equirectangular scale (for filtering)."""
    km_per_deg = 111.32
    return poly.area * km_per_deg * km_per_deg * math.cos(math.radians(poly.centroid.y))


def _drop_small_parts(geom: BaseGeometry, min_hole_km2: float, min_part_km2: float) -> BaseGeometry:
    """Remove holes and polygon parts smaller than the given areas."""
    polys = []
    for part in shapely.get_parts(geom):
        if not isinstance(part, Polygon) or _approx_km2(part) < min_part_km2:
            continue
        holes = [r for r in part.interiors if _approx_km2(Polygon(r)) >= min_hole_km2]
        polys.append(Polygon(part.exterior, holes))
    return shapely.MultiPolygon(polys) if len(polys) != 1 else polys[0]


def _display(
    geom: BaseGeometry | None,
    tolerance_m: float,
    *,
    min_hole_km2: float = 0.0,
    min_part_km2: float = 0.0,
    decimals: int = DISPLAY_DECIMALS,
) -> BaseGeometry | None:
    """Simplify (metres) and round a geometry for the browser; None if nothing is left."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon") and (min_hole_km2 or min_part_km2):
        geom = _drop_small_parts(geom, min_hole_km2, min_part_km2)
    if geom.geom_type != "Point":
        geom = geometry.simplify_m(geom, tolerance_m)
    geom = _round(geom, decimals)
    return None if geom.is_empty else geom


def _chain_lines(geom: BaseGeometry, *, max_gap_m: float, min_part_m: float) -> BaseGeometry:
    """Join line parts into as few chains as possible, bridging gaps up to ``max_gap_m``.

    The OpenStreetMap land border comes in many pieces separated by tolerance gaps (up to 2 km,
    the build's ``MIN_GAP_M``) and tiny spurs. Drawn as is, a wide dashed band restarts its dash
    pattern on every piece and mostly vanishes. For display only: the nearest free ends are
    joined greedily (closest pair first), parts shorter than ``min_part_m`` are dropped.
    """
    parts = [
        np.asarray(p.coords)
        for p in shapely.get_parts(shapely.line_merge(geom))
        if isinstance(p, LineString) and len(p.coords) >= 2
    ]
    if len(parts) < 2:
        return geom
    chains, ends = [], []
    for coords in parts:
        x, y = _TO_METRIC.transform(coords[:, 0], coords[:, 1])
        if np.hypot(np.diff(x), np.diff(y)).sum() >= min_part_m:
            chains.append(coords)
            ends.extend([(x[0], y[0]), (x[-1], y[-1])])
    if not chains:
        return geom
    end_xy = np.asarray(ends, dtype=float)  # row 2i: start of chain i, row 2i + 1: its end
    alive = np.ones(len(chains), dtype=bool)
    while alive.sum() > 1:
        rows = np.flatnonzero(np.repeat(alive, 2))
        pts = end_xy[rows]
        dist = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
        owner = rows // 2
        dist[owner[:, None] == owner[None, :]] = np.inf
        a, b = divmod(int(np.argmin(dist)), len(rows))
        if dist[a, b] > max_gap_m:
            break
        ra, rb = rows[a], rows[b]
        i, j = ra // 2, rb // 2
        head = chains[i] if ra % 2 else chains[i][::-1]  # ends where the join is
        tail = chains[j] if rb % 2 == 0 else chains[j][::-1]  # starts where the join is
        start_xy = end_xy[2 * i] if ra % 2 else end_xy[2 * i + 1]
        stop_xy = end_xy[2 * j + 1] if rb % 2 == 0 else end_xy[2 * j]
        chains[i] = np.concatenate([head, tail])
        end_xy[2 * i], end_xy[2 * i + 1] = start_xy, stop_xy
        alive[j] = False
    return MultiLineString([c for c, keep in zip(chains, alive, strict=True) if keep])


def _row(label: str, value_html: str) -> str:
    return f"<tr><th>{_esc(label)}</th><td>{value_html}</td></tr>" if value_html else ""


def _sources_html(ds: Dataset, source_ids: Iterable[str]) -> str:
    """Return a list of sources (publisher, title, date) as links where the URL is http(s)."""
    items = []
    for sid in source_ids:
        if sid not in ds.sources.index:
            items.append(f"<li>{_esc(sid)}</li>")
            continue
        src = ds.sources.loc[sid]
        text = f"{_esc(src['publisher'])}: <i>{_esc(src['title'])}</i>"
        if _esc(src["date"]):
            text += f" ({_esc(src['date'])})"
        url = _safe_url(src["url"])
        if url:
            text = f'<a href="{_esc(url)}" target="_blank" rel="noopener noreferrer">{text}</a>'
        items.append(f"<li>{text}</li>")
    if not items:
        return ""
    return '<div class="bfe-sources"><b>Sources</b><ul>' + "".join(items) + "</ul></div>"


def _popup(title: str, rows: Sequence[str], paragraphs: Sequence[str], sources: str) -> str:
    """Assemble a popup from escaped parts: heading, table rows, paragraphs, source list."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs if p)
    return (
        '<div class="bfe-popup">'
        f"<h4>{title}</h4>"
        f"<table>{''.join(rows)}</table>{body}{sources}"
        "</div>"
    )


def _feature(fid: str, layer: str, geom: BaseGeometry, tooltip: str, popup: str) -> dict:
    return {
        "type": "Feature",
        "id": fid,
        "properties": {"layer": layer, "tooltip": tooltip, "popup": popup},
        "geometry": mapping(geom),
    }


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _country_name(ds: Dataset, iso3: str, lang: str) -> str:
    column = _name_column(lang)
    return str(ds.countries.loc[iso3, column]) if iso3 in ds.countries.index else iso3


# --- Feature collections (pure data: cache these) ----------------------------------------------


def border_features(ds: Dataset, *, lang: str = "en") -> dict:
    """Return the border segments as a FeatureCollection, one feature per line piece.

    Each piece keeps its precision (``exact`` OSM land border, ``approximate`` Natural Earth gap
    fill) and its segment's priority; tooltip and popup hold escaped HTML with the official length
    (with source), the measured length and why the two differ.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    lang : {"en", "pl"}, default "en"
        Language of segment names.

    Returns
    -------
    dict
        GeoJSON FeatureCollection; properties ``layer``, ``priority``, ``precision``, ``tooltip``,
        ``popup``. Coordinates simplified to :data:`LINE_SIMPLIFY_M` and rounded.
    """
    name_col = _name_column(lang)
    segments = ds.segments.set_index("id")
    features = []
    for piece in ds.border_lines.itertuples(index=False):
        seg = segments.loc[piece.segment_id]
        geom = _display(piece.geometry, LINE_SIMPLIFY_M)
        if geom is None:
            continue
        name = _esc(seg[name_col])
        part = f" ({_esc(seg['official_part'])})" if _esc(seg["official_part"]) else ""
        official = _km(seg["official_km"]) + part if seg["official_km"] is not None else "—"
        measured = (
            f"{_km(seg['measured_km'])} ({_km(seg['measured_exact_km'])} exact OSM land border"
            f" + {_km(seg['measured_approx_km'])} approximate Natural Earth line)"
        )
        precision = _PRECISION_TEXT.get(piece.precision, piece.precision)
        piece_text = f"{_km(piece.measured_km)}, {_esc(precision)}"
        rows = [
            _row("Official length", _esc(official)),
            _row("Measured length", _esc(measured)),
            _row("This piece", piece_text),
            _row("Priority", _esc(seg["priority"])),
        ]
        popup = _popup(
            name,
            rows,
            [f"<b>Why they differ.</b> {_esc(_WHY_LENGTHS_DIFFER)}", _esc(seg["note"])],
            _sources_html(ds, [*seg["official_sources"], *piece.sources]),
        )
        tooltip = (
            f"<b>{name}</b><br>official {_esc(_km(seg['official_km']))} · "
            f"measured {_esc(_km(seg['measured_km']))}"
        )
        feat = _feature(piece.id, "borders", geom, tooltip, popup)
        feat["properties"].update(priority=seg["priority"], precision=piece.precision)
        features.append(feat)
    # Required segments last, so they are drawn over the others where they meet.
    features.sort(key=lambda f: (f["properties"]["priority"] == "required", f["id"]))
    return _collection(features)


def _fort_measured_km(ds: Dataset, rec: Mapping[str, Any]) -> tuple[float | None, str]:
    """Measured length of a fortification and what it was measured along."""
    if rec["derive_method"] in ("segment", "corridor") and rec["derive_segments"]:
        seg_km = ds.segments.set_index("id")["measured_km"]
        total = float(sum(seg_km.get(s, 0.0) for s in rec["derive_segments"]))
        return total, "along the border segment(s) it follows: " + ", ".join(rec["derive_segments"])
    geom = rec["geometry"]
    if isinstance(geom, LineString | MultiLineString):
        return geometry.geodesic_length_m(geom) / 1000.0, "along the drawn line"
    return None, ""


def fortification_features(ds: Dataset, programme: str, *, date: dt.date, lang: str = "en") -> dict:
    """Return one programme's fortifications as they were on ``date``.

    A feature appears from its announcement (or, without one, its start) and is styled by its state
    on that day: ``announced``, ``under-construction`` or ``complete``
    (:func:`explorer.timeline.fortification_state`).

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    programme : str
        One of :data:`explorer.schema.PROGRAMMES`.
    date : datetime.date
        The day shown.
    lang : {"en", "pl"}, default "en"
        Language of feature names.

    Returns
    -------
    dict
        GeoJSON FeatureCollection; properties ``layer``, ``programme``, ``precision``, ``state``,
        ``tooltip``, ``popup``.
    """
    name_col = _name_column(lang)
    style.hatch_pattern_id(programme)  # validates the programme
    forts = ds.fortifications[ds.fortifications["programme"] == programme]
    features = []
    for rec in forts.to_dict("records"):
        state = timeline.fortification_state(
            rec["announced_date"], rec["start_date"], rec["completed_date"], date
        )
        if state is None:
            continue
        geom = rec["geometry"]
        if isinstance(geom, LineString | MultiLineString):
            geom = _chain_lines(geom, max_gap_m=BAND_MAX_GAP_M, min_part_m=BAND_MIN_PART_M)
        tolerance = CORRIDOR_SIMPLIFY_M if rec["precision"] == "corridor" else LINE_SIMPLIFY_M
        geom = _display(geom, tolerance)
        if geom is None:
            continue
        name = _esc(rec[name_col])
        state_text = style.FORT_STATES[state]
        measured, along = _fort_measured_km(ds, rec)
        official = _km(rec["length_km"]) if _esc(rec["length_km"]) else ""
        if official and _esc(rec["length_note"]):
            official += f" ({rec['length_note']})"
        dates = [
            _row(label, _esc(rec[key]))
            for key, label in (
                ("announced", "Announced"),
                ("start", "Construction started"),
                ("completed", "Completed"),
                ("target", "Target"),
            )
        ]
        width = rec["derive_width_km"]
        precision = _PRECISION_TEXT[rec["precision"]]
        if rec["precision"] == "corridor" and _esc(width):
            precision += f" ({float(width):g} km deep)"
        rows = [
            _row("Programme", _esc(style.LAYER_TITLES[programme])),
            _row("Type", _esc(str(rec["element"]).replace("-", " "))),
            _row("Country", _esc(_country_name(ds, rec["country"], lang))),
            _row(f"On {date.isoformat()}", _esc(state_text)),
            _row(f"Status as of {DATA_AS_OF}", _esc(str(rec["status"]).replace("-", " "))),
            *dates,
            _row("Official length", _esc(official)),
            _row("Measured length", _esc(f"{_km(measured)} {along}") if measured else ""),
            _row("Precision", _esc(precision)),
            _row("Confidence", _esc(rec["confidence"])),
            _row("Budget", _esc(rec["budget"])),
        ]
        popup = _popup(name, rows, [_esc(rec["description_en"])], _sources_html(ds, rec["sources"]))
        tooltip = f"<b>{name}</b><br>{_esc(state_text)}"
        feat = _feature(str(rec["id"]), programme, geom, tooltip, popup)
        feat["properties"].update(programme=programme, precision=rec["precision"], state=state)
        features.append(feat)
    return _collection(features)


def treaty_features(ds: Dataset, *, date: dt.date, treaty: str = "APMBC", lang: str = "en") -> dict:
    """Return the tracked countries shaded by their status under ``treaty`` on ``date``.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    date : datetime.date
        The day shown.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        Which treaty.
    lang : {"en", "pl"}, default "en"
        Language of country names.

    Returns
    -------
    dict
        GeoJSON FeatureCollection; properties ``layer``, ``iso3``, ``status``, ``tooltip``,
        ``popup``. Shapes simplified to :data:`SHAPE_SIMPLIFY_M`.
    """
    if treaty not in _TREATY_NAMES:
        raise ValueError(f"unknown treaty {treaty!r}; expected one of {list(_TREATY_NAMES)}")
    events = ds.treaty_events.set_index("id")
    features = []
    for rec in ds.country_shapes.to_dict("records"):
        iso3 = rec["iso3"]
        geom = _display(
            rec["geometry"],
            SHAPE_SIMPLIFY_M,
            min_hole_km2=SHADING_MIN_HOLE_KM2,
            min_part_km2=SHADING_MIN_PART_KM2,
            decimals=SHADING_DECIMALS,
        )
        if geom is None:
            continue
        status = timeline.status_on(ds.treaty_events, iso3, treaty, date)
        name = _esc(_country_name(ds, iso3, lang))
        status_text = status.status.replace("-", " ")
        since = ""
        if status.event_id is not None and status.since is not None:
            label = (
                events.loc[status.event_id, "label_en"] if status.event_id in events.index else ""
            )
            since = f"{_esc(status.since.isoformat())}: {_esc(label)}"
        rows = [
            _row(f"On {date.isoformat()}", _esc(status_text)),
            _row("Since", since),
        ]
        popup = _popup(name, rows, [_esc(_TREATY_NAMES[treaty])], _sources_html(ds, status.sources))
        tooltip = f"<b>{name}</b><br>{_esc(treaty)}: {_esc(status_text)}"
        feat = _feature(f"treaty-{iso3}", "treaty", geom, tooltip, popup)
        feat["properties"].update(iso3=iso3, status=status.status)
        features.append(feat)
    return _collection(features)


# --- folium layers -----------------------------------------------------------------------------


def _geojson(
    data: dict,
    styles: Mapping[str, Mapping[str, object]],
    *,
    pane: str,
    name: str,
    interactive: bool = True,
    marker: folium.CircleMarker | None = None,
) -> folium.GeoJson:
    """Make a GeoJson layer whose feature styles come from ``styles`` (by feature id)."""
    kwargs: dict[str, Any] = {}
    if interactive:
        kwargs["tooltip"] = folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True)
        kwargs["popup"] = folium.GeoJsonPopup(
            fields=["popup"], labels=False, localize=False, max_width=380
        )
    return folium.GeoJson(
        data,
        name=name,
        style_function=lambda feature: dict(styles[feature["id"]]),
        marker=marker,
        pane=pane,
        interactive=interactive,
        control=False,
        **kwargs,
    )


def _with_class(style_dict: Mapping[str, object], layer: str) -> dict[str, object]:
    """Add the ``bfe-layer-<id>`` class (used by tests and CSS) to a path style."""
    out = dict(style_dict)
    out["className"] = " ".join(filter(None, [str(out.get("className", "")), f"bfe-layer-{layer}"]))
    return out


def _borders_group(ds: Dataset, lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=style.LAYER_TITLES["borders"])
    fc = border_features(ds, lang=lang)
    if not fc["features"]:
        return group
    lines = {
        f["id"]: _with_class(
            style.border_style(f["properties"]["priority"], f["properties"]["precision"]),
            "borders",
        )
        for f in fc["features"]
    }
    _geojson(fc, lines, pane="bfe-borders", name="border segments").add_to(group)
    return group


def _programme_group(ds: Dataset, programme: str, date: dt.date, lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=style.LAYER_TITLES[programme])
    fc = fortification_features(ds, programme, date=date, lang=lang)
    kinds: dict[str, list[dict]] = {"corridor": [], "line": [], "point": []}
    for feat in fc["features"]:
        gtype = feat["geometry"]["type"]
        kind = (
            "point"
            if gtype in ("Point", "MultiPoint")
            else "corridor"
            if gtype in ("Polygon", "MultiPolygon")
            else "line"
        )
        kinds[kind].append(feat)
    styles: dict[str, dict[str, object]] = {}
    for feat in fc["features"]:
        props = feat["properties"]
        if feat["geometry"]["type"] in ("Point", "MultiPoint"):
            styles[feat["id"]] = style.point_style(programme, props["state"])
        else:
            precision = props["precision"]
            if feat["geometry"]["type"] in ("Polygon", "MultiPolygon"):
                precision = "corridor"
            elif precision == "corridor":  # a corridor drawn as a line: show it as approximate
                precision = "approximate"
            styles[feat["id"]] = _with_class(
                style.fortification_style(programme, precision, props["state"]), programme
            )
    if kinds["corridor"]:
        _geojson(
            _collection(kinds["corridor"]), styles, pane="bfe-corridors", name="corridors"
        ).add_to(group)
    if kinds["line"]:
        _geojson(_collection(kinds["line"]), styles, pane="bfe-forts", name="lines").add_to(group)
    if kinds["point"]:
        marker = folium.CircleMarker(radius=7, fill=True, class_name=f"bfe-layer-{programme}")
        marker.options["pane"] = "bfe-points"  # path_options() drops unknown keys such as pane
        _geojson(
            _collection(kinds["point"]), styles, pane="bfe-points", name="sites", marker=marker
        ).add_to(group)
    return group


def _treaty_group(ds: Dataset, date: dt.date, treaty: str, lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=style.LAYER_TITLES["treaty"])
    fc = treaty_features(ds, date=date, treaty=treaty, lang=lang)
    styles = {
        f["id"]: _with_class(style.treaty_style(f["properties"]["status"]), "treaty")
        for f in fc["features"]
    }
    if fc["features"]:
        _geojson(fc, styles, pane="bfe-shading", name="treaty status").add_to(group)
    return group


def layer_groups(
    ds: Dataset,
    *,
    date: dt.date,
    visible: Iterable[str],
    lang: str = "en",
    treaty: str = "APMBC",
) -> list[folium.FeatureGroup]:
    """Build one FeatureGroup per visible data layer, as it was on ``date``.

    Pass the result to ``st_folium(..., feature_group_to_add=groups)``: changing the date or the
    visible layers then swaps these groups without re-creating the map. Drawing order is fixed by
    map panes (:data:`PANES`), not by list order.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    date : datetime.date
        The day shown: fortifications appear from their announcement, treaty shading follows
        :func:`explorer.timeline.status_on`.
    visible : iterable of str
        Layer ids from :data:`explorer.style.LAYER_IDS`; ``basemap`` is part of the base map and
        ignored here.
    lang : {"en", "pl"}, default "en"
        Language of feature names.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        Treaty whose status the ``treaty`` layer shades.

    Returns
    -------
    list of folium.FeatureGroup
        In :data:`explorer.style.LAYERS` order, one per visible data layer (empty when a layer
        has nothing on that date); each group's ``layer_name`` is the layer title.

    Raises
    ------
    ValueError
        For an unknown layer id, language or treaty.
    """
    wanted = set(visible)
    unknown = wanted - set(style.LAYER_IDS)
    if unknown:
        raise ValueError(f"unknown layer(s) {sorted(unknown)}; expected {list(style.LAYER_IDS)}")
    _name_column(lang)
    groups = []
    for layer in style.DATA_LAYERS:
        if layer not in wanted:
            continue
        if layer == "borders":
            groups.append(_borders_group(ds, lang))
        elif layer == "treaty":
            groups.append(_treaty_group(ds, date, treaty, lang))
        else:
            groups.append(_programme_group(ds, layer, date, lang))
    return groups


# --- Base map ----------------------------------------------------------------------------------


def load_basemap(data_dir: Path | str = GEODATA_DIR) -> dict[str, gpd.GeoDataFrame]:
    """Read the display-only basemap files (land/countries and lakes).

    Parameters
    ----------
    data_dir : path, default ``geodata/``
        Folder holding :data:`BASEMAP_FILES`.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        ``countries`` and ``lakes``, EPSG:4326.
    """
    return {key: gpd.read_file(Path(data_dir) / name) for key, name in BASEMAP_FILES.items()}


def _hatch_svg() -> str:
    """SVG ``<pattern>`` definitions for the corridor hatching, one per programme colour."""
    patterns = []
    for programme, colour in style.PROGRAMME_COLOURS.items():
        patterns.append(
            f'<pattern id="{style.hatch_pattern_id(programme)}" patternUnits="userSpaceOnUse"'
            ' width="7" height="7" patternTransform="rotate(45)">'
            f'<rect width="7" height="7" fill="{colour}" fill-opacity="0.25"/>'
            f'<line x1="0" y1="0" x2="0" y2="7" stroke="{colour}" stroke-width="3"/>'
            "</pattern>"
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" aria-hidden="true"'
        ' style="position:absolute;width:0;height:0;overflow:hidden">'
        f"<defs>{''.join(patterns)}</defs></svg>"
    )


def _map_css() -> str:
    rules = [
        f".leaflet-container.bfe-map {{ background: {style.SEA_COLOUR}; }}",
        ".bfe-popup { font-size: 12px; line-height: 1.35; max-width: 360px; }",
        ".bfe-popup h4 { margin: 0 0 4px; font-size: 14px; }",
        ".bfe-popup th { text-align: left; vertical-align: top; padding-right: 6px;"
        " font-weight: 600; white-space: nowrap; }",
        ".bfe-popup p { margin: 6px 0; }",
        ".bfe-popup ul { margin: 2px 0 0; padding-left: 16px; }",
    ]
    for programme in style.PROGRAMME_COLOURS:
        rules.append(
            f"path.bfe-corridor-{programme} {{ fill: url(#{style.hatch_pattern_id(programme)}); }}"
        )
    return "\n".join(rules)


class _MapDecor(MacroElement):
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

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapDecor"
        self.sea = style.SEA_COLOUR
        self.svg = _hatch_svg()
        self.css = _map_css()


def _basemap_geojson(gdf: gpd.GeoDataFrame) -> dict:
    """Make a FeatureCollection with string ids and no properties (the style is constant)."""
    features = [
        {"type": "Feature", "id": str(n), "properties": {}, "geometry": mapping(geom)}
        for n, geom in enumerate(gdf.geometry)
        if geom is not None and not geom.is_empty
    ]
    return _collection(features)


def build_base_map(
    *,
    center: tuple[float, float],
    zoom: int,
    basemap: Mapping[str, gpd.GeoDataFrame],
) -> folium.Map:
    """Build the base map: local vector basemap, scale bar, measuring tool, attribution.

    There are no tiles (``tiles=None``): the sea is the map's background colour, and the land and
    lakes of ``basemap`` are drawn as non-interactive layers. The result depends only on the
    arguments, so ``st_folium`` sees the same map on every rerun and never re-mounts it.

    Parameters
    ----------
    center : (float, float)
        Initial ``(lat, lon)``.
    zoom : int
        Initial zoom level.
    basemap : mapping of str to geopandas.GeoDataFrame
        ``countries`` and ``lakes`` (see :func:`load_basemap`); missing keys are skipped.

    Returns
    -------
    folium.Map
        With every asset pointed at the vendored copies
        (:func:`explorer.map_assets.apply_offline_assets`).
    """
    m = folium.Map(
        location=[float(center[0]), float(center[1])],
        zoom_start=int(zoom),
        tiles=None,
        control_scale=True,
        min_zoom=4,
        max_zoom=13,
        max_bounds=True,
        **_MAX_BOUNDS,
    )
    for name, z_index in PANES.items():
        folium.map.CustomPane(name, z_index=z_index, pointer_events=True).add_to(m)
    _MapDecor().add_to(m)
    layers = (
        ("countries", "bfe-land", style.land_style(), ATTRIBUTION),
        ("lakes", "bfe-lakes", style.lake_style(), None),
    )
    for key, pane, path_style, attribution in layers:
        if key not in basemap:
            continue
        folium.GeoJson(
            _basemap_geojson(basemap[key]),
            name=f"basemap {key}",
            style_function=lambda _f, s=path_style: dict(s),
            pane=pane,
            interactive=False,
            control=False,
            smooth_factor=1.5,
            attribution=attribution,
        ).add_to(m)
    folium.plugins.MeasureControl(
        position="topleft",
        primary_length_unit="kilometers",
        secondary_length_unit=None,
        primary_area_unit="sqkilometers",
        secondary_area_unit=None,
    ).add_to(m)
    return apply_offline_assets(m)


# --- Legend ------------------------------------------------------------------------------------


_CSS_DASH: Final[dict[str | None, str]] = {None: "solid", "8 6": "dashed", "2 5": "dotted"}


def _swatch(item: style.LegendItem) -> str:
    colour = _esc(item["colour"])
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
    background = colour
    if item["hatch"]:
        background = f"repeating-linear-gradient(45deg,{colour} 0 2px,transparent 2px 6px)"
    outline = item["outline"]
    dash = _CSS_DASH.get(item["dash"], "solid")
    border = f"1.5px {dash} {_esc(outline)}" if outline else "none"
    return (
        '<span class="bfe-swatch" style="display:inline-block;width:26px;height:14px;'
        f"margin:0 2px;vertical-align:middle;background:{background};border:{border};"
        f'opacity:{opacity};box-sizing:border-box"></span>'
    )


def legend_html(items: Iterable[style.LegendItem]) -> str:
    """Render legend items as a self-contained HTML fragment (inline styles, escaped text).

    Parameters
    ----------
    items : iterable of LegendItem
        From :func:`explorer.style.legend_items`.

    Returns
    -------
    str
        ``<div class="bfe-legend">`` with one heading per group and one row per item; an empty
        string when there is nothing to show.

    Examples
    --------
    >>> "Border segments" in legend_html(style.legend_items(["borders"]))
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
                f"{_esc(group)}</div>"
            )
        rows.append(
            f'<div class="bfe-legend-item" data-layer="{_esc(item["layer"])}"'
            ' style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            f'{_swatch(item)}<span class="bfe-legend-label">{_esc(item["label"])}</span></div>'
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
    items: Iterable[style.LegendItem], *, position: str = "bottomright"
) -> MacroElement:
    """Return a map control showing the legend, for the standalone HTML export.

    In the Streamlit app the legend is rendered outside the map with :func:`legend_html`, so it
    follows the visible layers without touching the map.

    Parameters
    ----------
    items : iterable of LegendItem
        From :func:`explorer.style.legend_items`.
    position : str, default "bottomright"
        Leaflet control position.

    Returns
    -------
    branca.element.MacroElement
        Add it to a map with ``.add_to(m)`` (before :func:`explorer.map_assets.apply_offline_assets`
        or after: it needs no asset).
    """
    return _LegendControl(legend_html(items), position)
