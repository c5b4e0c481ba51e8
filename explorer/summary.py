"""A plain-text summary of one view of the map, for screen readers and anyone not seeing the map.

It says in words what the map shows: the date, which layers are on, how many features of each
layer are in view, the official and measured length of each border segment in view, and every
tracked country's treaty status on the date. Pure: no Streamlit, no folium.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from explorer import style, timeline, view
from explorer.config import DATA_AS_OF
from explorer.i18n import t
from explorer.partial_works import partial_label, partial_works

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from explorer.data import Dataset

__all__ = ["summary_lines", "view_summary"]


def _km(value: object, lang: str) -> str:
    """Format km with the language's separators (ISO 31-0 style for Polish: 1 340,0 km)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("summary.not_recorded", lang)
    text = f"{float(value):,.1f} km"
    if lang == "pl":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def _count_line(layer: str, rows: pd.DataFrame, lang: str) -> str:
    title = style.layer_title(layer, lang)
    if layer == "borders":
        return t("summary.count_borders", lang, layer=title, n=rows["segment_ids"].nunique())
    if layer == "treaty":
        return t("summary.count_countries", lang, layer=title, n=rows["country"].nunique())
    return t("summary.count_features", lang, layer=title, n=rows["id"].nunique())


def _partial_in_view(ds: Dataset, date: dt.date, bbox: tuple | None) -> dict[str, list]:
    """Works not drawn whose mark (on their border) is in ``bbox``, per layer."""
    out: dict[str, list] = {}
    for row in partial_works(ds, date):
        inside = bbox is None or (
            bbox[0] <= row["lon"] <= bbox[2] and bbox[1] <= row["lat"] <= bbox[3]
        )
        if inside:
            out.setdefault(row["layer"], []).append(row)
    return out


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
        Visible layer ids (:data:`explorer.style.LAYER_IDS`).
    date : datetime.date
        The day shown.
    bbox : (west, south, east, north) or geometry or None, default the app's default view
        What is "in view" (see :func:`explorer.view.features_in_view`); None: everything.
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
        follows from. Lines listing
        items start with ``"- "``.

    Raises
    ------
    ValueError
        For an unknown layer, language or treaty, or a malformed bbox.
    """
    shown = [i for i in style.LAYER_IDS if i in set(layers)]
    unknown = set(layers) - set(style.LAYER_IDS)
    if unknown:
        raise ValueError(f"unknown layer(s) {sorted(unknown)}; expected {list(style.LAYER_IDS)}")
    if treaty not in ("APMBC", "CCM"):
        raise ValueError(f"unknown treaty {treaty!r}; expected 'APMBC' or 'CCM'")
    lines = [t("summary.date", lang, date=date.isoformat(), as_of=DATA_AS_OF)]
    if shown:
        titles = ", ".join(style.layer_title(i, lang) for i in shown)
        lines.append(t("summary.layers", lang, layers=titles))
    else:
        lines.append(t("summary.no_layers", lang))

    data_layers = [i for i in shown if i in style.DATA_LAYERS]
    if data_layers:
        gdf = view.features_in_view(
            ds, layers=data_layers, date=date, bbox=bbox, lang=lang, treaty=treaty
        )
        lines.append(t("summary.counts_title", lang))
        marks = _partial_in_view(ds, date, bbox)
        for layer in data_layers:
            rows = gdf[gdf["layer"] == layer]
            line = "- " + _count_line(layer, rows, lang)
            for label in marks.get(layer, []):  # works not drawn: their figures, in words
                line += "; " + t("summary.not_drawn", lang, label=partial_label(label, lang))
            lines.append(line)
        borders = gdf[gdf["layer"] == "borders"]
        if len(borders):
            lines.append(t("summary.borders_title", lang))
            segments = ds.segments.set_index("id")
            for seg_id in sorted(set(borders["segment_ids"])):
                seg = segments.loc[seg_id]
                lines.append(
                    "- "
                    + t(
                        "summary.border",
                        lang,
                        name=seg[f"name_{lang}"],
                        official=_km(seg["official_km"], lang),
                        measured=_km(seg["measured_km"], lang),
                    )
                )

    table = timeline.statuses_on(ds.treaty_events, list(ds.countries.index), treaty, date)
    treaty_name = t(f"treaty.{treaty}.short", lang)
    lines.append(t("summary.treaty_title", lang, treaty=treaty_name, date=date.isoformat()))
    for rec in table.to_dict("records"):
        country = ds.countries.loc[rec["country"], f"name_{lang}"]
        status = style.status_label(rec["status"], lang)
        since = rec["since"]
        if isinstance(since, dt.date):
            since = since.isoformat()
        event = timeline.status_on(ds.treaty_events, rec["country"], treaty, date).event_id
        label = timeline.event_label(ds.treaty_events, event, lang)
        if isinstance(since, str) and since and label:
            line = t(
                "summary.treaty_row_event",
                lang,
                country=country,
                status=status,
                since=since,
                event=label,
            )
        elif isinstance(since, str) and since:
            line = t("summary.treaty_row_since", lang, country=country, status=status, since=since)
        else:
            line = t("summary.treaty_row", lang, country=country, status=status)
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
