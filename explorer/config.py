"""Constants: paths, coordinate reference systems, fixed dates and limits."""

from __future__ import annotations

from pathlib import Path
from typing import Final

#: Repository root (the folder holding ``explorer/`` and ``geodata/``).
ROOT: Final[Path] = Path(__file__).resolve().parent.parent

#: Bundled data; every file here is validated by :mod:`explorer.validate`.
GEODATA_DIR: Final[Path] = ROOT / "geodata"

#: Storage and display CRS (RFC 7946 GeoJSON is always WGS84 lon/lat).
DISPLAY_CRS: Final[str] = "EPSG:4326"

#: Metric CRS for buffers and corridors: ETRS89 / LAEA Europe, equal-area, metres.
#: Lengths are never taken here; they are geodesic on WGS84 (see ``geometry``).
METRIC_CRS: Final[str] = "EPSG:3035"

#: Ellipsoid for geodesic measurement with :class:`pyproj.Geod`.
ELLIPSOID: Final[str] = "WGS84"

#: The date the bundled facts were compiled (FACTS.md); "status" fields are as of this day.
DATA_AS_OF: Final[str] = "2026-11-22"

#: Separator for multi-valued cells in CSV files (e.g. ``sources``).
LIST_SEPARATOR: Final[str] = ";"

#: Treaties covered by ``treaty_events.csv``.
TREATIES: Final[tuple[str, ...]] = ("APMBC", "CCM")

#: Languages of the interface and the map's content (translation tables in ``geodata/i18n/``).
LANGUAGES: Final[tuple[str, ...]] = ("en", "pl")

#: Translation tables: every ``*.csv`` here has the columns ``key,en,pl``.
I18N_DIR: Final[Path] = GEODATA_DIR / "i18n"
