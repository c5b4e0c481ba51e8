"""The scene as one flat table: what the data exports write and what the sources line cites.

:func:`features_table` renders a :class:`explorer.scene.Scene` in one language as a
GeoDataFrame whose cells are plain text and numbers (lists joined), so it writes to GeoJSON,
CSV and GeoPackage alike; :func:`features_in_view` derives the scene and renders it in one call.
The features, states, lengths and source ids are the scene's: a PNG's "Sources" line and a
GeoPackage's ``sources`` column describe the same features. Pure: no folium, no matplotlib.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from explorer import text
from explorer.config import DATA_AS_OF, DEFAULT_TREATY, DISPLAY_CRS
from explorer.scene import Scene, make_scene
from explorer.view import DEFAULT_BBOX, View

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = [
    "COLUMNS",
    "LIST_JOIN",
    "REFS_JOIN",
    "features_in_view",
    "features_table",
    "source_refs",
    "sources_of",
]

#: Columns of :func:`features_table`, in order (``geometry`` last).
COLUMNS: Final[tuple[str, ...]] = (
    "layer",
    "id",
    "name",
    "element",
    "country",
    "segment_ids",
    "priority",
    "state",
    "since",
    "status",
    "precision",
    "confidence",
    "official_km",
    "measured_km",
    "length_km",
    "status_as_of",
    "status_source",
    "verified",
    "date",
    "data_as_of",
    "sources",
    "source_refs",
    "attribution",
    "geometry",
)

#: Separator of list values in one cell (``sources``, ``segment_ids``, ``country``).
LIST_JOIN: Final[str] = "; "
#: Separator of full references in ``source_refs`` (titles may hold semicolons).
REFS_JOIN: Final[str] = " | "


def _join(values: Iterable[object]) -> str:
    return LIST_JOIN.join(dict.fromkeys(str(v) for v in values if not text.is_missing(v)))


def _round_km(value: object) -> float:
    return float("nan") if text.is_missing(value) else round(float(value), 2)  # type: ignore[arg-type]


def source_refs(ds: Dataset, source_ids: Iterable[str]) -> list[str]:
    """Return one plain-text reference per source id: ``publisher: title (date) URL``.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> source_refs(load_dataset(), ["ne-world-atlas-2.0.2", "nope"])[1]
    'nope'
    """
    return text.refs_text(text.source_refs(ds, source_ids))


def sources_of(frame: pd.DataFrame) -> list[str]:
    """Return the distinct source ids of a :func:`features_table` frame, sorted.

    Examples
    --------
    >>> sources_of(pd.DataFrame({"sources": ["b; a", "a", ""]}))
    ['a', 'b']
    """
    ids = {s.strip() for cell in frame["sources"] for s in str(cell).split(LIST_JOIN.strip())}
    return sorted(ids - {""})


def features_table(ds: Dataset, sc: Scene) -> gpd.GeoDataFrame:
    """Render a scene's drawn features as one flat table in the view's language.

    Parameters
    ----------
    ds : Dataset
        The data the scene was derived from (for the full source references).
    sc : Scene
        What is shown.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns :data:`COLUMNS`: ``state`` is the build state on the date (or the
        treaty status), ``status`` the build status as of ``status_as_of``; ``sources`` are ids
        joined with ``"; "`` (``geodata/sources.csv``), ``source_refs`` the full references
        joined with ``" | "``, ``attribution`` the map data's credit. Geometries are the stored
        (full-resolution) ones, whole, not clipped. Works whose sections are not public have no
        row (they have no geometry; the map marks them with their figure).
    """
    drawn = sc.drawn()
    lang = sc.view.lang
    rows = []
    for rec in drawn.to_dict("records"):
        since = rec["since"]
        rows.append(
            {
                "layer": rec["layer"],
                "id": rec["id"],
                "name": rec[f"name_{lang}"],
                "element": rec["element"],
                "country": _join(rec["country"]),
                "segment_ids": _join(rec["segment_ids"]),
                "priority": rec["priority"],
                "state": rec["state"],
                "since": since.isoformat() if isinstance(since, dt.date) else None,
                "status": rec["status"],
                "precision": rec["precision"],
                "confidence": rec["confidence"],
                "official_km": _round_km(rec["official_km"]),
                "measured_km": _round_km(rec["measured_km"]),
                "length_km": _round_km(rec["length_km"]),
                "status_as_of": rec["status_as_of"] or "",
                "status_source": rec["status_source"] or "",
                "verified": rec["verified"] or "",
                "sources": _join(rec["sources"]),
                "source_refs": REFS_JOIN.join(source_refs(ds, rec["sources"])),
                "geometry": rec["geometry"],
            }
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["date"] = sc.view.date.isoformat()
    frame["data_as_of"] = DATA_AS_OF
    frame["attribution"] = text.attribution_text(lang)
    for column in ("official_km", "measured_km", "length_km"):
        frame[column] = frame[column].astype(float)
    for column in ("status_as_of", "status_source", "verified"):
        frame[column] = frame[column].fillna("").astype(str)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=DISPLAY_CRS)


def features_in_view(
    ds: Dataset,
    *,
    layers: Iterable[str],
    date: dt.date,
    bbox: Sequence[float] | BaseGeometry | None = DEFAULT_BBOX,
    lang: str = "en",
    treaty: str = DEFAULT_TREATY,
) -> gpd.GeoDataFrame:
    """Return every feature the visible layers show on ``date`` that touches ``bbox``.

    :func:`explorer.scene.make_scene` and :func:`features_table` in one call.

    Raises
    ------
    explorer.view.ViewError
        (a ``ValueError``) listing every problem of the view: unknown layers, language or
        treaty, a date outside the range, a malformed box.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> ds = load_dataset()
    >>> len(features_in_view(ds, layers=["pl-by-barrier"], date=dt.date(2021, 1, 1)))
    0
    >>> gdf = features_in_view(ds, layers=["borders"], date=dt.date(2026, 1, 1),
    ...                        bbox=(22, 53, 24.5, 54))
    >>> sorted(set(gdf["segment_ids"]))
    ['LTU-BLR', 'POL-BLR', 'POL-LTU']
    """
    view = View(layers=tuple(layers), date=date, bbox=bbox, lang=lang, treaty=treaty)
    return features_table(ds, make_scene(ds, view))
