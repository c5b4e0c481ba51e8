"""CSV of points: latitude and longitude columns (:data:`LAT_NAMES`, :data:`LON_NAMES`).

:func:`read_csv` returns each row's other values as its properties (text, as given) and one
point per row; :func:`explorer.overlay.checks.finish` does the rest (WGS84 assumed, noted).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd
import shapely

from explorer.overlay.model import Note, OverlayError, OverlayLimits, clean
from explorer.overlay.text import decode_text

__all__ = ["LAT_NAMES", "LON_NAMES", "read_csv"]

#: CSV column names (lower case) for latitude and longitude, in order of preference.
LAT_NAMES: Final[tuple[str, ...]] = ("latitude", "lat", "y")
LON_NAMES: Final[tuple[str, ...]] = ("longitude", "lon", "lng", "long", "x")


def _pick(columns: Sequence[str], names: Sequence[str]) -> str | None:
    lower = {c.strip().lower(): c for c in reversed(columns)}
    return next((lower[n] for n in names if n in lower), None)


def read_csv(data: bytes, lim: OverlayLimits, notes: list[Note]) -> tuple[list[dict], list, None]:
    """Parse a CSV file of points: latitude and longitude columns, the rest as properties.

    The delimiter is whichever of ``,``, ``;`` and tab the header holds most of; every value is
    read as text.

    Parameters
    ----------
    data : bytes
        The file's content.
    lim : OverlayLimits
        The feature limit.
    notes : list of Note
        Gets a note naming the columns used.

    Returns
    -------
    props : list of dict
        Each row without its coordinate columns.
    geoms : list of shapely.Point
        One point per row.
    crs : None
        CSV names no CRS.

    Raises
    ------
    OverlayError
        For unparsable CSV, no latitude/longitude columns, no rows, too many rows, or a
        coordinate that is not a finite number (the message names its row and line).
    """
    text = decode_text(data, "csv")
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
            skipinitialspace=True, quoting=csv.QUOTE_MINIMAL,
        )  # fmt: skip
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise OverlayError("overlay.error.csv", why=clean(str(exc).strip(), 120)) from None
    columns = [str(c) for c in frame.columns]
    lat_col, lon_col = _pick(columns, LAT_NAMES), _pick(columns, LON_NAMES)
    if lat_col is None or lon_col is None:
        raise OverlayError("overlay.error.csv_columns", columns=", ".join(columns) or "(none)")
    if frame.empty:
        raise OverlayError("overlay.error.no_features")
    if len(frame) > lim.max_features:
        raise OverlayError(
            "overlay.error.too_many", n=f"{len(frame):,}", limit=f"{lim.max_features:,}"
        )
    values = {}
    for col in (lat_col, lon_col):
        raw = frame[col].str.strip()
        number = pd.to_numeric(raw, errors="coerce")
        bad = np.flatnonzero(number.isna().to_numpy() | ~np.isfinite(number.to_numpy(float)))
        if len(bad):
            row = int(bad[0])
            raise OverlayError(
                "overlay.error.csv_value", row=row + 1, line=row + 2, column=col,
                value=clean(repr(raw.iloc[row]), 40),
            )  # fmt: skip
        values[col] = number.to_numpy(float)
    geoms = list(shapely.points(values[lon_col], values[lat_col]))
    props = frame.drop(columns=[lat_col, lon_col]).to_dict("records")
    notes.append(Note("overlay.note.columns", {"lat": lat_col, "lon": lon_col}))
    return props, geoms, None
