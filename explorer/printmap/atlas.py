"""The atlas: one page per border segment, after a cover with the overview and the contents.

``export --atlas segments --out atlas.pdf [--paper a4 …]`` (issue 18; QGIS's atlas without
QGIS). Every page is a paper map (:func:`.sheet.render_sheet`): the cover shows the whole view
and lists the segments with their page numbers; each segment's page is framed on the segment
and says its official and measured length, the fence or barrier km on the date, the works along
it (state on the date, sourced length, source ids), with the map's legend, scale bar, north
arrow, sources, attribution and permalink. Source ids that do not fit continue on sources pages
at the end (:mod:`.sources_page`). What a page shows is the scene's (:mod:`explorer.scene`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from matplotlib.figure import Figure

from explorer import files, lengths, scene, style, view
from explorer.i18n import number, t
from explorer.layers import DEFAULT_LAYERS, LAYER_IDS, PROGRAMME_LAYERS
from explorer.paper import Paper
from explorer.printmap.layers import load_basemap
from explorer.printmap.pagetext import Para
from explorer.printmap.sheet import BODY_PT, render_sheet
from explorer.printmap.sources_page import pdf_bytes, sources_figures

if TYPE_CHECKING:
    import geopandas as gpd

    from explorer.data import Dataset

__all__ = ["ATLAS_KINDS", "atlas_bytes", "atlas_pages", "segment_box", "write_atlas"]

#: What an atlas can page through (``--atlas``): one page per border segment.
ATLAS_KINDS: Final[tuple[str, ...]] = ("segments",)
#: Margin round a segment on its page, as a share of its size (and at least this many degrees).
_PAD: Final[float] = 0.15
_MIN_SPAN_DEG: Final[float] = 1.5


def segment_box(geom: object) -> view.Bbox:
    """Return the box a segment's page shows: its bounds, padded, at least 1.5° each way.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> segment_box(LineString([(23.0, 52.0), (23.5, 54.0)]))
    (22.5, 51.7, 24.0, 54.3)
    """
    west, south, east, north = geom.bounds  # type: ignore[attr-defined]
    pad_x = max(_PAD * (east - west), (_MIN_SPAN_DEG - (east - west)) / 2, 0.0)
    pad_y = max(_PAD * (north - south), (_MIN_SPAN_DEG - (north - south)) / 2, 0.0)
    box = (west - pad_x, max(-85.0, south - pad_y), east + pad_x, min(85.0, north + pad_y))
    return tuple(round(v, 4) for v in box)  # type: ignore[return-value]


def _works(whole: scene.Scene, segment: str, lang: str) -> list[dict]:
    """Return the works along ``segment`` on the scene's date, once each (record id order)."""
    out: dict[str, dict] = {}
    for layer, frame in whole:
        if layer not in PROGRAMME_LAYERS or not len(frame):
            continue
        for rec in frame.to_dict("records"):
            if segment in rec["segment_ids"] and rec["record"] not in out:
                out[rec["record"]] = {**rec, "name": rec[f"name_{lang}"]}
    return [out[k] for k in sorted(out)]


def _facts(
    ds: Dataset, seg: Mapping, whole: scene.Scene, date: dt.date, lang: str
) -> tuple[list[Para], list[str]]:
    """Return the segment's paragraphs (lengths, fenced km, works) and the source ids they cite."""
    sid = str(seg["id"])
    works = _works(whole, sid, lang)
    states = {w["record"]: w["state"] for w in works}
    names = {w["record"]: w["name"] for w in works}
    fenced = "; ".join(
        f"{number(w['km'], 0, lang)} km ({names.get(w['id'], w['id'])}, "
        f"{style.state_label(w['state'], lang)})"
        for w in lengths.fortified_km(ds.fortifications, sid, states)
    )
    day = date.isoformat()
    paras = [
        Para(t("atlas.lengths", lang, official=number(float(seg["official_km"]), 1, lang),
               measured=number(float(seg["measured_km"]), 1, lang)), BODY_PT),
        Para(t("atlas.fenced", lang, date=day,
               works=fenced or t("panel.none_recorded", lang)), BODY_PT),
    ]  # fmt: skip
    cited = [str(s) for s in seg["official_sources"]]
    if not works:
        paras.append(Para(t("atlas.no_works", lang, date=day), BODY_PT))
    else:
        rows = [t("atlas.works", lang, date=day)]
        for w in works:
            km = (
                ""
                if w["length_km"] != w["length_km"]
                else f", {number(w['length_km'], 0, lang)} km"
            )
            state = style.state_label(w["state"], lang) if w["state"] else ""
            rows.append(f"• {w['name']}: {state}{km}")  # its sources: in the page's list
            cited += list(w["sources"])
        paras.append(Para("\n".join(rows), BODY_PT))
    return paras, sorted(set(cited))


def atlas_pages(
    ds: Dataset,
    *,
    paper: Paper,
    date: dt.date,
    layers: Iterable[str] = DEFAULT_LAYERS,
    lang: str = "en",
    treaty: str = "APMBC",
    base_url: str = view.APP_URL,
    basemap: Mapping[str, gpd.GeoDataFrame] | None = None,
) -> list[Figure]:
    """Return the atlas's pages: the cover, one page per segment, then the sources pages.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    paper : Paper
        Every page's sheet.
    date : datetime.date
        The day shown.
    layers : iterable of str, default the app's
        Visible layers on every page.
    lang : {"en", "pl"}, default "en"
    treaty : {"APMBC", "CCM"}, default "APMBC"
    base_url : str, default :data:`explorer.view.APP_URL`
        The app's address, for each page's permalink.
    basemap : mapping, optional
        Pre-loaded :func:`explorer.printmap.load_basemap` (read once here when None).

    Returns
    -------
    list of matplotlib.figure.Figure
        ``1 + len(ds.segments)`` map pages, then any sources pages.
    """
    shown = [i for i in LAYER_IDS if i in set(layers)]
    check = view.View(layers=tuple(shown), date=date, lang=lang, treaty=treaty)
    if basemap is None and "basemap" in shown:
        basemap = load_basemap()
    whole = scene.make_scene(ds, view.View(layers=PROGRAMME_LAYERS, date=date, bbox=None))
    segments = ds.segments.to_dict("records")
    title = t("atlas.title", lang)
    common = {"paper": paper, "layers": shown, "date": date, "lang": lang,
              "treaty": check.treaty, "basemap": basemap}  # fmt: skip

    def link(bbox: Sequence[float]) -> str:
        return view.permalink_url(layers=shown, date=date, bbox=bbox, lang=lang, base_url=base_url)

    contents = [t("atlas.contents_row", lang, page=n + 2, name=seg[f"name_{lang}"], id=seg["id"])
                for n, seg in enumerate(segments)]  # fmt: skip
    cover_note = t("atlas.cover_note", lang, n=len(segments))
    cover = render_sheet(
        ds, **common, bbox=view.DEFAULT_BBOX, title=title, permalink_url=link(view.DEFAULT_BBOX),
        top=[Para(cover_note, 9.0, colour="#333333")],
        facts=[Para(t("atlas.contents", lang), BODY_PT + 2, "bold", "#111111"),
               Para("\n".join(contents), BODY_PT + 1)],
    )  # fmt: skip
    pages = [cover.figure]
    continued = [(t("atlas.sources_heading", lang, page=1, name=title), cover.overflow,
                  cover.notes, t("paper.page_short", lang, n=1))]  # fmt: skip
    for n, seg in enumerate(segments):
        bbox = segment_box(seg["geometry"])
        facts, cited = _facts(ds, seg, whole, date, lang)
        name = t("atlas.segment_title", lang, name=seg[f"name_{lang}"], id=seg["id"])
        where = t("atlas.page_of", lang, title=title, n=n + 2, total=len(segments) + 1)
        sheet = render_sheet(
            ds, **common, bbox=bbox, title=name, permalink_url=link(bbox),
            top=[Para(where, 9.0, colour="#555555")], facts=facts, extra_sources=cited,
            about=False,
        )  # fmt: skip
        pages.append(sheet.figure)
        heading = t("atlas.sources_heading", lang, page=n + 2, name=name)
        continued.append((heading, sheet.overflow, sheet.notes,
                          t("paper.page_short", lang, n=n + 2)))  # fmt: skip
    pages += sources_figures(ds, paper, continued, title=title, permalink_url=link(
        view.DEFAULT_BBOX), lang=lang)  # fmt: skip
    return pages


def atlas_bytes(ds: Dataset, *, paper: Paper, date: dt.date, **options: object) -> bytes:
    """Return the atlas as one PDF (:func:`atlas_pages`)."""
    pages = atlas_pages(ds, paper=paper, date=date, **options)  # type: ignore[arg-type]
    return pdf_bytes(pages, title=pages[0].get_label() or "Atlas")


def write_atlas(
    ds: Dataset, out_path: Path | str, *, paper: Paper, date: dt.date, **options: object
) -> Path:
    """Write the atlas PDF to ``out_path`` atomically; return the path."""
    return files.write_atomic(Path(out_path), atlas_bytes(ds, paper=paper, date=date, **options))
