"""The map's data layers as plain GeoJSON: display geometry, state on a date, escaped popups.

Pure and folium-free, so the results can be cached and tested as data; :mod:`explorer.maps` turns
them into folium layers. Every string from the data is passed through :func:`html.escape` before
it becomes HTML, and links are made only of ``http(s)://`` URLs: folium's ``GeoJsonTooltip`` and
``GeoJsonPopup`` insert the ``tooltip``/``popup`` properties into ``innerHTML`` as they are.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from explorer import borders, geometry, style, timeline
from explorer.config import DISPLAY_CRS, METRIC_CRS
from explorer.i18n import t

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = [
    "border_features",
    "fortification_features",
    "layer_collections",
    "localized",
    "safe_url",
    "treaty_features",
]

#: Coordinates sent to the browser keep 4 decimals (about 10 m); shaded countries, simplified to
#: 3 km, keep 3 (about 100 m).
DISPLAY_DECIMALS: Final[int] = 4
SHADING_DECIMALS: Final[int] = 3
#: Douglas–Peucker tolerances for display (metres): border and fortification lines, corridors,
#: country shading.
LINE_SIMPLIFY_M: Final[float] = 150.0
CORRIDOR_SIMPLIFY_M: Final[float] = 250.0
#: Country shading is a fill under the border lines, drawn at country scale. It is simplified as
#: one coverage (:func:`shading_geometries`, Visvalingam–Whyatt: the tolerance is about the square
#: root of the triangle areas removed); 5 km gives as many vertices as the 3 km Douglas–Peucker
#: tolerance per country did (~8,500, ~160 kB of GeoJSON before compression).
SHAPE_SIMPLIFY_M: Final[float] = 5000.0
#: Shaded country polygons drop holes and islands smaller than these: the basemap's lakes are drawn
#: over the shading anyway, and a tiny unshaded island costs nothing in meaning.
SHADING_MIN_HOLE_KM2: Final[float] = 500.0
SHADING_MIN_PART_KM2: Final[float] = 50.0

#: Treaties a layer can shade by; names are translated (keys ``treaty.<id>.long``).
_TREATIES: Final[tuple[str, ...]] = ("APMBC", "CCM")

_LANGS: Final[tuple[str, ...]] = ("en", "pl")

_TO_METRIC: Final = Transformer.from_crs(DISPLAY_CRS, METRIC_CRS, always_xy=True)
_TO_LONLAT: Final = Transformer.from_crs(METRIC_CRS, DISPLAY_CRS, always_xy=True)

#: Fortification bands along a border: gaps up to this are bridged, spurs shorter than
#: :data:`BAND_MIN_PART_M` dropped (display only; lengths come from the data).
BAND_MAX_GAP_M: Final[float] = 2000.0
BAND_MIN_PART_M: Final[float] = 300.0

#: Display geometries kept in memory (one per data geometry and simplification; ~60 in use).
DISPLAY_CACHE_SIZE: Final[int] = 1024


# --- Small helpers ----------------------------------------------------------------------------


def _esc(value: object) -> str:
    """Return ``value`` as escaped HTML text ("" for None/NaN), braces as character references."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    # Braces too: folium re-reads rendered scripts as Jinja templates when it writes a whole page
    # (the HTML export), so "{{ ... }}" in text would be evaluated there (template injection).
    return html.escape(str(value), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def safe_url(value: object) -> str | None:
    """Return the URL if it is an ``http(s)://`` URL, else None (no javascript:, data:, ...)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def _km(value: object, lang: str = "en") -> str:
    r"""Format a length in km: one decimal, thin thousands separator; "—" when missing.

    Polish uses a decimal comma and a no-break space between thousands, as the panel does.

    Examples
    --------
    >>> _km(418), _km(418, "pl"), _km(1340.04, "pl"), _km(None, "pl")
    ('418.0 km', '418,0 km', '1\xa0340,0 km', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{float(value):,.1f} km"
    if lang == "pl":
        return text.replace(",", "\u00a0").replace(".", ",")
    return text.replace(",", "\u202f")


def localized(rec: Mapping[str, Any], field: str, lang: str) -> str:
    """Return a free-text field of a record in ``lang`` ("" when it has none).

    The English text is in ``field`` (``note``) or ``<name>_en`` (``label_en``), the Polish one
    in ``<name>_pl``. Where a Polish text is missing (partial data), the English one is shown.

    Examples
    --------
    >>> rec = {"note": "River border.", "note_pl": "Granica rzeczna.", "label_en": "Signed",
    ...        "label_pl": None}
    >>> localized(rec, "note", "pl"), localized(rec, "note", "en"), localized(rec, "label_en", "pl")
    ('Granica rzeczna.', 'River border.', 'Signed')
    """
    _name_column(lang)
    base = field.removesuffix("_en")
    text = rec.get(field) if lang == "en" else rec.get(f"{base}_{lang}")
    if not isinstance(text, str) or not text.strip():
        text = rec.get(field)
    return text.strip() if isinstance(text, str) else ""


def _name_column(lang: str) -> str:
    if lang not in _LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {list(_LANGS)}")
    return f"name_{lang}"


def _words(prefix: str, value: object, lang: str) -> str:
    """Translate a coded value (``prefix.value``); unknown or empty values pass through as text."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    try:
        return t(f"{prefix}.{text}", lang)
    except ValueError:
        return text.replace("-", " ")


def description(rec: Mapping[str, Any], lang: str) -> str:
    """Return a fortification's description in ``lang`` (English when no translation is stored).

    Examples
    --------
    >>> description({"description_en": "A fence.", "description_pl": "Płot."}, "pl")
    'Płot.'
    >>> description({"description_en": "A fence.", "description_pl": None}, "pl")
    'A fence.'
    """
    _name_column(lang)
    text = rec.get(f"description_{lang}")
    if not isinstance(text, str) or not text.strip():
        text = rec.get("description_en")
    return str(text or "")


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


@functools.lru_cache(maxsize=DISPLAY_CACHE_SIZE)
def _display(
    geom: BaseGeometry | None,
    tolerance_m: float,
    *,
    min_hole_km2: float = 0.0,
    min_part_km2: float = 0.0,
    decimals: int = DISPLAY_DECIMALS,
    chain: bool = False,
) -> BaseGeometry | None:
    """Simplify (metres) and round a geometry for the browser; None if nothing is left.

    Memoised: shapely geometries are immutable and hash by value, and the display form of a
    data geometry does not depend on the date or language, so a rerun that changes those reuses
    it instead of projecting and simplifying again (about half of a rerun's time before).
    ``chain`` first joins line parts into bands (:func:`_chain_lines`).
    """
    if geom is None or geom.is_empty:
        return None
    if chain and isinstance(geom, LineString | MultiLineString):
        geom = _chain_lines(geom, max_gap_m=BAND_MAX_GAP_M, min_part_m=BAND_MIN_PART_M)
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
        start_xy = (end_xy[2 * i] if ra % 2 else end_xy[2 * i + 1]).copy()
        stop_xy = (end_xy[2 * j + 1] if rb % 2 == 0 else end_xy[2 * j]).copy()
        chains[i] = np.concatenate([head, tail])
        end_xy[2 * i], end_xy[2 * i + 1] = start_xy, stop_xy
        alive[j] = False
    return MultiLineString([c for c, keep in zip(chains, alive, strict=True) if keep])


def _row(label: str, value_html: str) -> str:
    return f"<tr><th>{_esc(label)}</th><td>{value_html}</td></tr>" if value_html else ""


def _sources_html(ds: Dataset, source_ids: Iterable[str], lang: str = "en") -> str:
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
        url = safe_url(src["url"])
        if url:
            text = f'<a href="{_esc(url)}" target="_blank" rel="noopener noreferrer">{text}</a>'
        items.append(f"<li>{text}</li>")
    if not items:
        return ""
    heading = _esc(t("popup.sources", lang))
    return f'<div class="bfe-sources"><b>{heading}</b><ul>' + "".join(items) + "</ul></div>"


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
        part_text = _words("part", seg["official_part"], lang) if _esc(seg["official_part"]) else ""
        part = f" ({part_text})" if part_text else ""
        official = _km(seg["official_km"], lang) + part if seg["official_km"] is not None else "—"
        measured = _km(seg["measured_km"], lang)
        if seg["measured_approx_km"]:
            parts = t(
                "popup.measured_parts",
                lang,
                exact=_km(seg["measured_exact_km"], lang),
                approx=_km(seg["measured_approx_km"], lang),
            )
            measured += f" ({parts})"
        difference = ""
        if seg["official_km"]:
            delta = float(seg["measured_km"]) - float(seg["official_km"])
            difference = t(
                "popup.longer" if delta > 0 else "popup.shorter",
                lang,
                km=_km(abs(delta), lang),
                pct=f"{abs(delta) / float(seg['official_km']):.0%}",
            )
        precision = _words("precision", f"{piece.precision}.long", lang)
        piece_text = f"{_esc(_km(piece.measured_km, lang))}, {_esc(precision)}"
        rows = [
            _row(t("popup.official_length", lang), _esc(official)),
            _row(t("popup.measured_length", lang), _esc(measured)),
            _row(t("popup.difference", lang), _esc(difference)),
            _row(t("popup.this_piece", lang), piece_text),
            _row(t("popup.priority", lang), _esc(_words("priority", seg["priority"], lang))),
        ]
        note = _esc(localized(seg, "note", lang))
        why = (
            f"<b>{_esc(t('popup.why_differ_title', lang))}</b> {_esc(t('popup.why_differ', lang))}"
        )
        popup = _popup(
            name,
            rows,
            [why, note],
            _sources_html(ds, [*seg["official_sources"], *piece.sources], lang),
        )
        lengths_text = t(
            "popup.tooltip_lengths",
            lang,
            official=_km(seg["official_km"], lang),
            measured=_km(seg["measured_km"], lang),
        )
        tooltip = f"<b>{name}</b><br>{_esc(lengths_text)}"
        feat = _feature(piece.id, "borders", geom, tooltip, popup)
        feat["properties"].update(priority=seg["priority"], precision=piece.precision)
        features.append(feat)
    # Required segments last, so they are drawn over the others where they meet.
    features.sort(key=lambda f: (f["properties"]["priority"] == "required", f["id"]))
    return _collection(features)


def _fort_measured_km(
    ds: Dataset, rec: Mapping[str, Any], lang: str = "en"
) -> tuple[float | None, str]:
    """Measured length of a fortification and what it was measured along."""
    if rec["derive_method"] in ("segment", "corridor") and rec["derive_segments"]:
        seg_km = ds.segments.set_index("id")["measured_km"]
        total = float(sum(seg_km.get(s, 0.0) for s in rec["derive_segments"]))
        along = t("popup.along_segments", lang, segments=", ".join(rec["derive_segments"]))
        return total, along
    geom = rec["geometry"]
    if isinstance(geom, LineString | MultiLineString):
        return geometry.geodesic_length_m(geom) / 1000.0, t("popup.along_line", lang)
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
        Language of names, descriptions and popup labels.

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
        tolerance = CORRIDOR_SIMPLIFY_M if rec["precision"] == "corridor" else LINE_SIMPLIFY_M
        geom = _display(rec["geometry"], tolerance, chain=True)
        if geom is None:
            continue
        name = _esc(rec[name_col])
        state_text = style.state_label(state, lang)
        measured, along = _fort_measured_km(ds, rec, lang)
        official = _km(rec["length_km"], lang) if _esc(rec["length_km"]) else ""
        length_note = localized(rec, "length_note", lang)
        if official and length_note:
            official += f" ({length_note})"
        dates = [
            _row(t(f"popup.{key}", lang), _esc(rec[key]))
            for key in ("announced", "start", "completed", "target")
        ]
        width = rec["derive_width_km"]
        precision = t(f"precision.{rec['precision']}.long", lang)
        if rec["precision"] == "corridor" and _esc(width):
            depth = f"{float(width):g}"
            precision += " " + t(
                "popup.corridor_depth", lang, km=depth.replace(".", ",") if lang == "pl" else depth
            )
        rows = [
            _row(t("popup.programme", lang), _esc(style.layer_title(programme, lang))),
            _row(t("popup.type", lang), _esc(_words("element", rec["element"], lang))),
            _row(t("popup.country", lang), _esc(_country_name(ds, rec["country"], lang))),
            _row(t("popup.on_date", lang), _esc(state_text)),
            _row(
                t(
                    "popup.status_as_of",
                    lang,
                    date=f"{rec['status_as_of']} ({rec['status_source']})",
                ),
                _esc(_words("state", rec["status"], lang)),
            ),
            *dates,
            _row(t("popup.official_length", lang), _esc(official)),
            _row(
                t("popup.measured_length", lang),
                _esc(f"{_km(measured, lang)} {along}") if measured else "",
            ),
            _row(t("popup.precision", lang), _esc(precision)),
            _row(t("popup.confidence", lang), _esc(_words("confidence", rec["confidence"], lang))),
            _row(t("popup.budget", lang), _esc(localized(rec, "budget", lang))),
        ]
        popup = _popup(
            name,
            rows,
            [_esc(description(rec, lang))],
            _sources_html(ds, rec["sources"], lang),
        )
        tooltip = f"<b>{name}</b><br>{_esc(state_text)}"
        feat = _feature(str(rec["id"]), programme, geom, tooltip, popup)
        feat["properties"].update(programme=programme, precision=rec["precision"], state=state)
        features.append(feat)
    return _collection(features)


def partial_features(ds: Dataset, programme: str, *, date: dt.date, lang: str = "en") -> dict:
    """Return one programme's works that are not drawn, as marks on their border segments.

    A work whose sections are not public has no line (:mod:`explorer.partial_works`); the web
    map marks it at the middle of each border it lies along, with its figure ("about 200 of
    1,340 km, sections not public") as tooltip and a popup with its state and sources.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    programme : str
        One of :data:`explorer.schema.PROGRAMMES`.
    date : datetime.date
        The day shown.
    lang : {"en", "pl"}, default "en"
        Language of the texts.

    Returns
    -------
    dict
        GeoJSON FeatureCollection of points with ids ``<work>@<segment>``; properties
        ``layer``, ``programme``, ``work``, ``state``, ``partial`` (True), ``tooltip``, ``popup``.
    """
    from explorer.partial_works import partial_label, partial_works  # local: geopandas work

    style.hatch_pattern_id(programme)  # validates the programme
    forts = ds.fortifications.set_index("id")
    out = []
    for row in partial_works(ds, date):
        if row["layer"] != programme:
            continue
        rec = forts.loc[row["id"]]
        label = partial_label(row, lang)
        state_text = style.state_label(row["state"], lang)
        rows = [
            _row(t("popup.programme", lang), _esc(style.layer_title(programme, lang))),
            _row(t("popup.country", lang), _esc(_country_name(ds, rec["country"], lang))),
            _row(t("popup.on_date", lang), _esc(state_text)),
            *[
                _row(t(f"popup.{key}", lang), _esc(rec[key]))
                for key in ("announced", "start", "completed")
            ],
        ]
        name = _esc(row["name_pl"] if lang == "pl" else row["name_en"])
        popup = _popup(
            name,
            rows,
            [_esc(label), _esc(description(rec, lang))],
            _sources_html(ds, row["sources"], lang),
        )
        tooltip = f"<b>{_esc(label)}</b><br>{_esc(state_text)}"
        geom = Point(row["lon"], row["lat"])
        feat = _feature(f"{row['id']}@{row['segment']}", programme, geom, tooltip, popup)
        feat["properties"].update(
            programme=programme, work=row["id"], state=row["state"], partial=True
        )
        out.append(feat)
    return _collection(out)


@functools.lru_cache(maxsize=8)
def shading_geometries(geoms: tuple[BaseGeometry | None, ...]) -> tuple[BaseGeometry | None, ...]:
    """Simplify the country shapes for shading as one coverage, so neighbours stay edge to edge.

    Simplifying each country on its own moves the two copies of a shared border apart (overlaps
    and slivers of up to ~100 km² at :data:`SHAPE_SIMPLIFY_M`). Here small parts and holes are
    dropped, then :func:`shapely.coverage_simplify` simplifies every shared border once (in
    metres), and coordinates are rounded to :data:`SHADING_DECIMALS`; a shared vertex rounds to
    the same place on both sides. Memoised (geometries hash by value).

    Parameters
    ----------
    geoms : tuple of shapely geometries or None
        The country shapes (lon/lat), which must not overlap (``geodata/country_shapes.geojson``
        is built as a clean coverage).

    Returns
    -------
    tuple
        The display geometry of each input, None where nothing is left.
    """
    metric: list[BaseGeometry] = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            metric.append(Polygon())
            continue
        kept = _drop_small_parts(geom, SHADING_MIN_HOLE_KM2, SHADING_MIN_PART_KM2)
        metric.append(shapely.transform(kept, _lonlat_to_metric))
    simple = shapely.coverage_simplify(np.asarray(metric, dtype=object), SHAPE_SIMPLIFY_M)
    rounded = [
        borders.polygonal_part(
            shapely.make_valid(_round(shapely.transform(g, _metric_to_lonlat), SHADING_DECIMALS))
        )
        for g in simple
    ]
    # Rounding can fold a shared border over, or open a hair gap, of a few hundred m²: clean the
    # coverage again (closing gaps under two grid steps), so that neighbours have the very same
    # vertices along their border (then no projection, Web
    # Mercator in the browser or equal-area in print, can open a sliver between them).
    cleaned = shapely.coverage_clean(
        np.asarray(rounded, dtype=object), gap_width=2 * 10.0**-SHADING_DECIMALS
    )
    out = []
    for geom in cleaned:  # the few nodes the cleaning adds are rounded too (alike on both sides)
        geom = borders.polygonal_part(shapely.make_valid(_round(geom, SHADING_DECIMALS)))
        out.append(None if geom.is_empty else geom)
    return tuple(out)


def _lonlat_to_metric(coords: np.ndarray) -> np.ndarray:
    return np.column_stack(_TO_METRIC.transform(coords[:, 0], coords[:, 1]))


def _metric_to_lonlat(coords: np.ndarray) -> np.ndarray:
    return np.column_stack(_TO_LONLAT.transform(coords[:, 0], coords[:, 1]))


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
        Language of country names, status and event labels.

    Returns
    -------
    dict
        GeoJSON FeatureCollection; properties ``layer``, ``iso3``, ``status``, ``tooltip``,
        ``popup``. Shapes simplified to :data:`SHAPE_SIMPLIFY_M` as one coverage
        (:func:`shading_geometries`): neighbours share their border exactly.
    """
    if treaty not in _TREATIES:
        raise ValueError(f"unknown treaty {treaty!r}; expected one of {list(_TREATIES)}")
    events = ds.treaty_events.set_index("id")
    features = []
    records = ds.country_shapes.to_dict("records")
    shading = shading_geometries(tuple(rec["geometry"] for rec in records))
    for rec, geom in zip(records, shading, strict=True):
        iso3 = rec["iso3"]
        if geom is None:
            continue
        status = timeline.status_on(ds.treaty_events, iso3, treaty, date)
        name = _esc(_country_name(ds, iso3, lang))
        status_text = style.status_label(status.status, lang)
        since = ""
        if status.event_id is not None and status.since is not None:
            label = (
                localized(events.loc[status.event_id], "label_en", lang)
                if status.event_id in events.index
                else ""
            )
            since = _esc(status.since.isoformat()) + (f": {_esc(label)}" if label else "")
        rows = [
            _row(t("popup.on_date", lang), _esc(status_text)),
            _row(t("popup.since", lang), since),
        ]
        popup = _popup(
            name,
            rows,
            [_esc(t(f"treaty.{treaty}.long", lang))],
            _sources_html(ds, status.sources, lang),
        )
        tooltip = f"<b>{name}</b><br>{_esc(treaty)}: {_esc(status_text)}"
        feat = _feature(f"treaty-{iso3}", "treaty", geom, tooltip, popup)
        feat["properties"].update(iso3=iso3, status=status.status)
        features.append(feat)
    return _collection(features)


def layer_signature(
    ds: Dataset, layer: str, *, date: dt.date, treaty: str = "APMBC"
) -> tuple[tuple[str, str | None, str | None], ...]:
    """Return what a data layer's features depend on at ``date`` (besides the language).

    Two dates with the same signature give the same collection from :func:`layer_collections`:
    the map changes only when a country's treaty status or a fortification's state changes, so
    an app can cache a layer by its signature instead of by date (a classroom dragging the date
    slider then hits the cache on almost every day).

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    layer : str
        A data layer id (:data:`explorer.style.DATA_LAYERS`).
    date : datetime.date
        The day shown.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        Treaty whose status the ``treaty`` layer shades.

    Returns
    -------
    tuple
        ``(id, state, event)`` per feature: treaty status and the event that set it per
        country, or each fortification's state on the day; empty for the borders. Works
        that are not drawn (``derive_method`` ``not-drawn``, or no geometry in a partial load)
        are left out: their state changes nothing on the map.
    """
    if layer == "borders":
        return ()
    if layer == "treaty":
        out = []
        for iso3 in ds.country_shapes["iso3"]:
            status = timeline.status_on(ds.treaty_events, iso3, treaty, date)
            out.append((str(iso3), status.status, status.event_id))
        return tuple(out)
    if layer not in style.PROGRAMME_COLOURS:
        raise ValueError(f"unknown data layer {layer!r}; expected one of {list(style.DATA_LAYERS)}")
    forts = ds.fortifications[ds.fortifications["programme"] == layer]
    return tuple(
        (
            str(rec["id"]),
            timeline.fortification_state(
                rec["announced_date"], rec["start_date"], rec["completed_date"], date
            ),
            None,
        )
        for rec in forts.to_dict("records")
        if rec["geometry"] is not None and rec["derive_method"] != "not-drawn"
    )


def layer_collections(
    ds: Dataset,
    *,
    date: dt.date,
    visible: Iterable[str],
    lang: str = "en",
    treaty: str = "APMBC",
) -> dict[str, dict]:
    """Return the visible data layers on ``date`` as plain GeoJSON (the costly, cacheable part).

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
    dict of str to dict
        Layer id -> FeatureCollection, in :data:`explorer.style.LAYERS` order (an empty
        collection when a layer has nothing on that date). Treat it as read-only.

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
    out: dict[str, dict] = {}
    for layer in style.DATA_LAYERS:
        if layer not in wanted:
            continue
        if layer == "borders":
            out[layer] = border_features(ds, lang=lang)
        elif layer == "treaty":
            out[layer] = treaty_features(ds, date=date, treaty=treaty, lang=lang)
        else:
            out[layer] = fortification_features(ds, layer, date=date, lang=lang)
    return out
