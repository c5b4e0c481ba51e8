"""The panel under the map: border lengths, works along a border, treaty status."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from explorer import lengths, timeline
from explorer.data import Dataset
from explorer.ui.text import md_escape


def source_links(ds: Dataset, ids: list[str]) -> str:
    """Markdown links "publisher, title (date)" for source ids; text escaped, URLs checked."""
    parts = []
    for sid in ids:
        if sid not in ds.sources.index:
            continue
        src = ds.sources.loc[sid]
        label = f"{src['publisher']}: {src['title']}"
        if isinstance(src["date"], str) and src["date"]:
            label += f" ({src['date']})"
        label = md_escape(label)
        url = str(src["url"])
        parts.append(f"[{label}]({url})" if url.startswith(("https://", "http://")) else label)
    return "; ".join(parts)


def fortification_states(ds: Dataset, day: dt.date) -> dict[str, str | None]:
    """Feature id → its state on ``day`` (None before it was announced)."""
    forts = ds.fortifications
    return {
        rec["id"]: timeline.fortification_state(
            rec["announced_date"], rec["start_date"], rec["completed_date"], day
        )
        for rec in forts.to_dict("records")
    }


def lengths_table(ds: Dataset, segment_ids: list[str], day: dt.date) -> pd.DataFrame:
    """Rows for the lengths panel: official and measured km, difference, fenced km on ``day``."""
    states = fortification_states(ds, day)
    segs = ds.segments.set_index("id")
    rows = []
    for seg_id in segment_ids:
        seg = segs.loc[seg_id]
        works = lengths.fortified_km(ds.fortifications, seg_id, states)
        rows.append(
            {
                "Border": seg["name_en"],
                "Official km": seg["official_km"],
                "Measured km": seg["measured_km"],
                "Difference %": lengths.difference_pct(seg["official_km"], seg["measured_km"]),
                "Fenced / barrier km (sourced)": "; ".join(
                    f"{w['km']:,.0f} ({w['name']}, {w['state'].replace('-', ' ')})" for w in works
                )
                or "none recorded on this date",
            }
        )
    return pd.DataFrame(rows)


def show_lengths(ds: Dataset, segment: str | None, day: dt.date) -> None:
    """Official vs measured km for the selected segment (or all), and why they differ."""
    ids = [segment] if segment else list(ds.segments["id"])
    st.subheader("Border lengths: official vs measured")
    st.dataframe(lengths_table(ds, ids, day), hide_index=True, width="stretch")
    st.caption(lengths.WHY_THEY_DIFFER)
    if segment:
        seg = ds.segments.set_index("id").loc[segment]
        pct = lengths.difference_pct(seg["official_km"], seg["measured_km"])
        cols = st.columns(3)
        cols[0].metric(f"{seg['name_en']}: official length", f"{seg['official_km']:,.1f} km")
        cols[1].metric(
            "Measured on the map",
            f"{seg['measured_km']:,.1f} km",
            delta=None if pct is None else f"{pct:+.1f} %",
            delta_color="off",
        )
        works = lengths.fortified_km(ds.fortifications, segment, fortification_states(ds, day))
        cols[2].metric(
            "Fenced / barrier (sourced)",
            " + ".join(f"{w['km']:,.0f} km" for w in works) if works else "none on this date",
        )
        st.markdown(
            md_escape(
                lengths.difference_note(
                    seg["official_km"],
                    seg["measured_km"],
                    approx_km=seg["measured_approx_km"],
                    official_part=seg["official_part"],
                )
            )
        )
        st.markdown("Official length: " + source_links(ds, list(seg["official_sources"])))
        _show_works_along(ds, segment, day)


def _show_works_along(ds: Dataset, segment: str, day: dt.date) -> None:
    states = fortification_states(ds, day)
    forts = ds.fortifications
    along = forts[forts["derive_segments"].map(lambda s: segment in (s or []))]
    st.markdown(f"**Fortifications along this border on {day.isoformat()}**")
    shown = 0
    for rec in along.to_dict("records"):
        state_on = states.get(rec["id"])
        if state_on is None:
            continue
        shown += 1
        st.markdown(
            f"- **{md_escape(rec['name_en'])}** — {state_on.replace('-', ' ')}; "
            f"precision: {rec['precision']}; confidence: {rec['confidence']}. "
            f"Sources: {source_links(ds, list(rec['sources']))}"
        )
    if not shown:
        st.markdown("No fortification is recorded along this border on this date.")


def show_treaty_summary(ds: Dataset, day: dt.date) -> None:
    """Each country's Ottawa Convention status on ``day``."""
    table = timeline.statuses_on(ds.treaty_events, list(ds.countries.index), "APMBC", day)
    table["country"] = table["country"].map(ds.countries["name_en"])
    table["sources"] = table["sources"].map(lambda ids: ", ".join(ids))
    st.subheader(f"Mine Ban Treaty (Ottawa) status on {day.isoformat()}")
    groups = table.groupby("status", sort=False)["country"].apply(lambda s: ", ".join(s))
    st.markdown(
        "  \n".join(
            f"**{md_escape(status)}**: {md_escape(names)}" for status, names in groups.items()
        )
    )
    st.dataframe(table.drop(columns=["treaty"]), hide_index=True, width="stretch")
