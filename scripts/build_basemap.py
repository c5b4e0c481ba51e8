"""Build the offline vector basemap (land/countries and large lakes) shown under the map layers.

Usage::

    python scripts/build_basemap.py           # fetch (cached in build/cache), rebuild, write
    python scripts/build_basemap.py --check   # rebuild in memory, compare, exit 1 on drift

The map has no tile server: the sea is the map's background colour (CSS), and these two files are
drawn over it as non-interactive fills. They are display-only: not validated tables
(``explorer.schema.TABLES``), never measured.

Inputs (pinned by version and sha512 integrity, fetched and checked with the helpers of
``scripts/build_geodata.py``):

* ``world-atlas@2.0.2`` ``countries-50m.json``: Natural Earth 4.1.0 Admin-0 countries 1:50m as
  TopoJSON. Public domain.
* ``@geo-maps/earth-lakes-1km@0.6.0``: OpenStreetMap lake polygons (openstreetmapdata.com
  ``lakes-polygons-reduced``), simplified to 1 km. Data © OpenStreetMap contributors, ODbL 1.0.
  No npm package with Natural Earth lakes exists under the names checked
  (``natural-earth-data``: not found).

Outputs (deterministic: fixed order, coordinates rounded, stable JSON):

* ``geodata/basemap_countries.geojson``: every country polygon in the map window (tracked or not),
  clipped to the window. Arcs are simplified once and shared, so neighbours keep a common edge.
* ``geodata/basemap_lakes.geojson``: lakes of at least :data:`MIN_LAKE_KM2` in the window.
* ``geodata/basemap_manifest.json``: upstream packages, licences, parameters, sha256 of outputs.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Polygon, mapping, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import build_geodata  # noqa: E402  (fetch/read_member/dump_geojson and the map window)

from explorer import borders, config  # noqa: E402

PACKAGES = {
    "countries": {
        **{k: build_geodata.PACKAGES["ne"][k] for k in ("name", "version", "integrity")},
        "member": "package/countries-50m.json",
        "licence": "Public domain (Natural Earth); ISC (package)",
        "attribution": "Made with Natural Earth",
        "licence_url": "https://www.naturalearthdata.com/about/terms-of-use/",
    },
    "lakes": {
        "name": "@geo-maps/earth-lakes-1km",
        "version": "0.6.0",
        "integrity": (
            "sha512-+Nelddph/nviNARnOUMqtFmHp+UhUPIoINqkwFyCdaaZl0KmaXmAWheHF8MChrzUvmzW23Ibmy7ooF9I"
            "/yG7lA=="
        ),
        "member": "package/map.geo.json",
        "licence": "ODbL 1.0 (data); MIT (package code)",
        "attribution": "© OpenStreetMap contributors",
        "licence_url": "https://www.openstreetmap.org/copyright",
    },
}

#: The data's map window (lon/lat) widened a little, so land does not end in a straight edge
#: right at the border of the region the app is about.
MARGIN_DEG = 1.0
WINDOW = (
    build_geodata.WINDOW[0] - MARGIN_DEG,
    build_geodata.WINDOW[1] - MARGIN_DEG,
    build_geodata.WINDOW[2] + MARGIN_DEG,
    build_geodata.WINDOW[3] + MARGIN_DEG,
)
#: Douglas–Peucker tolerance for country arcs (about 1 px at zoom 7).
COUNTRY_SIMPLIFY_M = 1500.0
#: Drop islands smaller than this.
MIN_ISLAND_KM2 = 30.0
#: Keep lakes at least this large (Ladoga 17,700; Peipus 3,500; Vištytis, 18, is left out).
MIN_LAKE_KM2 = 250.0
#: Douglas–Peucker tolerance for lakes.
LAKE_SIMPLIFY_M = 1000.0
#: Decimals of a degree kept (3: about 100 m, well under the simplification).
DECIMALS = 3
#: Editorial edit: Natural Earth 4.1.0 draws Crimea as part of Russia (de facto). The basemap shows
#: internationally recognised borders (UN General Assembly resolution 68/262), so the Russian
#: polygon part whose representative point lies in this box is moved to Ukraine.
CRIMEA_BOX = (32.0, 44.0, 36.7, 46.3)

_TO_METRIC = Transformer.from_crs(config.DISPLAY_CRS, config.METRIC_CRS, always_xy=True)
_TO_WGS84 = Transformer.from_crs(config.METRIC_CRS, config.DISPLAY_CRS, always_xy=True)


def _transform(coords: np.ndarray, transformer: Transformer) -> np.ndarray:
    x, y = transformer.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def _simplify_lonlat(coords: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Simplify a lon/lat polyline in the metric CRS, keeping its end points; round the result."""
    if len(coords) <= 2:
        return np.round(coords, DECIMALS)
    metric = LineString(_transform(coords, _TO_METRIC)).simplify(tolerance_m)
    back = _transform(np.asarray(metric.coords), _TO_WGS84)
    back[0], back[-1] = coords[0], coords[-1]  # exact end points: shared arcs must still meet
    return np.round(back, DECIMALS)


def _ring(refs: list[int], arcs: dict[int, np.ndarray]) -> np.ndarray:
    """Join TopoJSON arcs (``~i``: arc i reversed) into one ring."""
    parts = []
    for n, ref in enumerate(refs):
        pts = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        parts.append(pts if n == 0 else pts[1:])
    ring = np.concatenate(parts)
    # Rings crossing the antimeridian (Russia) jump from +180 to -180; make longitudes
    # continuous (past 180) so the ring stays simple in the plane. The window clips that part off.
    ring[:, 0] = np.degrees(np.unwrap(np.radians(ring[:, 0])))
    return ring


def _polygons(geometry: dict, arcs: dict[int, np.ndarray]) -> list[Polygon]:
    polys = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    out = []
    for rings in polys:
        coords = [_ring(r, arcs) for r in rings]
        coords = [c for c in coords if len(np.unique(c, axis=0)) >= 3]
        if coords:
            out.append(Polygon(coords[0], coords[1:]))
    return out


def _area_km2(geom: shapely.Geometry) -> float:
    metric = shapely.transform(geom, lambda c: _transform(c, _TO_METRIC))
    return float(metric.area) / 1e6


def _clean(geom: shapely.Geometry, min_km2: float) -> shapely.Geometry:
    """Repair, clip to the window, drop parts smaller than ``min_km2``, round, repair again."""
    # make_valid first: clipping an invalid polygon can return the window's whole rectangle.
    valid = borders.polygonal_part(shapely.make_valid(geom))
    clipped = borders.polygonal_part(shapely.clip_by_rect(valid, *WINDOW))
    parts = [p for p in shapely.get_parts(clipped) if _area_km2(p) >= min_km2]
    if not parts:
        return Polygon()
    rounded = borders.round_coordinates(MultiPolygon(parts), DECIMALS)
    return borders.polygonal_part(shapely.make_valid(rounded))


def _move_crimea(shapes: dict[str, tuple[str, shapely.Geometry]]) -> None:
    """Apply :data:`CRIMEA_BOX`: move Crimea from Russia's polygon to Ukraine's (in place)."""
    box = shapely.box(*CRIMEA_BOX)
    rus_id, rus = shapes["Russia"]
    ukr_id, ukr = shapes["Ukraine"]
    parts = list(shapely.get_parts(rus))
    crimea = [p for p in parts if box.contains(p.representative_point())]
    if len(crimea) != 1:
        raise SystemExit(f"expected one Crimean part in Russia's polygon, found {len(crimea)}")
    rest = [p for p in parts if p is not crimea[0]]
    merged = shapely.union_all([ukr, crimea[0]])  # shared arcs: the Perekop line dissolves
    shapes["Russia"] = (rus_id, MultiPolygon(rest))
    shapes["Ukraine"] = (ukr_id, borders.polygonal_part(shapely.make_valid(merged)))


def build_countries(topo: dict) -> list[dict]:
    """Return GeoJSON features of every country with land in the window, sorted by name."""
    window = shapely.box(*WINDOW)
    raw = borders.decode_topojson_arcs(topo)
    geoms = topo["objects"]["countries"]["geometries"]
    wanted = []
    for g in geoms:
        if g.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        unsimplified = {i: raw[i] for i in borders.arc_indices(g)}
        if any(p.intersects(window) for p in _polygons(g, unsimplified)):
            wanted.append(g)
    used = sorted(set().union(*(borders.arc_indices(g) for g in wanted)))
    arcs = {i: _simplify_lonlat(raw[i], COUNTRY_SIMPLIFY_M) for i in used}
    shapes = {
        g["properties"]["name"]: (
            g.get("id", ""),
            _clean(MultiPolygon(_polygons(g, arcs)), MIN_ISLAND_KM2),
        )
        for g in wanted
    }
    _move_crimea(shapes)
    features = []
    for name, (iso_n3, geom) in sorted(shapes.items()):
        if geom.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "iso_n3": iso_n3},
                "geometry": mapping(geom),
            }
        )
    return features


def build_lakes(lakes: dict) -> list[dict]:
    """Return GeoJSON features of the large lakes in the window, largest first."""
    window = shapely.box(*WINDOW)
    kept = []
    for geometry in lakes["geometries"]:
        for part in shapely.get_parts(shape(geometry)):
            if not part.intersects(window) or _area_km2(part) < MIN_LAKE_KM2:
                continue
            metric = shapely.transform(part, lambda c: _transform(c, _TO_METRIC))
            simple = metric.simplify(LAKE_SIMPLIFY_M, preserve_topology=True)
            lonlat = shapely.transform(simple, lambda c: _transform(c, _TO_WGS84))
            geom = _clean(lonlat, MIN_LAKE_KM2)
            if not geom.is_empty:
                kept.append((round(_area_km2(geom)), geom))
    kept.sort(key=lambda item: (-item[0], item[1].centroid.x, item[1].centroid.y))
    return [
        {"type": "Feature", "properties": {"area_km2": area}, "geometry": mapping(geom)}
        for area, geom in kept
    ]


def manifest(outputs: dict[str, bytes]) -> bytes:
    """Describe the basemap files (sha256, size, features) and their upstream packages."""
    files = {}
    for name, data in sorted(outputs.items()):
        files[name] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "features": len(json.loads(data)["features"]),
            "generated_by": "scripts/build_basemap.py",
        }
    doc = {
        "description": (
            "Display-only offline basemap (not a validated table); rebuild with "
            "`python scripts/build_basemap.py`."
        ),
        "upstream": PACKAGES,
        "edits": [
            "Crimea moved from Russia to Ukraine (internationally recognised borders, UN GA "
            "resolution 68/262); Natural Earth 4.1.0 shows it as part of Russia.",
            "Longitudes of rings crossing the antimeridian made continuous before clipping.",
        ],
        "parameters": {
            "window_lonlat": WINDOW,
            "country_simplify_m": COUNTRY_SIMPLIFY_M,
            "min_island_km2": MIN_ISLAND_KM2,
            "min_lake_km2": MIN_LAKE_KM2,
            "lake_simplify_m": LAKE_SIMPLIFY_M,
            "decimals": DECIMALS,
            "crimea_box": CRIMEA_BOX,
            "metric_crs": config.METRIC_CRS,
        },
        "files": files,
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()


def build() -> dict[str, bytes]:
    """Fetch the inputs and return every basemap file's bytes by file name."""
    topo, lakes = (
        json.loads(build_geodata.read_member(build_geodata.fetch(pkg), pkg["member"]))
        for pkg in (PACKAGES["countries"], PACKAGES["lakes"])
    )
    outputs = {
        "basemap_countries.geojson": build_geodata.dump_geojson(build_countries(topo)),
        "basemap_lakes.geojson": build_geodata.dump_geojson(build_lakes(lakes)),
    }
    outputs["basemap_manifest.json"] = manifest(outputs)
    return outputs


def main(argv: list[str] | None = None) -> int:
    """Rebuild (or with ``--check`` verify) the basemap files."""
    return build_geodata.cli(build, __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
