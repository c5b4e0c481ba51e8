"""What an overlay is: the :class:`Overlay` read, its notes, limits and errors, kinds and formats.

Also the small text helpers every part of the package uses to quote a file's own text in a
message (:func:`clean`, :func:`size_text`, :func:`id_list`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd

from explorer import config, i18n

__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "KINDS",
    "KIND_NAMES",
    "Note",
    "Overlay",
    "OverlayError",
    "OverlayLimits",
    "clean",
    "id_list",
    "size_text",
]

#: File extension -> format read.
FORMATS: Final[dict[str, str]] = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".zip": "shapefile",
    ".csv": "csv",
}

#: Formats in messages.
FORMAT_NAMES: Final[dict[str, str]] = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "shapefile": "Shapefile",
    "csv": "CSV",
}

#: Geometry kinds, each drawn with its own style: geometry type -> kind.
KINDS: Final[dict[str, str]] = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}

#: Geometry kinds in messages (GeoJSON's own type names, the same in every language).
KIND_NAMES: Final[dict[str, str]] = {
    "point": "Point",
    "line": "LineString",
    "polygon": "Polygon",
}

#: How many feature numbers a note lists before "…".
_LIST_IDS: Final[int] = 8


# --- Messages ----------------------------------------------------------------------------------


def clean(value: object, limit: int = 80) -> str:
    r"""Return ``value`` as one short line of text (control characters replaced, truncated).

    Examples
    --------
    >>> clean("a\nb"), clean("x" * 10, 5)
    ('a?b', 'xxxx…')
    """
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def size_text(n_bytes: float) -> str:
    """Format a byte count for people.

    Examples
    --------
    >>> size_text(50_000_000), size_text(1_500), size_text(12)
    ('50 MB', '1.5 kB', '12 bytes')
    """
    if n_bytes >= 1e6:
        return f"{n_bytes / 1e6:.3g} MB"
    if n_bytes >= 1e3:
        return f"{n_bytes / 1e3:.3g} kB"
    return f"{int(n_bytes)} bytes"


def id_list(numbers: Sequence[int]) -> str:
    """Return feature numbers for a note: the first few, then "… (n in all)".

    Examples
    --------
    >>> id_list([3, 5]), id_list(range(1, 11))
    ('3, 5', '1, 2, 3, 4, 5, 6, 7, 8 … (10 in all)')
    """
    shown = ", ".join(str(n) for n in numbers[:_LIST_IDS])
    return shown + (f" … ({len(numbers)} in all)" if len(numbers) > _LIST_IDS else "")


@dataclass(frozen=True)
class Note:
    """One thing done to the data while reading it: a translation key and its values."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """Return the note in ``lang`` (plain text)."""
        return i18n.t(self.key, lang, **self.values)


class OverlayError(ValueError):
    """An overlay file that cannot be used, with one clear message (``str(exc)``, English).

    ``key`` and ``values`` give the message in other languages through :meth:`text`.
    """

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = {k: clean(v, 120) if isinstance(v, str) else v for k, v in values.items()}
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` (plain text, one line)."""
        return i18n.t(self.key, lang, **self.values)


# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverlayLimits:
    """Limits on an overlay; defaults from :mod:`explorer.config` (``OVERLAY_*``)."""

    max_bytes: int = config.OVERLAY_MAX_BYTES
    max_features: int = config.OVERLAY_MAX_FEATURES
    zip_max_members: int = config.OVERLAY_ZIP_MAX_MEMBERS
    zip_max_uncompressed: int = config.OVERLAY_ZIP_MAX_UNCOMPRESSED
    zip_max_ratio: int = config.OVERLAY_ZIP_MAX_RATIO


@dataclass(frozen=True, eq=False)
class Overlay:
    """An overlay read from a file: features in EPSG:4326 and notes on what was done to them.

    Attributes
    ----------
    name : str
        The file's name as given (plain text: escape it before HTML or markdown).
    format : {"geojson", "gpkg", "shapefile", "csv"}
        What it was read as.
    gdf : geopandas.GeoDataFrame
        EPSG:4326; a ``geometry`` column (points, lines and polygons, valid, 2D) and one column
        per property of the file (values as given; nested JSON values as JSON text).
    notes : tuple of Note
        CRS assumed or reprojected, geometries repaired, features dropped, mixed types.
    digest : str
        SHA-256 of the file's bytes (to tell one upload from another).
    """

    name: str
    format: str
    gdf: gpd.GeoDataFrame
    notes: tuple[Note, ...]
    digest: str

    def counts(self) -> dict[str, int]:
        """Return how many features of each kind there are: ``point``, ``line``, ``polygon``."""
        kinds = self.gdf.geometry.geom_type.map(KINDS)
        return {kind: int((kinds == kind).sum()) for kind in ("point", "line", "polygon")}

    def counts_text(self, lang: str = "en") -> str:
        """Return the counts as text, e.g. ``"3 points, 1 polygon"`` (kinds present only)."""
        parts = [
            i18n.t(f"overlay.kind.{kind}.{'one' if n == 1 else 'many'}", lang, n=f"{n:,}")
            for kind, n in self.counts().items()
            if n
        ]
        return ", ".join(parts)

    def note_texts(self, lang: str = "en") -> list[str]:
        """Return the notes in ``lang``."""
        return [note.text(lang) for note in self.notes]
