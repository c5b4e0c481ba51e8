"""What changed between two dates (issue 16): synthetic event tables and the real data."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt

import pandas as pd
import pytest

from explorer import config, i18n, lengths, schema, timeline
from explorer.changes import (
    CHANGE_COLUMNS,
    KINDS,
    RENDERED_COLUMNS,
    WORK_STEPS,
    changes_between,
    column_titles,
    date_span,
    km_added,
    render_changes,
)
from explorer.validation import parse_partial_date

D = dt.date


def _events(dataset, *rows: tuple) -> pd.DataFrame:
    """Treaty events ``(id, country, event, date[, preferred[, treaty]])`` with the real columns."""
    records = []
    for row in rows:
        eid, country, event, day, *rest = row
        preferred = rest[0] if rest else True
        treaty = rest[1] if len(rest) > 1 else "APMBC"
        records.append(
            {
                "id": eid, "country": country, "treaty": treaty, "event": event,
                "date": D.fromisoformat(day), "preferred": preferred, "label_en": f"{eid} label",
                "label_pl": f"{eid} etykieta", "sources": [f"src-{eid}"], "confidence": "official",
                "note": "", "verified": "",
            }
        )  # fmt: skip
    return pd.DataFrame(records, columns=list(dataset.treaty_events.columns))


def _work(wid: str, *, announced=None, start=None, completed=None, **extra) -> dict:
    rec = {
        "id": wid, "name_en": f"{wid} name", "name_pl": f"{wid} nazwa", "programme": "border-fence",
        "element": "fence", "country": "POL", "announced": announced, "start": start,
        "completed": completed, "derive_segments": ["POL-BLR"], "length_km": None,
        "length_note": None, "confidence": "reported", "precision": "approximate",
        "sources": [f"src-{wid}"],
    }  # fmt: skip
    rec.update(extra)
    for key in ("announced", "start", "completed"):
        rec[f"{key}_date"] = parse_partial_date(rec[key]) if rec[key] else None
    return rec


def _with(dataset, events: pd.DataFrame | None = None, works: list[dict] | None = None):
    """A copy of the real Dataset with synthetic events and works (empty when not given)."""
    return dataclasses.replace(
        dataset,
        treaty_events=events if events is not None else _events(dataset),
        fortifications=pd.DataFrame(works or [], columns=list(_work("x"))),
    )


# --- The period (A, B] -------------------------------------------------------------------------


def test_events_before_on_a_between_on_b_and_after_b(dataset):
    ev = _events(
        dataset,
        ("before", "XXX", "milestone", "2025-01-01"),
        ("on-a", "XXX", "milestone", "2025-02-01"),
        ("between", "XXX", "milestone", "2025-03-01"),
        ("on-b", "XXX", "milestone", "2025-04-01"),
        ("after", "XXX", "milestone", "2025-04-02"),
    )
    ch = changes_between(_with(dataset, ev), D(2025, 2, 1), D(2025, 4, 1))
    assert list(ch.columns) == list(CHANGE_COLUMNS)
    assert ch["id"].tolist() == ["between", "on-b"]
    assert set(ch["kind"]) == {"event"} and set(ch["from_state"]) == set(ch["to_state"]) == {""}
    assert ch["sources"].tolist() == [("src-between",), ("src-on-b",)]


def test_a_change_on_a_is_already_on_a_map_and_one_on_b_on_b_map(dataset):
    """The same rule as the maps: status_on(A) includes A's events, status_on(B) includes B's."""
    ev = _events(
        dataset,
        ("s", "XXX", "signature", "2000-01-01"),
        ("f", "XXX", "entry-into-force", "2001-01-01"),
        ("d", "XXX", "withdrawal-deposited", "2025-02-01"),
        ("w", "XXX", "withdrawal-effective", "2025-08-01"),
    )
    ds = _with(dataset, ev)
    ch = changes_between(ds, D(2025, 2, 1), D(2025, 8, 1))
    assert ch["id"].tolist() == ["w"]
    row = ch.iloc[0]
    assert timeline.status_on(ev, "XXX", "APMBC", D(2025, 2, 1)).status == row["from_state"]
    assert timeline.status_on(ev, "XXX", "APMBC", D(2025, 8, 1)).status == row["to_state"]
    assert changes_between(ds, D(2025, 8, 1), D(2025, 8, 1)).empty


def test_treaty_rows_go_from_the_status_before_to_the_status_after(dataset):
    ev = _events(
        dataset,
        ("f", "XXX", "entry-into-force", "2001-01-01"),
        ("r", "XXX", "withdrawal-recommended", "2025-03-01"),
        ("d", "XXX", "withdrawal-deposited", "2025-04-01"),
        ("w", "XXX", "withdrawal-effective", "2025-10-01"),
        ("alt", "XXX", "withdrawal-deposited", "2025-04-02", False),
        ("np", "XXX", "not-party", "2025-05-01"),
        ("ccm", "XXX", "withdrawal-effective", "2025-06-01", True, "CCM"),
    )
    ch = changes_between(_with(dataset, ev), D(2025, 1, 1), D(2026, 1, 1))
    assert ch[["kind", "id"]].values.tolist() == [
        ["event", "r"], ["treaty", "d"], ["treaty", "w"],
    ]  # fmt: skip
    treaty = ch[ch["kind"] == "treaty"]
    assert treaty["what"].tolist() == [
        "party → withdrawal-pending",
        "withdrawal-pending → withdrawn",
    ]
    assert treaty["from_state"].tolist() == ["party", "withdrawal-pending"]
    assert treaty["to_state"].tolist() == ["withdrawal-pending", "withdrawn"]
    assert set(ch["precision"]) == {"day"} and set(ch["inside"]) == {""}
    assert ch.iloc[0]["what"] == "withdrawal-recommended"
    # The other treaty, on its own.
    ccm = changes_between(_with(dataset, ev), D(2025, 1, 1), D(2026, 1, 1), treaty="CCM")
    assert ccm[["kind", "id", "what"]].values.tolist() == [
        ["treaty", "ccm", "non-party → withdrawn"]
    ]


def test_same_day_events_keep_the_timeline_order(dataset):
    ev = _events(
        dataset,
        # Signature and entry into force on one day: non-party -> signatory -> party, even
        # though "b-sign" sorts after "a-force" by id.
        ("a-force", "YYY", "entry-into-force", "2025-05-01"),
        ("b-sign", "YYY", "signature", "2025-05-01"),
        ("c-vote", "YYY", "withdrawal-approved", "2025-05-01"),
        ("a-other", "AAA", "signature", "2025-05-01"),
        ("z-dup", "ZZZ", "signature", "2025-04-01"),
        ("z-dup-2", "ZZZ", "signature", "2025-05-01"),
    )
    ch = changes_between(_with(dataset, ev), D(2025, 1, 1), D(2025, 12, 31))
    assert ch[["kind", "id", "from_state", "to_state"]].values.tolist() == [
        ["treaty", "z-dup", "non-party", "signatory"],
        # YYY's two steps sort as one, by their smallest id ("a-force" < "a-other").
        ["treaty", "b-sign", "non-party", "signatory"],
        ["treaty", "a-force", "signatory", "party"],
        ["treaty", "a-other", "non-party", "signatory"],
        ["event", "c-vote", "", ""],
        ["event", "z-dup-2", "", ""],  # a second signature changes no status: an event
    ]
    assert timeline.status_on(ev, "YYY", "APMBC", D(2025, 5, 1)).status == "party"
    again = changes_between(_with(dataset, ev), D(2025, 1, 1), D(2025, 12, 31))
    pd.testing.assert_frame_equal(ch, again)


# --- Works -------------------------------------------------------------------------------------


def test_a_work_with_no_completion_date_has_no_completion_row(dataset):
    works = [_work("w", announced="2025-01-10", start="2025-03-05", length_km=10.0)]
    ch = changes_between(_with(dataset, works=works), D(2025, 1, 1), D(2026, 12, 31))
    assert ch[["kind", "id", "what", "from_state", "to_state", "date"]].values.tolist() == [
        ["work", "w", "announced", "", "announced", "2025-01-10"],
        ["work", "w", "started", "announced", "under-construction", "2025-03-05"],
    ]
    assert ch["km"].tolist() == [None, None] and not ch["km_about"].any()
    assert ch["segment"].tolist() == ["POL-BLR", "POL-BLR"]


def test_same_day_work_steps_chain(dataset):
    works = [_work("w", announced="2025-03", start="2025-03", completed="2025-03-01")]
    ch = changes_between(_with(dataset, works=works), D(2025, 1, 1), D(2025, 12, 31))
    assert ch[["what", "from_state", "to_state"]].values.tolist() == [
        ["announced", "", "announced"],
        ["started", "announced", "under-construction"],
        ["completed", "under-construction", "complete"],
    ]


@pytest.mark.parametrize(
    ("start", "end", "inside"),
    [
        (D(2025, 1, 31), D(2025, 3, 1), ""),  # the whole month in the period
        (D(2025, 1, 31), D(2025, 2, 28), ""),  # B on the month's last day: certainly by B
        (D(2025, 2, 1), D(2025, 6, 1), "start"),  # A on the first day: it may be on A
        (D(2025, 2, 10), D(2025, 6, 1), "start"),
        (D(2025, 1, 1), D(2025, 2, 10), "end"),
        (D(2025, 2, 10), D(2025, 2, 20), "both"),
        (D(2025, 2, 28), D(2025, 6, 1), None),  # the month is over by A
        (D(2024, 1, 1), D(2025, 1, 31), None),  # not yet by B
    ],
)
def test_month_precision_and_the_inside_note(dataset, start, end, inside):
    works = [_work("w", start="2024-06-01", completed="2025-02", length_km=47.0)]
    ch = changes_between(_with(dataset, works=works), start, end)
    done = ch[ch["what"] == "completed"]
    if inside is None:
        assert done.empty
        return
    row = done.iloc[0]
    assert (row["date"], row["precision"], row["inside"]) == ("2025-02", "month", inside)
    assert row["km"] == 47.0 and row["km_about"]


def test_year_precision(dataset):
    works = [_work("w", start="2025")]
    ds = _with(dataset, works=works)
    row = changes_between(ds, D(2025, 1, 1), D(2026, 3, 1)).iloc[0]
    assert (row["date"], row["precision"], row["inside"]) == ("2025", "year", "start")
    assert changes_between(ds, D(2024, 12, 31), D(2026, 3, 1)).iloc[0]["inside"] == ""
    assert changes_between(ds, D(2024, 12, 31), D(2025, 7, 1)).iloc[0]["inside"] == "end"


def test_km_about_rule():
    exact = _work("e", length_km=10.0, confidence="official", precision="exact",
                  length_note="10 km (ministry).")  # fmt: skip
    assert not lengths.length_is_about(exact)
    assert lengths.length_is_about({**exact, "length_note": "44.6–45 km on land."})
    assert lengths.length_is_about({**exact, "length_note": "Up to 10 km."})
    assert lengths.length_is_about({**exact, "precision": "approximate"})
    assert lengths.length_is_about({**exact, "derive_segments": ["A-B", "A-C"]})
    assert not lengths.length_is_about({**exact, "length_km": None})


def test_km_added_per_segment(dataset):
    works = [
        _work("old", start="2020-01-01", completed="2021-01-01", length_km=100.0),
        _work("new", start="2024-01-01", completed="2025-06-01", length_km=40.0,
              confidence="official", precision="exact", length_note="40 km."),
        _work("e", element="electronic-barrier", start="2024-01-01", completed="2025-07",
              length_km=20.0),
        _work("two", start="2024-01-01", completed="2025-06-01", length_km=300.0,
              derive_segments=["POL-BLR", "POL-RUS"]),
        _work("ru", start="2024-01-01", completed="2026-06-01", length_km=5.0,
              derive_segments=["POL-RUS"]),
        _work("ditch", element="ditch", start="2024-01-01", completed="2025-06-01",
              length_km=7.0, derive_segments=["POL-LTU"]),
    ]  # fmt: skip
    added = km_added(_with(dataset, works=works), D(2025, 1, 1), D(2026, 1, 1))
    assert list(added.columns) == ["segment", "km", "about", "works"]
    assert added.values.tolist() == [["POL-BLR", 60.0, True, ("new", "e")]]
    exact_only = km_added(_with(dataset, works=works[:2]), D(2025, 1, 1), D(2026, 1, 1))
    assert exact_only.values.tolist() == [["POL-BLR", 40.0, False, ("new",)]]
    assert km_added(_with(dataset, works=works), D(2025, 1, 1), D(2025, 1, 1)).empty


# --- Arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "treaty", "needle"),
    [
        (D(2026, 3, 1), D(2025, 1, 1), "APMBC", "start 2026-03-01 is after end 2025-01-01"),
        (D(1990, 1, 1), D(2025, 1, 1), "APMBC", "start 1990-01-01 is outside 1997-01-01.."),
        (D(2025, 1, 1), D(2030, 1, 1), "APMBC", "end 2030-01-01 is outside"),
        (D(2025, 1, 1), D(2026, 1, 1), "NPT", "unknown treaty 'NPT'"),
        ("2025-01-01", D(2026, 1, 1), "APMBC", "start must be a datetime.date"),
    ],
)
def test_bad_arguments_raise_one_line(dataset, start, end, treaty, needle):
    with pytest.raises(ValueError, match=r".+") as info:
        changes_between(dataset, start, end, treaty=treaty)
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_date_span():
    assert date_span("2024-02") == (D(2024, 2, 1), D(2024, 2, 29), "month")
    assert date_span("2025") == (D(2025, 1, 1), D(2025, 12, 31), "year")
    assert date_span("2025-06-27") == (D(2025, 6, 27), D(2025, 6, 27), "day")


# --- The real data: the acceptance check --------------------------------------------


def _effective_withdrawals() -> dict[str, dict]:
    with (config.GEODATA_DIR / "treaty_events.csv").open(encoding="utf-8", newline="") as fh:
        return {
            r["country"]: r
            for r in csv.DictReader(fh)
            if r["event"] == "withdrawal-effective" and r["treaty"] == "APMBC"
            and r["preferred"] == "true"
        }  # fmt: skip


def test_five_countries_leave_the_mine_ban_treaty_between_2025_and_march_2026(dataset):
    ch = changes_between(dataset, D(2025, 1, 1), D(2026, 3, 1))
    left = ch[(ch["kind"] == "treaty") & (ch["to_state"] == "withdrawn")].set_index("country")
    effective = _effective_withdrawals()
    assert set(left.index) == {"POL", "FIN", "LTU", "LVA", "EST"}
    for iso3, row in left.iterrows():
        assert row["date"] == effective[iso3]["date"]
        assert row["id"] == effective[iso3]["id"]
        assert row["sources"] == tuple(effective[iso3]["sources"].split(config.LIST_SEPARATOR))
        assert row["from_state"] == "withdrawal-pending" and row["what"].endswith("→ withdrawn")
    assert left.loc["POL", "date"] == "2026-02-20"
    assert left.loc["FIN", "date"] == "2026-01-10"
    # Every row is sourced, and the table is in date order.
    assert (ch["sources"].map(len) > 0).all()
    firsts = [date_span(d)[0] for d in ch["date"]]
    assert firsts == sorted(firsts)
    assert set(ch["kind"]) <= set(KINDS)


def test_every_work_whose_state_changed_has_a_row(dataset):
    start, end = D(2025, 1, 1), D(2026, 3, 1)
    ch = changes_between(dataset, start, end)
    works = ch[ch["kind"] == "work"]
    for rec in dataset.fortifications.to_dict("records"):
        dates = (rec["announced_date"], rec["start_date"], rec["completed_date"])
        a = timeline.fortification_state(*dates, start)
        b = timeline.fortification_state(*dates, end)
        if a != b:
            rows = works[works["id"] == rec["id"]]
            assert not rows.empty, rec["id"]
            assert rows.iloc[-1]["to_state"] == b
    done = works[works["what"] == "completed"].set_index("id")
    assert {"lv-by-fence", "lv-ru-fence", "pl-by-river-electronic-barrier"} <= set(done.index)
    assert done.loc["lv-ru-fence", "km"] == 280.0 and done.loc["lv-ru-fence", "date"] == "2025-12"
    # A work that is still under construction has no completion row.
    assert "fi-ru-fence" not in set(done.index)
    # Non-preferred rows (another source's date of the same event) are not changes.
    assert "POL-APMBC-withdrawal-approved-alt" not in set(ch["id"])


# --- Rendering ---------------------------------------------------------------------------------


def test_render_in_english_and_polish(dataset):
    ch = changes_between(dataset, D(2025, 2, 10), D(2026, 3, 1))
    en = render_changes(ch, dataset, "en").set_index("id")
    pl = render_changes(ch, dataset, "pl").set_index("id")
    assert list(render_changes(ch, dataset, "en").columns) == list(RENDERED_COLUMNS)
    assert en.loc["POL-APMBC-withdrawal-deposited", "what"] == "party → withdrawal pending"
    assert pl.loc["POL-APMBC-withdrawal-deposited", "what"] == "strona → wystąpienie w toku"
    assert en.loc["POL-APMBC-withdrawal-deposited", "country"] == "Poland"
    assert pl.loc["POL-APMBC-withdrawal-deposited", "country"] == "Polska"
    river = "pl-by-river-electronic-barrier"
    assert en.loc[river, "date"] == "2025-02 (A falls inside 2025-02)"
    assert pl.loc[river, "date"] == "2025-02 (data A mieści się w okresie 2025-02)"
    assert en.loc[river, "km"] == "about 47.0 km"
    assert pl.loc[river, "km"] == "około 47,0 km"
    assert en.loc[river, "what"] == "completed" and pl.loc[river, "what"] == "ukończono"
    assert en.loc[river, "segment"] == "Poland–Belarus"
    assert pl.loc["lv-by-fence", "name"] == "Płot na granicy łotewsko-białoruskiej"
    assert en.loc["LVA-APMBC-withdrawal-approved", "what"] == "withdrawal approved"
    assert en.loc["LVA-APMBC-withdrawal-approved", "name"].startswith("Latvian cabinet")
    assert "dzu-2025-1514" in en.loc["POL-APMBC-withdrawal-effective", "sources"]
    assert len(en) == len(ch)


def test_every_rendered_text_exists_in_both_languages():
    keys = [
        *(f"changes.kind.{k}" for k in KINDS),
        *(f"changes.step.{s}" for s in WORK_STEPS.values()),
        *(f"changes.event.{e}" for e in schema.TREATY_EVENTS),
        *(f"changes.inside.{n}" for n in ("start", "end", "both")),
    ]
    for key in keys:
        for lang in config.LANGUAGES:
            assert i18n.t(key, lang, period="2025").strip(), (key, lang)
    for lang in config.LANGUAGES:
        assert set(column_titles(lang)) == set(RENDERED_COLUMNS)


def test_render_an_empty_table(dataset):
    ch = changes_between(dataset, D(2026, 1, 1), D(2026, 1, 1))
    assert ch.empty and list(ch.columns) == list(CHANGE_COLUMNS)
    assert render_changes(ch, dataset, "pl").empty
    with pytest.raises(ValueError, match="unsupported language"):
        render_changes(ch, dataset, "de")
