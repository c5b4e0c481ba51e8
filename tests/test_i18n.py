"""Translations: complete tables, every key in the code exists, Polish map content and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import string
from pathlib import Path

import pytest
from pypdf import PdfReader

from explorer import cli, config, export, features, i18n, schema, style

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
    en = style.legend_items(style.LAYER_IDS, "en")
    pl = style.legend_items(style.LAYER_IDS, "pl")
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
    fc = features.fortification_features(dataset, "pl-by-barrier", date=DAY, lang="pl")
    steel = next(f for f in fc["features"] if f["id"] == "pl-by-steel-barrier")
    popup = steel["properties"]["popup"]
    rec = dataset.fortifications.set_index("id").loc["pl-by-steel-barrier"]
    assert rec["name_pl"] in popup
    assert rec["description_pl"][:60] in popup and rec["description_en"][:60] not in popup
    for label in ("Dokładność", "Wiarygodność", "Państwo", "Źródła", "ukończone"):
        assert label in popup, label
    assert "Precision" not in popup and "Sources" not in popup
    en = features.fortification_features(dataset, "pl-by-barrier", date=DAY, lang="en")
    assert "Precision" in en["features"][0]["properties"]["popup"]


def test_polish_treaty_and_border_popups(dataset):
    treaty = features.treaty_features(dataset, date=DAY, lang="pl")
    poland = next(f for f in treaty["features"] if f["properties"]["iso3"] == "POL")
    assert "Polska" in poland["properties"]["popup"]
    assert "wystąpiło" in poland["properties"]["popup"]
    assert "konwencja ottawska" in poland["properties"]["popup"]
    borders = features.border_features(dataset, lang="pl")
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
