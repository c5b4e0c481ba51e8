"""The standalone HTML page of a view: the folium map, offline, with its header and legend.

What :func:`explorer.export.export` writes for ``html``: the base map, the view's layers (the
scene rendered by :mod:`explorer.web.popups`), the legend of what is shown, an analyst's
overlay, and a header with title, date, permalink and credit; Leaflet and every image inlined
(:func:`explorer.web.assets.standalone_html`), so the page makes no outside request. Imported
only for this format: the other exports do not load folium.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import folium

from explorer import legend, scene, view
from explorer.basemap import load_basemap
from explorer.config import DATA_AS_OF
from explorer.i18n import t
from explorer.layers import check_layers
from explorer.overlay import display as overlay_display
from explorer.text import attribution_text, html_text
from explorer.view import DEFAULT_BBOX
from explorer.web import assets, folium_map, legend_html

if TYPE_CHECKING:
    import geopandas as gpd

    from explorer.data import Dataset
    from explorer.overlay import Overlay

__all__ = ["to_html_bytes"]


def _header_html(title: str, date: dt.date, permalink_url: str, lang: str = "en") -> str:
    # Escaped with braces as references: folium reads this element as a Jinja template.
    esc = html_text
    map_on = t("export.html_map_on", lang, date=date.isoformat(), as_of=DATA_AS_OF)
    return (
        '<div class="bfe-export-header" style="position:absolute;top:10px;left:50%;'
        "transform:translateX(-50%);z-index:1000;background:rgba(255,255,255,0.92);"
        "padding:6px 12px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,0.3);"
        'font:13px/1.35 sans-serif;color:#222;max-width:60%;text-align:center">'
        f'<div style="font-weight:700;font-size:15px">{esc(title)}</div>'
        f"<div>{esc(map_on)} "
        f'<a href="{esc(permalink_url)}" target="_blank" rel="noopener">'
        f"{esc(t('export.open_in_app', lang))}</a></div>"
        f'<div style="font-size:11px;color:#555">{esc(attribution_text(lang))} · '
        f"{esc(t('export.click_feature', lang))}</div></div>"
    )


def to_html_bytes(
    ds: Dataset,
    *,
    layers: Iterable[str],
    date: dt.date,
    bbox: Sequence[float] | None = None,
    title: str | None = None,
    lang: str = "en",
    treaty: str = "APMBC",
    basemap: Mapping[str, gpd.GeoDataFrame] | None = None,
    overlay: Overlay | None = None,
    base_url: str = view.APP_URL,
) -> bytes:
    """Return the interactive map of a view as one standalone HTML page that works offline.

    The app's base map (:func:`explorer.web.folium_map.build_base_map`), its layers on ``date``
    (:func:`explorer.web.folium_map.layer_groups`, with popups and sources) and its legend
    (:func:`explorer.web.legend_html.legend_control`), fitted to ``bbox``, with Leaflet and
    every image inlined (:func:`explorer.web.assets.standalone_html`): no outside request. An
    ``overlay`` (:func:`explorer.overlay.read_overlay`) is drawn as its own layer with escaped
    popups and a legend entry "Your overlay: <file name>".

    Raises
    ------
    ValueError
        For an unknown layer (:func:`explorer.layers.check_layers`).
    """
    visible = list(check_layers(layers))
    bbox = view.validate_bbox(bbox or DEFAULT_BBOX)
    west, south, east, north = bbox
    lat, lon, zoom = view.view_centre_zoom(bbox)
    if "basemap" in visible:
        base_layers = basemap if basemap is not None else load_basemap()
    else:
        base_layers = {}
    m = folium_map.build_base_map(center=(lat, lon), zoom=zoom, basemap=base_layers, lang=lang)
    for group in folium_map.layer_groups(ds, date=date, visible=visible, lang=lang, treaty=treaty):
        group.add_to(m)
    the_view = view.View(layers=tuple(visible), date=date, bbox=None, lang=lang, treaty=treaty)
    shown = scene.shown_categories(scene.make_scene(ds, the_view).frames)
    items = legend.legend_items(visible, lang, shown=shown)
    if overlay is not None:
        folium_map.overlay_group(overlay_display.overlay_collection(overlay, lang)).add_to(m)
        items += overlay_display.legend_items(overlay, lang)
    legend_html.legend_control(items).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    title = title or t("export.default_title", lang)
    link = view.permalink_url(layers=visible, date=date, bbox=bbox, lang=lang, base_url=base_url)
    root = m.get_root()
    root.title = html_text(title)  # branca writes it into <title> as it is
    root.html.add_child(folium.Element(_header_html(title, date, link, lang)))
    return assets.standalone_html(m).encode("utf-8")
