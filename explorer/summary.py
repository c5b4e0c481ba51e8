"""A plain-text summary of one view of the map, for screen readers and anyone not seeing the map.

It says in words what the map shows: the date, which layers are on, how many features of each
layer are in view, the official and measured length of each border segment in view, and every
tracked country's treaty status on the date, all read from the view's scene
(:mod:`explorer.scene`). Pure: no Streamlit, no folium.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from explorer import layers, scene, style, timeline, view
from explorer.config import DATA_AS_OF
from explorer.i18n import t
from explorer.partial_works import mark_label
from explorer.text import fmt_km

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from explorer.data import Dataset

__all__ = ["change_lines", "scene_lines", "summary_lines", "view_summary"]


def _count_line(layer: str, rows: pd.DataFrame, lang: str) -> str:
    title = style.layer_title(layer, lang)
    match layers.family(layer):
        case "border":
            n = len({s for ids in rows["segment_ids"] for s in ids})
            return t("summary.count_borders", lang, layer=title, n=n)
        case "treaty":
            return t("summary.count_countries", lang, layer=title, n=rows["record"].nunique())
        case _:
            return t("summary.count_features", lang, layer=title, n=rows["id"].nunique())


def summary_lines(
    ds: Dataset,
    *,
    layers: Iterable[str],
    date: dt.date,
    bbox: Sequence[float] | BaseGeometry | None = view.DEFAULT_BBOX,
    lang: str = "en",
    treaty: str = "APMBC",
) -> list[str]:
    """Return the summary of a view as lines of plain text (escape before HTML or markdown).

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    layers : iterable of str
        Visible layer ids (:data:`explorer.layers.LAYER_IDS`).
    date : datetime.date
        The day shown.
    bbox : (west, south, east, north) or geometry or None, default the app's default view
        What is "in view" (:func:`explorer.scene.make_scene`); None: everything.
    lang : {"en", "pl"}, default "en"
        Language of the text.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        The treaty whose status is listed.

    Returns
    -------
    list of str
        The date line; the layers shown; features in view per data layer; border lengths
        (official / measured) of the segments in view when the border layer is on; a heading
        and one line per tracked country with its treaty status on ``date`` and the event it
        follows from. Lines listing items start with ``"- "``.

    Raises
    ------
    explorer.view.ViewError
        (a ``ValueError``) for an unknown layer, language or treaty, or a malformed bbox.
    """
    the_view = view.View(layers=tuple(layers), date=date, bbox=bbox, lang=lang, treaty=treaty)
    return scene_lines(ds, scene.make_scene(ds, the_view))


def scene_lines(ds: Dataset, sc: scene.Scene) -> list[str]:
    """Return :func:`summary_lines` for a scene already derived."""
    v = sc.view
    lang, date = v.lang, v.date
    lines = [t("summary.date", lang, date=date.isoformat(), as_of=DATA_AS_OF)]
    if v.layers:
        titles = ", ".join(style.layer_title(i, lang) for i in v.layers)
        lines.append(t("summary.layers", lang, layers=titles))
    else:
        lines.append(t("summary.no_layers", lang))

    if sc.frames:
        lines.append(t("summary.counts_title", lang))
        for layer, frame in sc:
            partial = frame["partial"].astype(bool)
            line = "- " + _count_line(layer, frame[~partial], lang)
            for rec in frame[partial].to_dict("records"):  # works not drawn: figures, in words
                line += "; " + t("summary.not_drawn", lang, label=mark_label(rec, lang))
            lines.append(line)
        borders = sc.frames.get("borders")
        if borders is not None and len(borders):
            lines.append(t("summary.borders_title", lang))
            segments = ds.segments.set_index("id")
            for seg_id in sorted({s for ids in borders["segment_ids"] for s in ids}):
                seg = segments.loc[seg_id]
                lines.append(
                    "- "
                    + t(
                        "summary.border",
                        lang,
                        name=seg[f"name_{lang}"],
                        official=fmt_km(seg["official_km"], lang),
                        measured=fmt_km(seg["measured_km"], lang),
                    )
                )

    statuses = scene.treaty_statuses(ds, date, v.treaty)
    treaty_name = t(f"treaty.{v.treaty}.short", lang)
    lines.append(t("summary.treaty_title", lang, treaty=treaty_name, date=date.isoformat()))
    for rec in statuses.to_dict("records"):
        country = ds.countries.loc[rec["country"], f"name_{lang}"]
        status = style.status_label(rec["status"], lang)
        since = rec["since"].isoformat() if isinstance(rec["since"], dt.date) else ""
        label = timeline.event_label(ds.treaty_events, rec["event"], lang)
        if since and label:
            line = t(
                "summary.treaty_row_event",
                lang,
                country=country,
                status=status,
                since=since,
                event=label,
            )
        elif since:
            line = t("summary.treaty_row_since", lang, country=country, status=status, since=since)
        else:
            line = t("summary.treaty_row", lang, country=country, status=status)
        lines.append("- " + line)
    return lines


def change_lines(
    ds: Dataset, start: dt.date, end: dt.date, *, lang: str = "en", treaty: str = "APMBC"
) -> list[str]:
    """Return what changed between ``start`` (A) and ``end`` (B) as summary lines.

    A heading, then one ``"- "`` line per sourced change (:func:`explorer.changes.changes_between`:
    treaty statuses, works, dated events; dates keep their precision) with its km when
    sourced, or a line saying there is none.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> lines = change_lines(load_dataset(), dt.date(2025, 1, 1), dt.date(2026, 3, 1))
    >>> any("2026-02-20: Poland, withdrawal pending → withdrawn" in x for x in lines)
    True
    """
    from explorer import changes  # local: only compare mode asks

    frame = changes.changes_between(ds, start, end, treaty=treaty)
    lines = [t("changes.summary_title", lang, a=start.isoformat(), b=end.isoformat())]
    if frame.empty:
        return [*lines, "- " + t("changes.none", lang)]
    shown = changes.render_changes(frame, ds, lang).to_dict("records")
    for kind, rec in zip(frame["kind"], shown, strict=True):
        name = f" ({rec['name']})" if rec["name"] and kind != "treaty" else ""
        line = t("changes.summary_row", lang, date=rec["date"], country=rec["country"],
                 what=rec["what"], name=name)  # fmt: skip
        if rec["km"]:
            line += f", {rec['km']}"
        lines.append("- " + line)
    return lines


def view_summary(
    ds: Dataset,
    *,
    layers: Iterable[str],
    date: dt.date,
    bbox: Sequence[float] | BaseGeometry | None = view.DEFAULT_BBOX,
    lang: str = "en",
    treaty: str = "APMBC",
) -> str:
    """Return :func:`summary_lines` joined into one plain-text block (one line each).

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> text = view_summary(load_dataset(), layers=["treaty"], date=dt.date(2026, 2, 20))
    >>> "Poland: withdrawn (since 2026-02-20)" in text
    True
    >>> "Polska: wystąpiło (od 2026-02-20)" in view_summary(
    ...     load_dataset(), layers=[], date=dt.date(2026, 2, 20), lang="pl")
    True
    """
    return "\n".join(
        summary_lines(ds, layers=layers, date=date, bbox=bbox, lang=lang, treaty=treaty)
    )
