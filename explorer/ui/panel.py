"""The panel under the map: border lengths, works along a border, treaty status."""

from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd
import streamlit as st

from explorer import lengths, scene, style, text, timeline
from explorer.data import Dataset
from explorer.i18n import number, t
from explorer.layers import PROGRAMME_LAYERS
from explorer.text import html_text
from explorer.ui.text import md_escape
from explorer.web.popups import localized


def source_links(ds: Dataset, ids: list[str]) -> str:
    """Markdown links "publisher: title (date)" for source ids; text escaped, URLs checked."""
    return text.refs_markdown(text.source_refs(ds, ids), escape=md_escape)


def fortification_states(ds: Dataset, day: dt.date) -> dict[str, str | None]:
    """Work id -> its state on ``day``, as the scene shows it (absent: not shown that day)."""
    out: dict[str, str | None] = {}
    for layer in PROGRAMME_LAYERS:
        frame = scene.layer_frame(ds, layer, day)
        out.update(zip(frame["record"], frame["state"], strict=True))
    return out


def _signed_pct(pct: float, lang: str = "en") -> str:
    """Format a signed percentage for a metric's delta: ``-3.2 %``, in Polish ``-3,2 %``.

    Examples
    --------
    >>> _signed_pct(-3.21), _signed_pct(-3.21, "pl"), _signed_pct(4.0, "pl")
    ('-3.2 %', '-3,2 %', '+4,0 %')
    """
    text = f"{pct:+.1f} %"
    return text.replace(".", ",") if lang == "pl" else text


def _fort_name(ds: Dataset, fort_id: str, lang: str) -> str:
    forts = ds.fortifications.set_index("id")
    return str(forts.loc[fort_id, f"name_{lang}"]) if fort_id in forts.index else fort_id


def lengths_table(
    ds: Dataset, segment_ids: list[str], day: dt.date, lang: str = "en"
) -> pd.DataFrame:
    """Rows for the lengths panel: official and measured km, difference, fenced km on ``day``."""
    states = fortification_states(ds, day)
    segs = ds.segments.set_index("id")
    records = ds.fortifications.to_dict("records")  # once, not once per segment
    names = {str(r["id"]): str(r[f"name_{lang}"]) for r in records}
    rows = []
    for seg_id in segment_ids:
        seg = segs.loc[seg_id]
        works = lengths.fortified_km(records, seg_id, states)
        fenced = "; ".join(
            f"{number(w['km'], 0, lang)} ({names.get(str(w['id']), w['id'])}, "
            f"{style.state_label(w['state'], lang)})"
            for w in works
        )
        rows.append(
            {
                t("panel.col.border", lang): seg[f"name_{lang}"],
                t("panel.col.official", lang): seg["official_km"],
                t("panel.col.measured", lang): seg["measured_km"],
                t("panel.col.difference", lang): lengths.difference_pct(
                    seg["official_km"], seg["measured_km"]
                ),
                t("panel.col.fenced", lang): fenced or t("panel.none_recorded", lang),
            }
        )
    return pd.DataFrame(rows)


def difference_note(
    official_km: float | None,
    measured_km: float | None,
    *,
    approx_km: float = 0.0,
    official_part: str | None = "total",
    lang: str = "en",
) -> str:
    """Explain in ``lang`` why a segment's two lengths differ (as :func:`lengths.difference_note`).

    Examples
    --------
    >>> "3,2 % krótsza" in difference_note(418, 404.6, lang="pl")
    True
    >>> difference_note(418, 404.6) == lengths.difference_note(418, 404.6)
    True
    """
    pct = lengths.difference_pct(official_km, measured_km)
    if pct is None:
        return t("panel.no_official", lang)
    direction = t("panel.shorter" if pct < 0 else "panel.longer", lang)
    first = t(
        "panel.diff_first",
        lang,
        pct=number(abs(pct), 1, lang),
        direction=direction,
        km=number(official_km, 1, lang),
    )
    reasons = []
    if pct < 0:
        reasons.append(t("panel.reason_bends", lang))
    if approx_km > 0:
        reasons.append(t("panel.reason_approx", lang, km=number(approx_km, 1, lang)))
    if official_part and official_part != "total":
        part = t(f"part.{official_part}", lang) if lang != "en" else official_part
        reasons.append(t("panel.reason_part", lang, part=part))
    if pct > 0:
        reasons.append(t("panel.reason_water", lang))
    return f"{first} {t('panel.why', lang)} " + "; ".join(reasons) + "."


def display_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    r"""Return a small table as the reader sees it: text cells, numbers to one decimal.

    Numbers follow the language (:func:`number`), a missing value is a dash; a table already
    made of text comes back unchanged. Pure and cheap to cache: the page caches it per state,
    so a run sends the text, not a styled frame to format again (pandas' ``Styler`` cost about
    5 ms a table on every run).

    Examples
    --------
    >>> display_table(pd.DataFrame({"km": [1340.0, None], "name": ["a", "b"]}), "pl")
            km name
    0  1\xa0340,0    a
    1        —    b
    """
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[column] = [("—" if pd.isna(v) else number(float(v), 1, lang)) for v in values]
        else:
            out[column] = [("—" if v is None or v is pd.NA else str(v)) for v in values]
    return out


#: How a panel table looks (close to ``st.table``), sent with every table: a few hundred bytes.
TABLE_CSS: Final[str] = (
    "<style>.bfe-table{border-collapse:collapse;width:100%;font-size:0.875rem;"
    "margin-bottom:0.5rem}.bfe-table th,.bfe-table td{border:1px solid #e6e6ea;"
    "padding:0.25rem 0.5rem;text-align:left;vertical-align:top}.bfe-table th{font-weight:600;"
    "color:#31333f;background:#f7f7f9}.bfe-table td.num{text-align:right;"
    "font-variant-numeric:tabular-nums}.bfe-table-wrap{max-width:100%;overflow-x:auto}"
    # A phone: smaller type, tighter cells and long headers broken, so the table fits the width.
    "@media (max-width:640px){.bfe-table{font-size:0.78rem}.bfe-table th,.bfe-table td"
    "{padding:0.2rem 0.25rem;overflow-wrap:break-word;hyphens:auto}.bfe-table th"
    "{overflow-wrap:anywhere}}</style>"
)


def table_html(frame: pd.DataFrame, lang: str) -> str:
    """Return a small table as static, escaped HTML: a header row, no index.

    Text as :func:`display_table` writes it; numeric columns right-aligned. Drawn with
    ``st.html`` rather than ``st.table``: ``st.table`` makes the browser load and parse ~0.9 MB
    of Arrow code before the page settles, and formats the frame again on every run (measured
    in ``benchmarks/``, first paint). Pure, so the page caches the string per state.

    Examples
    --------
    >>> print(table_html(pd.DataFrame({"Border": ["A<B"], "km": [1340.0]}), "en"))
    ... # doctest: +NORMALIZE_WHITESPACE
    <table class="bfe-table"><thead><tr><th scope="col">Border</th><th scope="col">km</th></tr>
    </thead><tbody><tr><td>A&lt;B</td><td class="num">1,340.0</td></tr></tbody></table>
    """
    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    text = display_table(frame, lang)
    head = "".join(f'<th scope="col">{html_text(str(c))}</th>' for c in text.columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{html_text(v)}</td>' if num else f"<td>{html_text(v)}</td>"
            for v, num in zip(row, numeric, strict=True)
        )
        + "</tr>"
        for row in text.itertuples(index=False)
    )
    return f'<table class="bfe-table"><thead><tr>{head}</tr>\n</thead><tbody>{rows}</tbody></table>'


def _table(table: pd.DataFrame | str, lang: str) -> None:
    """Show a small table: a frame, or :func:`table_html`'s string when the caller cached it.

    Static HTML, not ``st.dataframe``'s interactive grid (~1.2 MB of JavaScript) nor
    ``st.table`` (~0.9 MB): for a dozen rows a static table is enough and the map appears sooner.
    """
    st.html(table_block(table if isinstance(table, str) else table_html(table, lang)))


def table_block(table: str) -> str:
    """Return a :func:`table_html` table with its CSS, in a box as wide as the column (phones).

    Examples
    --------
    >>> table_block("<table></table>").endswith('<div class="bfe-table-wrap"><table></table></div>')
    True
    """
    return f'{TABLE_CSS}<div class="bfe-table-wrap">{table}</div>'


def fenced_markdown(ds: Dataset, works: list[dict], lang: str = "en") -> str:
    """Markdown of a segment's fenced / barrier km: one line per work, never a sum.

    Works on one border often run along the same stretch (a barrier and the electronic system on
    it), so their lengths are listed one by one and said not to add up.

    Parameters
    ----------
    ds : Dataset
        The loaded data (for the works' names).
    works : list of dict
        :func:`explorer.lengths.fortified_km` rows (``id``, ``km``, ``state``).
    lang : str
        Language of the text and of the numbers' decimal sign.

    Returns
    -------
    str
        Escaped markdown: a bold title, then a bullet per work (or "none on this date").
    """
    title = f"**{md_escape(t('panel.fenced', lang))}**"
    if not works:
        return f"{title}: {md_escape(t('panel.none_on_date', lang))}"
    lines = []
    for w in works:
        km = number(w["km"], 0, lang)
        name, state = _fort_name(ds, w["id"], lang), style.state_label(w["state"], lang)
        lines.append("- " + md_escape(f"{km} km: {name} ({state})"))
    note = md_escape(t("panel.fenced_per_work", lang))
    return f"{title} ({note})\n\n" + "\n".join(lines)


def show_lengths(
    ds: Dataset,
    segment: str | None,
    day: dt.date,
    lang: str = "en",
    *,
    table: pd.DataFrame | str | None = None,
) -> None:
    """Official vs measured km for the selected segment (or all), and why they differ.

    ``table``: :func:`lengths_table`'s rows (or their :func:`table_html`) when the caller has
    them cached already.
    """
    ids = [segment] if segment else list(ds.segments["id"])
    st.subheader(t("panel.lengths_title", lang))
    _table(lengths_table(ds, ids, day, lang) if table is None else table, lang)
    st.caption(md_escape(t("panel.why_differ", lang)))
    if segment:
        seg = ds.segments.set_index("id").loc[segment]
        pct = lengths.difference_pct(seg["official_km"], seg["measured_km"])
        cols = st.columns(2)
        cols[0].metric(
            t("panel.official_length", lang, name=seg[f"name_{lang}"]),
            f"{number(seg['official_km'], 1, lang)} km",
        )
        cols[1].metric(
            t("panel.measured_on_map", lang),
            f"{number(seg['measured_km'], 1, lang)} km",
            delta=None if pct is None else _signed_pct(pct, lang),
            delta_color="off",
        )
        works = lengths.fortified_km(ds.fortifications, segment, fortification_states(ds, day))
        st.markdown(fenced_markdown(ds, works, lang))
        st.markdown(
            md_escape(
                difference_note(
                    seg["official_km"],
                    seg["measured_km"],
                    approx_km=seg["measured_approx_km"],
                    official_part=seg["official_part"],
                    lang=lang,
                )
            )
        )
        note = localized(seg, "note", lang)
        if note:
            st.markdown(md_escape(note))
        st.markdown(
            md_escape(t("panel.official_sources", lang))
            + " "
            + source_links(ds, list(seg["official_sources"]))
        )
        _show_works_along(ds, segment, day, lang)


def _show_works_along(ds: Dataset, segment: str, day: dt.date, lang: str) -> None:
    states = fortification_states(ds, day)
    forts = ds.fortifications
    along = forts[forts["derive_segments"].map(lambda s: segment in (s or []))]
    st.markdown(f"**{md_escape(t('panel.works_title', lang, date=day.isoformat()))}**")
    shown = 0
    for rec in along.to_dict("records"):
        state_on = states.get(rec["id"])
        if state_on is None:
            continue
        shown += 1
        line = t(
            "panel.work_line",
            lang,
            state=style.state_label(state_on, lang),
            precision=t(f"precision.{rec['precision']}", lang),
            confidence=t(f"confidence.{rec['confidence']}", lang),
        )
        st.markdown(
            f"- **{md_escape(rec[f'name_{lang}'])}** — {md_escape(line)} "
            f"{md_escape(t('panel.sources', lang))} {source_links(ds, list(rec['sources']))}"
        )
    if not shown:
        st.markdown(md_escape(t("panel.no_works", lang)))


def treaty_table(ds: Dataset, day: dt.date, lang: str = "en") -> pd.DataFrame:
    """Return each country's Ottawa Convention status on ``day``, ready to show."""
    statuses = scene.treaty_statuses(ds, day)  # the scene's table: the summary reads it too
    table = statuses[["country", "status", "since"]].copy()
    table["since"] = [d.isoformat() if isinstance(d, dt.date) else d for d in statuses["since"]]
    table["event"] = [timeline.event_label(ds.treaty_events, e, lang) for e in statuses["event"]]
    table.insert(1, "treaty", "APMBC")
    table["sources"] = statuses["sources"]
    table["country"] = table["country"].map(ds.countries[f"name_{lang}"])
    table["status"] = table["status"].map(lambda s: style.status_label(s, lang))
    table["sources"] = table["sources"].map(lambda ids: ", ".join(ids))
    return table


def treaty_summary(ds: Dataset, day: dt.date, lang: str = "en") -> tuple[str, str]:
    """Return the treaty panel as the reader sees it: the groups in words and the table.

    Pure (the page caches it by the statuses on ``day``): the escaped markdown of the countries
    grouped by status, and :func:`treaty_table`'s rows as HTML (:func:`table_html`) with
    translated column names.
    """
    table = treaty_table(ds, day, lang)
    groups = table.groupby("status", sort=False)["country"].apply(lambda s: ", ".join(s))
    words = "  \n".join(
        f"**{md_escape(status)}**: {md_escape(names)}" for status, names in groups.items()
    )
    columns = {
        "country": t("panel.col.country", lang),
        "status": t("panel.col.status", lang),
        "since": t("panel.col.since", lang),
        "event": t("panel.col.event", lang),
        "sources": t("panel.col.sources", lang),
    }
    return words, table_html(table.drop(columns=["treaty"]).rename(columns=columns), lang)


def show_treaty_summary(
    ds: Dataset,
    day: dt.date,
    lang: str = "en",
    *,
    summary: tuple[str, str] | None = None,
) -> None:
    """Each country's Ottawa Convention status on ``day``.

    ``summary``: :func:`treaty_summary`'s, when the caller has it cached.
    """
    words, table = treaty_summary(ds, day, lang) if summary is None else summary
    st.subheader(t("panel.treaty_title", lang, date=day.isoformat()))
    st.markdown(words)
    _table(table, lang)
