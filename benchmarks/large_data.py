"""Generated "analysts' own data" for the large-overlay benchmark: 100,000 points, 20,000 polygons.

Deterministic (fixed seed), inside NATO's eastern-flank window :data:`BBOX`. Points are clustered
(places where observations pile up) over a uniform background; polygons are small irregular
star-shaped rings (5–9 vertices, 0.5–4 km across), like sites or plots.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np

#: West, south, east, north (degrees): Poland, the Baltic states, Finland's south, Belarus.
BBOX = (14.0, 48.0, 32.0, 61.0)
N_POINTS = 100_000
N_POLYGONS = 20_000
SEED = 6


def points(n: int = N_POINTS, seed: int = SEED) -> np.ndarray:
    """Return ``(n, 2)`` lon/lat: 70 % in 60 Gaussian clusters, 30 % uniform in :data:`BBOX`."""
    rng = np.random.default_rng(seed)
    west, south, east, north = BBOX
    n_clustered = int(n * 0.7)
    centres = rng.uniform([west + 1, south + 1], [east - 1, north - 1], size=(60, 2))
    which = rng.integers(0, len(centres), n_clustered)
    spread = rng.uniform(0.05, 0.6, len(centres))[which, None]
    clustered = centres[which] + rng.normal(size=(n_clustered, 2)) * spread
    uniform = rng.uniform([west, south], [east, north], size=(n - n_clustered, 2))
    out = np.concatenate([clustered, uniform])
    out[:, 0] = out[:, 0].clip(west, east)
    out[:, 1] = out[:, 1].clip(south, north)
    return out


def polygons(n: int = N_POLYGONS, seed: int = SEED) -> list[np.ndarray]:
    """Return ``n`` closed rings as ``(k + 1, 2)`` lon/lat arrays (first vertex repeated)."""
    rng = np.random.default_rng(seed + 1)
    centres = points(n, seed + 2)
    rings = []
    for lon, lat in centres:
        k = int(rng.integers(5, 10))
        angles = np.sort(rng.uniform(0, 2 * math.pi, k))
        radius_km = rng.uniform(0.25, 2.0) * rng.uniform(0.6, 1.0, k)
        dlat = radius_km / 111.32 * np.sin(angles)
        dlon = radius_km / (111.32 * math.cos(math.radians(lat))) * np.cos(angles)
        ring = np.column_stack([lon + dlon, lat + dlat])
        rings.append(np.vstack([ring, ring[:1]]))
    return rings


def b64(array: np.ndarray) -> str:
    """Base64 of an array's bytes (little-endian), for a typed array in JavaScript."""
    return base64.b64encode(
        np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
    ).decode("ascii")


def geojson_bytes(kind: str = "points", n: int | None = None) -> bytes:
    """Return :func:`points` or :func:`polygons` as a GeoJSON file, as an analyst would upload it.

    Each feature has an ``id`` property (1, 2, ...); coordinates keep 6 decimals.
    """
    if kind == "points":
        geoms = [{"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}
                 for x, y in points(n or N_POINTS).tolist()]  # fmt: skip
    elif kind == "polygons":
        geoms = [{"type": "Polygon", "coordinates": [ring.round(6).tolist()]}
                 for ring in polygons(n or N_POLYGONS)]  # fmt: skip
    else:
        raise ValueError(f"kind must be 'points' or 'polygons', not {kind!r}")
    features = [
        {"type": "Feature", "properties": {"id": i + 1}, "geometry": g} for i, g in enumerate(geoms)
    ]
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, separators=(",", ":")).encode("utf-8")
