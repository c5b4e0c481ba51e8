"""Translations: complete tables, every key in the code exists, Polish map content and exports."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import shutil
import string
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from explorer import cli, config, export, i18n, legend, permalink, schema, style, timeline
from explorer.web import popups

ROOT = Path(__file__).resolve().parent.parent
POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
DAY = dt.date(2026, 2, 20)


# --- The tables ---------------------------------------------------------------------------------


def test_real_tables_have_no_problem():
    assert i18n.problems() == []
    table = i18n.load()
    assert len(table) > 150
    assert all(set(texts) == set(config.LANGUAGES) for texts in table.values())


def _copy_tables(tmp_path: Path) -> Path:
    folder = tmp_path / "i18n"
    shutil.copytree(config.I18N_DIR, folder)
    return folder


def _rewrite(path: Path, edit) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize(("column", "lang"), [(1, "en"), (2, "pl")])
def test_a_missing_text_in_either_language_is_a_problem(tmp_path, column, lang):
    folder = _copy_tables(tmp_path)
    assert i18n.problems(folder) == []  # the copy itself is fine

    def blank(rows: list[list[str]]) -> list[list[str]]:
        for row in rows:
            if row[0] == "legend.title":
                row[column] = ""
        return rows

    _rewrite(folder / "ui.csv", blank)
    found = i18n.problems(folder)
    assert found == [f"ui.csv: line {_line_of(folder / 'ui.csv', 'legend.title')}: "
                     f"'legend.title' has no {lang} text"]  # fmt: skip
    with pytest.raises(i18n.TranslationError, match=r"legend\.title"):
        i18n.load.__wrapped__(folder)


def _line_of(path: Path, key: str) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.reader(fh), start=1):
            if row and row[0] == key:
                return n
    raise AssertionError(key)


def test_a_duplicate_key_across_files_and_a_bad_header_are_problems(tmp_path):
    folder = _copy_tables(tmp_path)
    (folder / "zz_extra.csv").write_text(
        "key,en,pl\napp.title,Again,Znowu\n", encoding="utf-8", newline=""
    )
    (folder / "zz_bad.csv").write_text("key,en\nx.y,Only English\n", encoding="utf-8")
    found = i18n.problems(folder)
    assert any("duplicate key 'app.title'" in p for p in found)
    assert any(p.startswith("zz_bad.csv: header") for p in found)


def test_unknown_key_or_language_raises():
    with pytest.raises(i18n.TranslationError, match="no translation"):
        i18n.t("no.such.key", "en")
    with pytest.raises(i18n.TranslationError, match="unsupported language"):
        i18n.t("app.title", "de")


def test_both_languages_have_the_same_format_fields():
    fields = string.Formatter()
    for key, texts in i18n.load().items():
        names = {
            lang: sorted(f for _, f, _, _ in fields.parse(text) if f is not None)
            for lang, text in texts.items()
        }
        assert names["en"] == names["pl"], key


def test_polish_is_translated_and_written_with_diacritics():
    table = i18n.load()

    def words(text: str) -> list[str]:  # words outside {fields}
        return re.findall(r"[^\W\d_]{2,}", re.sub(r"\{[^}]*\}", "", text))

    untranslated = [
        key
        for key, texts in table.items()
        if len(words(texts["en"])) >= 3 and texts["en"] == texts["pl"]
    ]
    assert untranslated == []
    polish = "".join(texts["pl"] for texts in table.values())
    assert set(polish) & POLISH_LETTERS >= set("ąęłńóśż")


# --- Keys used by the code ----------------------------------------------------------------------

# t("key" ...), i18n.t("key" ...), with either quote; keys built at run time are checked below.
_LITERAL_KEY = re.compile(r"""(?<![\w.])(?:i18n\.)?t\(\s*(["'])([A-Za-z0-9_.\-]+)\1""")


def _literal_keys() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "explorer").rglob("*.py")):
        for match in _LITERAL_KEY.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(2), []).append(str(path.relative_to(ROOT)))
    return found


def test_the_key_scanner_finds_keys():
    sample = 'x = t("a.b", lang)\ny = i18n.t(\'c-d.e\')\nz = st("no")\nw = obj.t("no2")'
    assert [m.group(2) for m in _LITERAL_KEY.finditer(sample)] == ["a.b", "c-d.e"]


def test_every_literal_key_in_the_code_is_in_the_tables():
    used = _literal_keys()
    assert len(used) > 100, "the scanner should see the interface's keys"
    table = i18n.load()
    missing = {key: files for key, files in used.items() if key not in table}
    assert missing == {}


def test_every_key_built_at_run_time_exists_in_both_languages():
    keys = [
        *(f"layer.{i}" for i in style.LAYER_IDS),
        *(f"status.{s}" for s in schema.TREATY_STATUSES),
        *(f"state.{s}" for s in (*style.FORT_STATES, *schema.FORT_STATUS)),
        *(f"precision.{p}" for p in schema.PRECISION),
        *(f"precision.{p}.long" for p in schema.PRECISION),
        *(f"confidence.{c}" for c in schema.CONFIDENCE),
        *(f"priority.{p}" for p in schema.SEGMENT_PRIORITY),
        *(f"element.{e}" for e in schema.ELEMENT_TYPES),
        *(f"part.{p}" for p in schema.LENGTH_PARTS),
        *(f"treaty.{tr}.{kind}" for tr in schema.TREATIES for kind in ("short", "long")),
        *(f"export.fmt.{f}" for f in export.FORMATS),
    ]
    for key in keys:
        for lang in config.LANGUAGES:
            assert i18n.t(key, lang).strip(), (key, lang)


# --- Layer names and the legend -----------------------------------------------------------------


def test_every_layer_title_exists_in_both_languages_and_differs():
    en, pl = dict(style.layers("en")), dict(style.layers("pl"))
    assert list(en) == list(pl) == list(style.LAYER_IDS)
    assert en == style.LAYER_TITLES
    for layer in style.LAYER_IDS:
        assert en[layer] and pl[layer] and en[layer] != pl[layer], layer
        assert style.layer_title(layer, "pl") == pl[layer]


def test_every_legend_label_exists_in_both_languages():
    en = legend.legend_items(style.LAYER_IDS, "en")
    pl = legend.legend_items(style.LAYER_IDS, "pl")
    assert [(i["layer"], i["colour"], i["dash"]) for i in en] == [
        (i["layer"], i["colour"], i["dash"]) for i in pl
    ]
    for a, b in zip(en, pl, strict=True):
        assert a["label"] and b["label"] and a["label"] != b["label"], a["label"]
        assert a["group"] != b["group"], a["group"]
    assert "Legenda" not in {i["label"] for i in pl}  # the heading is drawn apart
    assert {i["group"] for i in pl} >= {"Programy umocnień", "Umocnienia: jak czytać"}


# --- Map content in Polish ----------------------------------------------------------------------


def test_every_fortification_has_a_polish_description_with_the_same_figures(dataset):
    def figures(text: str) -> set[str]:
        text = re.sub(r"(?<=\d)[,\u00a0 ](?=\d{3}\b)", "", text)  # thousands separators
        text = re.sub(r"(?<=\d),(?=\d)", ".", text)  # decimal comma
        return set(re.findall(r"\d+(?:\.\d+)?", text))

    forts = dataset.fortifications
    assert len(forts) == 22
    for rec in forts.to_dict("records"):
        en, pl = rec["description_en"], rec["description_pl"]
        assert isinstance(pl, str) and pl.strip() and pl != en, rec["id"]
        assert set(pl) & POLISH_LETTERS, rec["id"]
        assert figures(pl) == figures(en), rec["id"]


def test_description_pl_is_required_by_the_schema():
    spec = {f.name: f for f in schema.FORTIFICATIONS.fields}
    assert spec["description_pl"].required


def test_polish_popups_use_polish_labels_names_and_descriptions(dataset):
    # A drawn work that is complete on DAY (the Poland–Belarus works are not drawn since the
    # audit of issue 14: their sections are not public).
    fc = popups.layer_collections(dataset, date=DAY, visible=["border-fence"], lang="pl")[
        "border-fence"
    ]
    fence = next(f for f in fc["features"] if f["id"] == "lv-by-fence")
    popup = fence["properties"]["popup"]
    rec = dataset.fortifications.set_index("id").loc["lv-by-fence"]
    assert rec["name_pl"] in popup
    assert rec["description_pl"][:60] in popup and rec["description_en"][:60] not in popup
    for label in ("Dokładność", "Wiarygodność", "Państwo", "Źródła", "ukończone"):
        assert label in popup, label
    assert "Precision" not in popup and "Sources" not in popup
    en = popups.layer_collections(dataset, date=DAY, visible=["border-fence"], lang="en")[
        "border-fence"
    ]
    assert "Precision" in en["features"][0]["properties"]["popup"]


def test_polish_treaty_and_border_popups(dataset):
    treaty = popups.layer_collections(dataset, date=DAY, visible=["treaty"], lang="pl")["treaty"]
    poland = next(f for f in treaty["features"] if f["properties"]["iso3"] == "POL")
    assert "Polska" in poland["properties"]["popup"]
    assert "wystąpiło" in poland["properties"]["popup"]
    assert "konwencja ottawska" in poland["properties"]["popup"]
    borders = popups.layer_collections(
        dataset, date=dt.date(2026, 1, 1), visible=["borders"], lang="pl"
    )["borders"]
    popup = borders["features"][0]["properties"]["popup"]
    assert "Długość oficjalna" in popup and "Skąd ta różnica." in popup
    assert "Official length" not in popup


# --- Exports in Polish --------------------------------------------------------------------------

_EXPORT_ARGS = ["--layers", "borders,east-shield,treaty", "--date", "2026-02-20",
                "--bbox", "14,49,24.5,55"]  # fmt: skip


def _svg_text(path: Path) -> str:
    return " ".join(re.findall(r">([^<>]+)</text>", path.read_text(encoding="utf-8")))


def test_cli_export_lang_pl_writes_polish_svg_labels(tmp_path, capsys):
    out = tmp_path / "map.svg"
    assert cli.main(["export", "--out", str(out), "--lang", "pl", *_EXPORT_ARGS]) == 0
    assert "Zapisano" in capsys.readouterr().out
    text = _svg_text(out)
    for label in ("Legenda", "Odcinki granic", "Programy umocnień", "Tarcza Wschód (Polska)",
                  "Wystąpiło", "Skala prawdziwa", "Dane mapy", "Link stały",
                  "Umocnienia graniczne na wschodniej flance NATO", "Polska"):  # fmt: skip
        assert label in text, label
    for english in ("Legend", "Border segments", "Scale true", "Map data", "Permalink"):
        assert not re.search(rf"\b{english}\b", text), english
    out_en = tmp_path / "map-en.svg"
    assert cli.main(["export", "--out", str(out_en), "--lang", "en", *_EXPORT_ARGS]) == 0
    assert re.search(r"\bLegend\b", _svg_text(out_en)) and "Legenda" not in _svg_text(out_en)


def test_cli_export_lang_pl_writes_polish_pdf_text(tmp_path):
    out = tmp_path / "map.pdf"
    assert cli.main(["export", "--out", str(out), "--lang", "pl", *_EXPORT_ARGS]) == 0
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Legenda" in text and "Odcinki granic" in text
    assert "Legend\n" not in text and "Border segments" not in text


def test_html_export_in_polish(dataset):
    page = export.export_bytes(
        dataset, fmt="html", layers=["borders", "east-shield"], date=DAY, lang="pl"
    ).decode("utf-8")
    for label in ("Programy umocnień", "Umocnienia: jak czytać", "otwórz ten widok w aplikacji",
                  "Umocnienia graniczne na wschodniej flance NATO"):  # fmt: skip
        assert label in page or label.encode("unicode_escape").decode() in page, label
    assert "open this view in the app" not in page


# --- Polish text in the data: treaty events, segment notes, lengths and budgets ----------------


def _figures(text: str, lang: str) -> set[str]:
    """Numbers in a text, read with the language's separators (1,055,971 = 1 055 971; 2.3 = 2,3)."""
    if lang == "en":
        text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    else:
        text = re.sub(r"(?<=\d)[\u00a0 ](?=\d{3}\b)", "", text)
        text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def test_the_figure_reader_handles_both_separators():
    assert _figures("1,055,971 mines; EUR 1.335 m", "en") == {"1055971", "1.335"}
    assert _figures("1 055 971 min; 1,335 mln EUR", "pl") == {"1055971", "1.335"}
    assert _figures("2.3 bn", "en") != _figures("2,5 mld", "pl")


def _translated_pairs(dataset) -> list[tuple[str, str, str]]:
    """``(record, English, Polish)`` for every free text shown to users that has a translation."""
    pairs = []
    for rec in dataset.treaty_events.to_dict("records"):
        pairs.append((rec["id"], rec["label_en"], rec["label_pl"]))
    for rec in dataset.segments.to_dict("records"):
        if isinstance(rec["note"], str) and rec["note"]:
            pairs.append((rec["id"], rec["note"], rec["note_pl"]))
    for rec in dataset.fortifications.to_dict("records"):
        for field in ("length_note", "budget"):
            if isinstance(rec[field], str) and rec[field]:
                pairs.append((f"{rec['id']}.{field}", rec[field], rec[f"{field}_pl"]))
    return pairs


def test_every_treaty_event_segment_note_length_note_and_budget_has_polish_text(dataset):
    assert len(dataset.treaty_events) == 94  # 83 + the audit's not-party and alternative dates
    pairs = _translated_pairs(dataset)
    assert len(pairs) == 94 + 10 + 13 + 14  # length notes: + Rutka's 5 km belt (2026-12 audit)
    for rid, en, pl in pairs:
        assert isinstance(pl, str) and pl.strip(), rid
        assert pl != en, rid
        assert _figures(pl, "pl") == _figures(en, "en"), rid
    polish = "".join(pl for _, _, pl in pairs)
    assert set(polish) & POLISH_LETTERS >= set("ąęłńóśż")


def test_polish_texts_are_required_by_the_schema(data_copy):
    from explorer import validation

    events = {f.name: f for f in schema.TREATY_EVENTS_TABLE.fields}
    assert events["label_pl"].required
    segments = {f.name: f for f in schema.SEGMENTS.fields}
    assert segments["note_pl"].required_with == "note"
    forts = {f.name: f for f in schema.FORTIFICATIONS.fields}
    assert forts["length_note_pl"].required_with == "length_note"
    assert forts["budget_pl"].required_with == "budget"

    def blank(path: Path, rid: str, column: str) -> None:
        def edit(rows: list[list[str]]) -> list[list[str]]:
            col = rows[0].index(column)
            for row in rows[1:]:
                if row[0] == rid:
                    row[col] = ""
            return rows

        _rewrite(path, edit)

    blank(data_copy / "treaty_events.csv", "POL-APMBC-signature", "label_pl")
    blank(data_copy / "segments.csv", "POL-BLR", "note_pl")
    found = {(p.file, p.record, p.field, p.message) for p in validation.validate_dir(data_copy)[1]}
    assert found == {
        ("treaty_events.csv", "POL-APMBC-signature", "label_pl", "required value missing"),
        ("segments.csv", "POL-BLR", "note_pl", "required when note is given"),
    }


def test_a_segment_without_a_note_needs_no_polish_note(dataset):
    segments = dataset.segments.set_index("id")
    assert not segments.loc["LVA-RUS", "note"] and not segments.loc["LVA-RUS", "note_pl"]


# --- Polish popups, summary, panel helpers and key events --------------------------------------


def _event_of(dataset, iso3: str, day: dt.date = DAY) -> pd.Series:
    status = timeline.status_on(dataset.treaty_events, iso3, "APMBC", day)
    return dataset.treaty_events.set_index("id").loc[status.event_id]


@pytest.mark.parametrize("iso3", ["POL", "BLR", "UKR", "FIN"])
def test_a_polish_treaty_popup_cites_the_polish_label_of_its_event(dataset, iso3):
    event = _event_of(dataset, iso3)
    for lang, shown, hidden in (("pl", "label_pl", "label_en"), ("en", "label_en", "label_pl")):
        fc = popups.layer_collections(dataset, date=DAY, visible=["treaty"], lang=lang)["treaty"]
        popup = next(f for f in fc["features"] if f["properties"]["iso3"] == iso3)["properties"]
        assert html.escape(event[shown]) in popup["popup"], (iso3, lang)
        assert html.escape(event[hidden]) not in popup["popup"], (iso3, lang)


def test_polish_border_popup_has_the_polish_note_and_decimal_commas(dataset):
    seg = dataset.segments.set_index("id").loc["POL-BLR"]
    pl = popups.layer_collections(
        dataset, date=dt.date(2026, 1, 1), visible=["borders"], lang="pl"
    )["borders"]
    en = popups.layer_collections(
        dataset, date=dt.date(2026, 1, 1), visible=["borders"], lang="en"
    )["borders"]
    popup_pl = next(f for f in pl["features"] if f["id"].startswith("POL-BLR"))
    popup_en = next(f for f in en["features"] if f["id"].startswith("POL-BLR"))
    text_pl, text_en = popup_pl["properties"]["popup"], popup_en["properties"]["popup"]
    assert html.escape(seg["note_pl"]) in text_pl and html.escape(seg["note"]) not in text_pl
    assert html.escape(seg["note"]) in text_en
    assert "418,0 km" in text_pl and "418.0 km" not in text_pl
    assert "418,0 km" in popup_pl["properties"]["tooltip"]
    assert "418.0 km" in text_en and "418,0 km" not in text_en


def test_polish_fortification_popup_has_polish_length_note_and_budget(dataset):
    rec = dataset.fortifications.set_index("id").loc["lv-by-fence"]  # drawn, with both texts
    fc = popups.layer_collections(dataset, date=DAY, visible=["border-fence"], lang="pl")[
        "border-fence"
    ]
    popup = next(f for f in fc["features"] if f["id"] == "lv-by-fence")["properties"]
    text = popup["popup"]
    assert html.escape(rec["budget_pl"]) in text and html.escape(rec["budget"]) not in text
    assert html.escape(rec["length_note_pl"]) in text
    assert html.escape(rec["length_note"]) not in text
    assert "145,0 km" in text and "145.0 km" not in text


def test_polish_summary_and_treaty_panel_name_the_event_in_polish(dataset):
    from explorer import summary

    event = _event_of(dataset, "POL")
    pl = summary.view_summary(dataset, layers=[], date=DAY, lang="pl")
    en = summary.view_summary(dataset, layers=[], date=DAY, lang="en")
    assert f"- Polska: wystąpiło (od 2026-02-20) — {event['label_pl']}" in pl
    assert event["label_en"] not in pl
    assert f"- Poland: withdrawn (since 2026-02-20) — {event['label_en']}" in en
    assert timeline.event_label(dataset.treaty_events, event.name, "pl") == event["label_pl"]


def test_key_events_in_polish(dataset):
    pl = timeline.key_events(dataset.treaty_events, dataset.fortifications, "pl")
    en = timeline.key_events(dataset.treaty_events, dataset.fortifications, "en")
    assert len(pl) == len(en) > 30
    assert list(pl["label_en"]) == list(en["label"]) and list(pl["label"]) == list(en["label_pl"])
    events = dataset.treaty_events
    labels_en, labels_pl = set(events["label_en"]), set(events["label_pl"])
    assert set(pl["label"]) & labels_pl and not set(pl["label"]) & labels_en
    forts = [label for label in pl["label"] if label not in labels_pl]
    assert forts and all(label.endswith(("ogłoszenie", "początek prac", "ukończenie"))
                         for label in forts)  # fmt: skip
    names_pl = set(dataset.fortifications["name_pl"])
    assert all(label.rsplit(": ", 1)[0] in names_pl for label in forts)
    signature = events.set_index("id").loc["POL-APMBC-signature"]
    row = pl[pl["label_en"] == signature["label_en"]].iloc[0]
    assert (row["date"], row["label"]) == (signature["date"], signature["label_pl"])
    with pytest.raises(ValueError, match="unsupported language"):
        timeline.key_events(dataset.treaty_events, dataset.fortifications, "de")


# --- Link notices and the map's credit line -----------------------------------------------------


def test_every_link_notice_has_a_polish_text():
    table = i18n.load()
    keys = [k for k in table if k.startswith("link.") and k.split(".")[1] != "copy"]
    assert len(keys) >= 10
    for key in keys:
        if table[key]["en"].startswith("Ignored"):
            assert table[key]["pl"].startswith("Pominięto"), key


def test_link_notices_are_structured_and_translate_to_polish():
    default = permalink.State(layers=("borders",), date=DAY)
    state = permalink.parse_query(
        {"zoom": "99", "date": "1990-01-01", "lang": "xx", "bogus": "1"},
        known_layers=["borders"],
        known_segments=[],
        default=default,
    )
    assert len(state.notices) == 4
    for notice in state.notices:
        assert i18n.t(notice.key, "en", **notice.values) == notice == notice.text("en")
        polish = i18n.t(notice.key, "pl", **notice.values)
        assert polish.startswith("Pominięto") and "Ignored" not in polish
    texts = [i18n.t(n.key, "pl", **n.values) for n in state.notices]
    assert "Pominięto zoom='99': oczekiwano liczby całkowitej 3–12." in texts
    assert "Pominięto date='1990-01-01': poza zakresem 1997–2028, pokazano 1997-01-01." in texts


def test_map_credit_line_in_polish():
    from explorer import text
    from explorer.web import folium_map

    pl, en = text.attribution_html("pl"), text.attribution_html("en")
    assert "współtwórcy" in pl and "domena publiczna" in pl and "contributors" not in pl
    assert en == text.attribution_html("en") and "contributors" in en and "public domain" in en
    for credit in (pl, en):
        assert 'href="https://www.openstreetmap.org/copyright"' in credit
    page = folium_map.build_base_map(center=(52.0, 21.0), zoom=5, lang="pl").get_root().render()
    start = page.index("addAttribution(") + len("addAttribution(")
    shown = json.JSONDecoder().raw_decode(page, start)[0]  # Jinja's tojson escapes < > & '
    assert shown == pl and "contributors" not in page


# --- The app in Polish shows no English text from the data -------------------------------------

APP = str(ROOT / "explorer" / "app.py")

#: English prose from the data that the app at DAY with POL-BLR selected shows somewhere (popups,
#: summary, panel, key events, credit line), and what replaces it in Polish.
_DATA_TEXT = {
    "The Mine Ban Treaty enters into force for Belarus":
        "Konwencja o zakazie min przeciwpiechotnych wchodzi w życie wobec Białorusi",
    "Poland signs the Mine Ban Treaty":
        "Polska podpisuje konwencję o zakazie min przeciwpiechotnych",
    "Much of it is river border": "W dużej części to granica rzeczna",
    "over PLN 373 m contracted": "ponad 373 mln zł w umowie",  # budget of pl-ru-electronic-barrier
    ": work starts": ": początek prac",
    "contributors (ODbL)": "współtwórcy",
}  # fmt: skip


def _app_texts(lang: str, **query: str) -> tuple[str, str]:
    """Run the app; return (the text of its widgets and elements, its map's texts).

    The map's texts are its arguments (credit line, labels) and every tooltip and popup of the
    layer files it is told to draw, read from the component's folder as the browser would.
    """
    from app_runner import layer_files, map_args, tables
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"lang": lang, "date": DAY.isoformat(), "segment": "POL-BLR",
                       **query}.items():  # fmt: skip
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    parts: list[str] = []
    for root in (at.main, at.sidebar):
        for kind in ("markdown", "caption", "info", "warning", "subheader", "title"):
            parts += [str(e.value) for e in root.get(kind)]
        parts += [o for box in root.selectbox for o in box.options]
    parts += [df.to_string() for df in tables(at)]
    args = map_args(at)
    assert args["lang"] == lang
    docs = layer_files(at)
    assert len(docs) == len(args["layers"]) > 1
    for layer, url in args["layers"]:
        assert layer == "basemap" or f".{lang}." in url, url
    texts = [json.dumps(args, ensure_ascii=False)]
    texts += [look[k] for doc in docs.values() for look in doc.get("looks", []) for k in
              ("tooltip", "popup")]  # fmt: skip
    return "\n".join(parts), "\n".join(texts)


def _shown(text: str, page: str, script: str) -> bool:
    return text in page or text in script or json.dumps(text)[1:-1] in script


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_the_app_shows_data_text_only_in_its_language(lang):
    page, script = _app_texts(lang)
    for english, polish in _DATA_TEXT.items():
        shown, hidden = (english, polish) if lang == "en" else (polish, english)
        assert _shown(shown, page, script), (lang, shown)
        assert not _shown(hidden, page, script), (lang, hidden)


def test_a_link_notice_in_polish():
    page, _ = _app_texts("pl", zoom="99")
    assert "Pominięto zoom='99': oczekiwano liczby całkowitej 3–12." in page
    assert "Ignored" not in page and "expected a whole number" not in page
