"""Works that are not drawn: "about N of M km, where not public" (issue 14).

A work whose sections are not public has ``derive_method`` ``not-drawn``: it has no geometry, but
keeps the border segments it lies along (``derive_segments``) and its sourced ``length_km``.
Instead of a line along the whole border, maps show its figure at one point of each of those
segments. :func:`partial_works` lists them for a date, with the point to put the figure at; it is
the one source of these marks for the static exports (:mod:`explorer.printmap`) and the web map.
:func:`partial_label` words one of them.
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypedDict

import geopandas as gpd
from pyproj import Transformer

from explorer import text, timeline
from explorer.config import DISPLAY_CRS, METRIC_CRS
from explorer.i18n import t

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = ["NOT_DRAWN", "PartialWork", "mark_label", "partial_label", "partial_works"]

#: The ``derive_method`` of a work drawn as a figure instead of a line.
NOT_DRAWN: Final[str] = "not-drawn"


class PartialWork(TypedDict):
    """One not-drawn work on one border segment (JSON-friendly: plain str, float, list).

    ``lon``/``lat`` (WGS84, 4 decimals) is the label point: the point halfway along the segment's
    border line, so it lies on that line. ``length_km`` is the work's sourced length (None when
    the sources give none); when the work lies along several segments (``n_segments`` > 1) it is
    the figure for all of them, not for this one. ``segment_km`` is the segment's official length
    (None when no official figure is recorded). ``state`` is the work's state on the date
    (``announced``, ``under-construction`` or ``complete``).
    """

    id: str
    layer: str
    segment: str
    n_segments: int
    lon: float
    lat: float
    length_km: float | None
    segment_km: float | None
    state: str
    sources: list[str]
    name_en: str
    name_pl: str


def _number(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


#: Label points per segments table (checked by weak reference): they do not depend on the date,
#: and projecting them cost ~30 ms on every new date a class asked for.
_POINTS: dict[int, tuple[weakref.ref, dict[str, tuple[float, float]]]] = {}


def _label_points(segments: gpd.GeoDataFrame, ids: set[str]) -> dict[str, tuple[float, float]]:
    """Return the point halfway along each segment's line (measured in metres) as (lon, lat)."""
    hit = _POINTS.get(id(segments))
    if hit is None or hit[0]() is not segments:
        for stale in [k for k, (ref, _) in _POINTS.items() if ref() is None]:
            del _POINTS[stale]
        hit = (weakref.ref(segments), _midpoints(segments))
        _POINTS[id(segments)] = hit
    return {sid: point for sid, point in hit[1].items() if sid in ids}


def _midpoints(segments: gpd.GeoDataFrame) -> dict[str, tuple[float, float]]:
    chosen = segments[segments.geometry.notna()]
    if chosen.empty:
        return {}
    metric = chosen.to_crs(METRIC_CRS)
    mids = [g.interpolate(0.5, normalized=True) for g in metric.geometry]
    # One point at a time, as floats: pyproj warns (an error under the tests) on 1-element arrays.
    back = Transformer.from_crs(METRIC_CRS, DISPLAY_CRS, always_xy=True)
    out = {}
    for sid, p in zip(chosen["id"], mids, strict=True):
        lon, lat = back.transform(float(p.x), float(p.y))
        out[str(sid)] = (round(float(lon), 4), round(float(lat), 4))
    return out


def partial_works(ds: Dataset, date: dt.date) -> list[PartialWork]:
    """List the not-drawn works shown on ``date``, one row per work and border segment.

    A work is shown from its announcement (or, without one, its start), as on the map
    (:func:`explorer.timeline.fortification_state`). Rows follow the order of
    ``fortifications.geojson`` and of each work's ``derive_segments``; a segment missing from
    the data (a partial load) is skipped.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    date : datetime.date
        The day shown.

    Returns
    -------
    list of PartialWork

    Examples
    --------
    >>> from explorer import config, data
    >>> ds = data.load_dataset(config.GEODATA_DIR)
    >>> row = next(r for r in partial_works(ds, dt.date(2026, 1, 1)) if r["id"] == "fi-ru-fence")
    >>> row["layer"], row["segment"], row["length_km"], row["segment_km"], row["state"]
    ('border-fence', 'FIN-RUS', 200.0, 1340.0, 'under-construction')
    """
    forts = ds.fortifications
    if forts.empty or "derive_method" not in forts.columns:
        return []
    forts = forts[forts["derive_method"] == NOT_DRAWN]
    shown: list[tuple[dict[str, Any], str]] = []
    for rec in forts.to_dict("records"):
        state = timeline.fortification_state(
            rec["announced_date"], rec["start_date"], rec["completed_date"], date
        )
        if state is not None:
            shown.append((rec, state))
    if not shown:
        return []
    wanted = {str(s) for rec, _ in shown for s in (rec["derive_segments"] or [])}
    points = _label_points(ds.segments, wanted)
    official = {
        str(sid): _number(km)
        for sid, km in zip(ds.segments["id"], ds.segments["official_km"], strict=True)
    }
    rows: list[PartialWork] = []
    for rec, state in shown:
        segs = [str(s) for s in (rec["derive_segments"] or [])]
        for seg in segs:
            if seg not in points:
                continue
            lon, lat = points[seg]
            rows.append(
                PartialWork(
                    id=str(rec["id"]),
                    layer=str(rec["programme"]),
                    segment=seg,
                    n_segments=len(segs),
                    lon=lon,
                    lat=lat,
                    length_km=_number(rec["length_km"]),
                    segment_km=official.get(seg),
                    state=state,
                    sources=[str(s) for s in rec["sources"]],
                    name_en=str(rec["name_en"]),
                    name_pl=str(rec["name_pl"] or rec["name_en"]),
                )
            )
    return rows


def mark_label(rec: Mapping[str, Any], lang: str = "en") -> str:
    """Word the mark of a work not drawn from its scene row (:mod:`explorer.scene`).

    The row's ``length_km`` is the work's figure, ``official_km`` its segment's official
    length and ``segment_ids`` every segment the work lies along.
    """

    def number_or_none(value: object) -> float | None:
        return None if text.is_missing(value) else float(value)  # type: ignore[arg-type]

    row = PartialWork(
        id=str(rec["record"]),
        layer=str(rec["layer"]),
        segment=str(rec["id"]).partition("@")[2],
        n_segments=len(rec["segment_ids"]),
        lon=0.0,
        lat=0.0,
        length_km=number_or_none(rec["length_km"]),
        segment_km=number_or_none(rec["official_km"]),
        state=str(rec["state"]),
        sources=list(rec["sources"]),
        name_en=str(rec["name_en"]),
        name_pl=str(rec["name_pl"]),
    )
    return partial_label(row, lang)


def partial_label(row: PartialWork, lang: str = "en") -> str:
    r"""Word a not-drawn work's mark: name and "about N of M km (sections not public)".

    Examples
    --------
    >>> row = PartialWork(id="x", layer="border-fence", segment="FIN-RUS", n_segments=1,
    ...     lon=29.0, lat=63.0, length_km=200.0, segment_km=1340.0, state="complete",
    ...     sources=[], name_en="Border fence", name_pl="Płot")
    >>> partial_label(row)
    'Border fence: about 200 of 1,340 km (sections not public)'
    >>> partial_label(row, "pl")
    'Płot: około 200 z 1\xa0340 km (odcinki niejawne)'
    >>> partial_label(PartialWork(row, length_km=None))
    'Border fence: length and location not public'
    """
    name = row["name_pl"] if lang == "pl" else row["name_en"]
    km, total = row["length_km"], row["segment_km"]
    if km is None:
        return t("partial.unknown", lang, name=name)
    if row["n_segments"] > 1:
        return t(
            "partial.borders", lang, name=name, km=text.fmt_km_short(km, lang), n=row["n_segments"]
        )
    if total is None:
        return t("partial.no_total", lang, name=name, km=text.fmt_km_short(km, lang))
    return t(
        "partial.of",
        lang,
        name=name,
        km=text.fmt_km_short(km, lang),
        total=text.fmt_km_short(total, lang),
    )
