"""The panel under the map in compare mode: what changed between A and B, and how fast.

A table of the sourced changes in (A, B] (:func:`explorer.changes.changes_between`, worded by
:func:`~explorer.changes.render_changes`), the km of barrier completed per border segment
(:func:`~explorer.changes.km_added`), and a chart of fortified km per country over time
(:func:`explorer.progress.progress_series`, drawn with Vega-Lite as Streamlit ships it: no CDN)
with A and B marked. Each is cached per data folder, dates and language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from explorer import changes, progress, style
from explorer.i18n import t
from explorer.text import fmt_km
from explorer.ui import panel
from explorer.ui.text import md_escape

__all__ = ["progress_chart", "show"]


@st.cache_data(show_spinner=False, max_entries=64)
def _changes_table(data_dir: str, start: dt.date, end: dt.date, lang: str, _ds: Any) -> str:
    frame = changes.changes_between(_ds, start, end)
    if frame.empty:
        return ""
    shown = changes.render_changes(frame, _ds, lang)
    titles = changes.column_titles(lang)
    keep = ["date", "country", "what", "name", "segment", "km", "sources"]
    shown = shown[[c for c in keep if c in shown.columns]].rename(columns=titles)
    return panel.table_html(shown, lang)


@st.cache_data(show_spinner=False, max_entries=64)
def _km_lines(data_dir: str, start: dt.date, end: dt.date, lang: str, _ds: Any) -> list[str]:
    added = changes.km_added(_ds, start, end)
    names = dict(zip(_ds.segments["id"], _ds.segments[f"name_{lang}"], strict=True))
    lines = []
    for rec in added.to_dict("records"):
        km = fmt_km(rec["km"], lang)
        if rec["about"]:
            km = t("changes.about_km", lang, km=km)
        works = ", ".join(rec["works"])
        lines.append(t("changes.km_line", lang, segment=names.get(rec["segment"], rec["segment"]),
                       km=km, works=works))  # fmt: skip
    return lines


@st.cache_data(show_spinner=False, max_entries=8)
def _series(data_dir: str, _ds: Any) -> pd.DataFrame:
    return progress.progress_series(_ds)


def progress_chart(series: pd.DataFrame, names: dict[str, str], marks: tuple, lang: str) -> Any:
    """Return the Vega-Lite chart (Altair) of fortified km per country, A and B marked.

    The solid line is km complete; the band up to the dashed line is km still being built (the
    uncertain part).
    """
    import altair as alt  # local: only compare mode draws a chart

    data = series.assign(
        country=series["country"].map(lambda c: names.get(c, c)),
        km_total=series["km_complete"] + series["km_building"],
    )[["date", "country", "km_complete", "km_total"]]
    x = alt.X("date:T", title=t("changes.chart_date", lang))
    colour = alt.Color(
        "country:N", title=t("changes.col.country", lang),
        scale=alt.Scale(range=list(style.COUNTRY_COLOURS)),
    )  # fmt: skip
    band = alt.Chart(data).mark_area(opacity=0.18, interpolate="step-after").encode(
        x=x, y=alt.Y("km_complete:Q", title=t("changes.chart_km", lang)), y2="km_total:Q",
        color=colour,
    )  # fmt: skip
    line = (
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(x=x, y="km_complete:Q", color=colour)
    )
    edge = (
        alt.Chart(data)
        .mark_line(interpolate="step-after", strokeDash=[5, 3])
        .encode(x=x, y="km_total:Q", color=colour)
    )
    rules = pd.DataFrame({"date": [d.isoformat() for d in marks], "label": ["A", "B"]})
    rule = alt.Chart(rules).mark_rule(strokeDash=[4, 4], color="#333333").encode(x="date:T")
    text = (
        alt.Chart(rules)
        .mark_text(dy=-8, align="left", dx=3, fontWeight="bold")
        .encode(x="date:T", text="label:N", y=alt.value(8))
    )
    return (band + edge + line + rule + text).properties(height=260)


def show(ds: Any, data_dir: str, start: dt.date, end: dt.date, lang: str) -> None:
    """Draw the panel: the changes between ``start`` (A) and ``end`` (B), km added, the chart."""
    st.subheader(t("changes.title", lang, a=start.isoformat(), b=end.isoformat()))
    st.caption(md_escape(t("changes.period", lang, start=start.isoformat(), end=end.isoformat(),
                           treaty=t("treaty.APMBC.short", lang))))  # fmt: skip
    table = _changes_table(data_dir, start, end, lang, ds)
    if table:
        st.html(panel.table_block(table))
    else:
        st.info(md_escape(t("changes.none", lang)))
    km = _km_lines(data_dir, start, end, lang, ds)
    if km:
        st.markdown("\n".join(f"- {md_escape(line)}" for line in km))
    names = dict(zip(ds.countries.index, ds.countries[f"name_{lang}"], strict=True))
    st.markdown(f"**{md_escape(t('changes.chart_title', lang))}**")
    st.altair_chart(progress_chart(_series(data_dir, ds), names, (start, end), lang),
                    width="stretch")  # fmt: skip
    st.caption(md_escape(t("changes.chart_note", lang)))
