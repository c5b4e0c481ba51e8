"""The local vector basemap (land and lakes): read once, drawn by the web map and on paper.

Display-only files written by ``scripts/build_basemap.py`` (Natural Earth, public domain); the
map's data layers never depend on them. :mod:`explorer.web` ships them to the browser,
:mod:`explorer.printmap` draws them under the data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import geopandas as gpd

from explorer.config import GEODATA_DIR

__all__ = ["BASEMAP_FILES", "load_basemap"]

#: The display-only basemap files, by part.
BASEMAP_FILES: Final[dict[str, str]] = {
    "countries": "basemap_countries.geojson",
    "lakes": "basemap_lakes.geojson",
}


def load_basemap(data_dir: Path | str = GEODATA_DIR) -> dict[str, gpd.GeoDataFrame]:
    """Read the basemap's parts (``countries`` and ``lakes``, EPSG:4326).

    Examples
    --------
    >>> sorted(load_basemap())
    ['countries', 'lakes']
    """
    return {key: gpd.read_file(Path(data_dir) / name) for key, name in BASEMAP_FILES.items()}
