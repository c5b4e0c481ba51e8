"""The folium map of the offline HTML export: vector base map, one FeatureGroup per layer, legend.

The app's map is :mod:`explorer.web` (a Streamlit component around the same vendored Leaflet);
this module draws the same layers, styles (:mod:`explorer.style`), popups
(:mod:`explorer.web.popups`), panes and hatch patterns (:mod:`explorer.web.decor`) with folium,
for a standalone page that works offline (:func:`explorer.export.export` with ``html``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import folium
import folium.plugins
import geopandas as gpd
from shapely.geometry import mapping

from explorer import style
from explorer.basemap import BASEMAP_FILES, load_basemap
from explorer.layers import family
from explorer.web import bundle, controls, popups
from explorer.web.assets import apply_offline_assets

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = [
    "BASEMAP_FILES",
    "PANES",
    "build_base_map",
    "feature_groups",
    "layer_groups",
    "load_basemap",
    "overlay_group",
]


#: Map panes (Leaflet z-index): the same drawing order as the app's map (one definition).
PANES: Final[dict[str, int]] = bundle.PANES


#: Initial view limits: the basemap's extent (lat/lon) with a margin.
_MAX_BOUNDS: Final[dict[str, float]] = {
    "min_lat": 40.0,
    "max_lat": 74.0,
    "min_lon": -2.0,
    "max_lon": 51.0,
}


def _collection(items: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": items}


# --- folium layers -----------------------------------------------------------------------------


def _geojson(
    data: dict,
    styles: Mapping[str, Mapping[str, object]],
    *,
    pane: str,
    name: str,
    interactive: bool = True,
    marker: folium.CircleMarker | None = None,
) -> folium.GeoJson:
    """Make a GeoJson layer whose feature styles come from ``styles`` (by feature id)."""
    kwargs: dict[str, Any] = {}
    if interactive:
        kwargs["tooltip"] = folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True)
        kwargs["popup"] = folium.GeoJsonPopup(
            fields=["popup"], labels=False, localize=False, max_width=380
        )
    return folium.GeoJson(
        data,
        name=name,
        style_function=lambda feature: dict(styles[feature["id"]]),
        marker=marker,
        pane=pane,
        interactive=interactive,
        control=False,
        **kwargs,
    )


def _with_class(style_dict: Mapping[str, object], layer: str) -> dict[str, object]:
    """Add the ``bfe-layer-<id>`` class (used by tests and CSS) to a path style."""
    out = dict(style_dict)
    out["className"] = " ".join(filter(None, [str(out.get("className", "")), f"bfe-layer-{layer}"]))
    return out


def _borders_group(fc: dict) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=style.LAYER_TITLES["borders"])
    lines = {
        f["id"]: _with_class(
            style.border_style(f["properties"]["priority"], f["properties"]["precision"]),
            "borders",
        )
        for f in fc["features"]
    }
    if lines:
        _geojson(fc, lines, pane="bfe-borders", name="border segments").add_to(group)
    return group


def _programme_group(programme: str, fc: dict) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=style.LAYER_TITLES[programme])
    kinds: dict[str, list[dict]] = {"corridor": [], "line": [], "point": []}
    styles: dict[str, dict[str, object]] = {}
    for feat in fc["features"]:
        props, gtype = feat["properties"], feat["geometry"]["type"]
        if gtype in ("Point", "MultiPoint"):
            kinds["point"].append(feat)
            styles[feat["id"]] = style.point_style(programme, props["state"])
            continue
        if gtype in ("Polygon", "MultiPolygon"):
            kinds["corridor"].append(feat)
            precision = "corridor"
        else:
            kinds["line"].append(feat)
            # a corridor known only as a line is drawn like an approximate line
            precision = "approximate" if props["precision"] == "corridor" else props["precision"]
        styles[feat["id"]] = _with_class(
            style.fortification_style(programme, precision, props["state"]), programme
        )
    if kinds["corridor"]:
        _geojson(
            _collection(kinds["corridor"]), styles, pane="bfe-corridors", name="corridors"
        ).add_to(group)
    if kinds["line"]:
        _geojson(_collection(kinds["line"]), styles, pane="bfe-forts", name="lines").add_to(group)
    if kinds["point"]:
        marker = folium.CircleMarker(radius=7, fill=True, class_name=f"bfe-layer-{programme}")
        marker.options["pane"] = "bfe-points"  # path_options() drops unknown keys such as pane
        _geojson(
            _collection(kinds["point"]), styles, pane="bfe-points", name="sites", marker=marker
        ).add_to(group)
    return group


def _treaty_group(fc: dict) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=style.LAYER_TITLES["treaty"])
    styles = {
        f["id"]: _with_class(style.treaty_style(f["properties"]["status"]), "treaty")
        for f in fc["features"]
    }
    if styles:
        _geojson(fc, styles, pane="bfe-shading", name="treaty status").add_to(group)
    return group


def feature_groups(collections: Mapping[str, dict]) -> list[folium.FeatureGroup]:
    """Turn :func:`explorer.web.popups.layer_collections` output into new FeatureGroups (cheap).

    ``st_folium`` mutates the groups it is given (ids, parent map), so build them on every run
    and cache the collections instead.

    Parameters
    ----------
    collections : mapping of str to dict
        Layer id -> FeatureCollection, as returned by :func:`explorer.web.popups.layer_collections`.

    Returns
    -------
    list of folium.FeatureGroup
        One per entry, in the mapping's order; each group's ``layer_name`` is the layer title.
    """
    groups = []
    for layer, fc in collections.items():
        match family(layer):
            case "border":
                groups.append(_borders_group(fc))
            case "treaty":
                groups.append(_treaty_group(fc))
            case "programme":
                groups.append(_programme_group(layer, fc))
            case _:
                raise ValueError(f"no map layer for {layer!r}")
    return groups


def layer_groups(
    ds: Dataset,
    *,
    date: dt.date,
    visible: Iterable[str],
    lang: str = "en",
    treaty: str = "APMBC",
) -> list[folium.FeatureGroup]:
    """Build one FeatureGroup per visible data layer, as it was on ``date``.

    Pass the result to ``st_folium(..., feature_group_to_add=groups)``: changing the date or the
    visible layers then swaps these groups without re-creating the map. Drawing order is fixed by
    map panes (:data:`PANES`), not by list order. Equivalent to
    ``feature_groups(layer_collections(...))``; an app that caches should cache
    :func:`explorer.web.popups.layer_collections` and call :func:`feature_groups` on every run.
    Never cache or reuse the groups themselves: ``st_folium`` renames their elements when it
    serialises them, and a second use refers to variables that no longer exist
    (``ReferenceError: geo_json_... is not defined`` in the browser).

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    date : datetime.date
        The day shown.
    visible : iterable of str
        Layer ids from :data:`explorer.LAYER_IDS` (``basemap`` is ignored here).
    lang : {"en", "pl"}, default "en"
        Language of feature names.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        Treaty whose status the ``treaty`` layer shades.

    Returns
    -------
    list of folium.FeatureGroup
        In :data:`explorer.style.LAYERS` order, one per visible data layer (empty when a layer
        has nothing on that date).

    Raises
    ------
    ValueError
        For an unknown layer id, language or treaty.
    """
    collections = popups.layer_collections(ds, date=date, visible=visible, lang=lang, treaty=treaty)
    for layer, fc in collections.items():
        if family(layer) == "programme":  # works not drawn: a mark with their figure
            marks = popups.partial_features(ds, layer, date=date, lang=lang)["features"]
            collections[layer] = {**fc, "features": [*fc["features"], *marks]}
    return feature_groups(collections)


# --- Base map ----------------------------------------------------------------------------------


def _basemap_geojson(gdf: gpd.GeoDataFrame) -> dict:
    """Make a FeatureCollection with string ids and no properties (the style is constant)."""
    features = [
        {"type": "Feature", "id": str(n), "properties": {}, "geometry": mapping(geom)}
        for n, geom in enumerate(gdf.geometry)
        if geom is not None and not geom.is_empty
    ]
    return _collection(features)


def build_base_map(
    *,
    center: tuple[float, float],
    zoom: int,
    basemap: Mapping[str, gpd.GeoDataFrame] | None = None,
    keyboard: bool = True,
    lang: str = "en",
) -> folium.Map:
    """Build the base map: local vector basemap, scale bar, measuring tool, attribution.

    There are no tiles (``tiles=None``): the sea is the map's background colour, and the land and
    lakes of ``basemap`` are drawn as non-interactive layers. The result depends only on the
    arguments, so ``st_folium`` sees the same map on every rerun and never re-mounts it.

    Parameters
    ----------
    center : (float, float)
        Initial ``(lat, lon)``.
    zoom : int
        Initial zoom level.
    basemap : mapping of str to geopandas.GeoDataFrame
        ``countries`` and ``lakes`` (see :func:`load_basemap`); missing keys are skipped.
    keyboard : bool, default True
        Whether the focused map pans and zooms with the arrow and +/- keys. The presenter turns
        it off: there the arrow keys move between chapters.
    lang : {"en", "pl"}, default "en"
        Language of the map data's credit line (:func:`attribution_html`).

    Returns
    -------
    folium.Map
        With every asset pointed at the vendored copies
        (:func:`explorer.web.assets.apply_offline_assets`).
    """
    m = folium.Map(
        location=[float(center[0]), float(center[1])],
        zoom_start=int(zoom),
        tiles=None,
        control_scale=False,  # kilometres only: added below (folium's adds miles too)
        min_zoom=4,
        max_zoom=13,
        max_bounds=True,
        **({} if keyboard else {"keyboard": False}),  # the default map's script is unchanged
        **_MAX_BOUNDS,
    )
    for name, z_index in PANES.items():
        folium.map.CustomPane(name, z_index=z_index, pointer_events=True).add_to(m)
    controls.MapDecor(lang).add_to(m)
    controls.EveryFeatureUnderClick(lang).add_to(m)
    controls.MetricScale().add_to(m)
    for group in [basemap_group(basemap)] if basemap else []:
        group.add_to(m)
    folium.plugins.MeasureControl(
        position="topleft",
        primary_length_unit="kilometers",
        secondary_length_unit=None,
        primary_area_unit="sqkilometers",
        secondary_area_unit=None,
    ).add_to(m)
    return apply_offline_assets(m)


def basemap_group(basemap: Mapping[str, gpd.GeoDataFrame]) -> folium.FeatureGroup:
    """Return the local vector basemap (land, lakes) as one non-interactive FeatureGroup.

    Passed through ``st_folium(feature_group_to_add=...)`` it can be switched off and on without
    re-creating the map; the sea is the map's background colour either way.
    """
    group = folium.FeatureGroup(name="basemap", control=False)
    layers = (
        ("countries", "bfe-land", style.land_style()),
        ("lakes", "bfe-lakes", style.lake_style()),
    )
    for key, pane, path_style in layers:
        if key not in basemap:
            continue
        folium.GeoJson(
            _basemap_geojson(basemap[key]),
            name=f"basemap {key}",
            style_function=lambda _f, s=path_style: dict(s),
            pane=pane,
            interactive=False,
            control=False,
            smooth_factor=1.5,
        ).add_to(group)
    return group


# --- Analyst's overlay -------------------------------------------------------------------------


def overlay_group(collection: Mapping[str, Any], name: str = "overlay") -> folium.FeatureGroup:
    """Return an analyst's overlay as its own FeatureGroup (for ``feature_group_to_add``).

    Polygons, lines and points get their own style (:func:`explorer.overlay.display.path_style`)
    and escaped tooltips and popups; a kind with many features is drawn on one canvas per kind
    (``canvas``: compact typed arrays, see :func:`explorer.overlay.display.canvas_data`).

    Parameters
    ----------
    collection : mapping
        From :func:`explorer.overlay.display.overlay_collection`.
    name : str, default "overlay"
        The group's layer name.

    Returns
    -------
    folium.FeatureGroup
        Build a new one on every run (``st_folium`` mutates it); keep the collection instead.
    """
    from explorer.overlay import display  # local: reads overlays with geopandas

    group = folium.FeatureGroup(name=name, control=False)
    panes = {"polygon": "bfe-forts", "line": "bfe-borders", "point": "bfe-points"}
    for kind in ("polygon", "line", "point"):
        fc = collection.get(kind)
        if not fc:
            continue
        s = display.path_style(kind)
        styles = {f["id"]: s for f in fc["features"]}
        marker = None
        if kind == "point":
            marker = folium.CircleMarker(
                radius=float(s["radius"]), fill=True, class_name="bfe-layer-overlay"
            )
            marker.options["pane"] = panes[kind]
        _geojson(fc, styles, pane=panes[kind], name=f"overlay {kind}s", marker=marker).add_to(group)
    for kind, data in collection.get("canvas", {}).items():
        controls.CanvasOverlay(data, panes[kind]).add_to(group)
    return group
