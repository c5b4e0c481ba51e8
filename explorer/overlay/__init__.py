"""Analysts' overlays: read an untrusted GeoJSON, GeoPackage, zipped Shapefile or CSV safely.

:func:`read_overlay` turns the bytes of an uploaded file into an :class:`Overlay`: a GeoDataFrame
in EPSG:4326 plus notes on what was done to it (CRS assumed or reprojected, geometries repaired,
features dropped). Anything it cannot use raises :class:`OverlayError`, a :class:`ValueError`
with one clear human message (translatable: :meth:`OverlayError.text`), never a traceback.

Safety: the size and feature count are checked against limits (:class:`OverlayLimits`, defaults
in :mod:`explorer.config`) before anything heavy; zip archives are checked for member count,
total uncompressed size and compression ratio *before* anything is unpacked, and member names
are never used as paths (the shapefile's parts are written under fixed names into a fresh
temporary folder). Text from the file (property names and values, the file name) stays plain
text until it reaches HTML, where :mod:`.popups` escapes it.

Mixed geometry types are accepted: points, lines and polygons are drawn with separate styles
(see :meth:`Overlay.counts`); GeometryCollections are refused with a message saying so.

The package's parts:

* :mod:`.model`: :class:`Overlay`, its notes, :class:`OverlayLimits`, :class:`OverlayError`,
  the formats (:data:`FORMATS`) and geometry kinds (:data:`KINDS`).
* :mod:`.read`: :func:`read_overlay` and :func:`read_overlay_file`: the extension, emptiness
  and size checks, then the format's reader and the common checks.
* The formats' readers: :mod:`.text` (binary data refused, text decoded), :mod:`.geojson`,
  :mod:`.csv_points`, and :mod:`.gdal` (GeoPackage, and zipped Shapefile with the zip checks).
* :mod:`.checks`: :func:`~.checks.finish`, what every format goes through: empty geometries
  dropped, types and ranges checked, reprojected, repaired.
* Display (pure, folium-free): :mod:`.popups` (escaped tooltips and popups) and :mod:`.display`
  (the overlay as GeoJSON or compact canvas data for the maps, path styles, legend rows); import
  them as ``from explorer.overlay import display``.
"""

from __future__ import annotations

from explorer.overlay.model import (
    FORMATS,
    KIND_NAMES,
    KINDS,
    Note,
    Overlay,
    OverlayError,
    OverlayLimits,
)
from explorer.overlay.read import read_overlay, read_overlay_file

__all__ = [
    "FORMATS",
    "KINDS",
    "KIND_NAMES",
    "Note",
    "Overlay",
    "OverlayError",
    "OverlayLimits",
    "read_overlay",
    "read_overlay_file",
]
