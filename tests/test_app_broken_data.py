"""The app on a broken copy of geodata/: an error per broken file, every other layer still drawn."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from app_runner import layer_files, make_app, tables
from streamlit.testing.v1 import AppTest

from explorer import config, style


@pytest.fixture
def broken_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of geodata/ that the app reads (``EXPLORER_GEODATA_DIR``), for a test to break."""
    target = tmp_path / "geodata"
    shutil.copytree(config.GEODATA_DIR, target)
    monkeypatch.setenv(config.GEODATA_DIR_ENV, str(target))
    return target


def drawn_layers(at: AppTest) -> set[str]:
    """Data layers the map draws: named in the component's args, with features in their file."""
    docs = layer_files(at)
    return {layer for layer, doc in docs.items() if layer in style.DATA_LAYERS and doc["features"]}


def errors_shown(at: AppTest) -> list[str]:
    """Text of the error boxes (markdown escapes removed)."""
    return [e.value.replace("\\", "") for e in at.main.error]


def test_drawn_layers_helper_sees_every_layer_of_the_bundled_data(monkeypatch):
    monkeypatch.delenv(config.GEODATA_DIR_ENV, raising=False)
    at = make_app(60, date="2026-02-20")
    assert drawn_layers(at) == set(style.DATA_LAYERS)
    assert not at.main.error


def test_typo_in_fortifications_turns_off_the_programmes_and_keeps_the_rest(broken_copy):
    path = broken_copy / "fortifications.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["status"] = "finsihed"
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = path.read_bytes()

    at = make_app(60, date="2026-02-20")
    assert drawn_layers(at) == {"borders", "treaty"}
    errors = errors_shown(at)
    assert len(errors) == 2
    assert "fortifications.geojson" in errors[0] and "finsihed" in errors[0]
    assert "East Shield (Poland)" in errors[0] and "Border fences" in errors[0]
    assert "python -m explorer validate" in errors[0]
    # Everything else works: the treaty panel, the legend without the lost layers, the link.
    treaty = tables(at)[-1].rename(columns=str.lower)
    assert treaty.set_index("country").loc["Poland", "status"] == "withdrawn"
    legend = at.main.get("html")[0].proto.body
    assert "Mine Ban Treaty" in legend and "East Shield" not in legend
    assert "east-shield" in at.query_params["layers"].split(",")  # the link keeps the choice
    # The lengths panel counts fenced km from the broken file: a message instead of a wrong 0.
    assert "Border lengths" in errors[1] and "fortifications.geojson" in errors[1]
    assert path.read_bytes() == before


def test_unknown_treaty_event_turns_off_only_the_treaty_layer(broken_copy):
    path = broken_copy / "treaty_events.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",signature,", ",signed,", 1), encoding="utf-8")

    at = make_app(60, date="2026-02-20")
    assert drawn_layers(at) == set(style.DATA_LAYERS) - {"treaty"}
    errors = errors_shown(at)
    assert any("treaty_events.csv" in e and "'signed'" in e for e in errors)
    # The treaty summary is replaced by a message, not shown with every country a non-party.
    assert any("Mine Ban Treaty status" in e and "is not shown" in e for e in errors)
    assert not any("non-party" in d.to_string() for d in tables(at))


def test_truncated_country_shapes_keeps_the_borders_and_line_programmes(broken_copy):
    path = broken_copy / "country_shapes.geojson"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")

    at = make_app(60, date="2026-02-20")
    assert drawn_layers(at) == {"borders", "pl-by-barrier", "pl-ru-barrier", "border-fence"}
    (error,) = errors_shown(at)
    assert "country_shapes.geojson" in error and "invalid JSON" in error
    for title in ("Mine Ban Treaty status", "East Shield (Poland)", "Baltic Defence Line"):
        assert title in error
    # Toggling and moving the date still work on what is left.
    at.sidebar.checkbox(key="layer_border-fence").uncheck().run()
    assert not at.exception
    assert drawn_layers(at) == {"borders", "pl-by-barrier", "pl-ru-barrier"}


def test_a_broken_core_file_stops_with_a_message_not_a_traceback(broken_copy):
    path = broken_copy / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("id,", "ident,", 1), encoding="utf-8")

    at = make_app(60)
    (error,) = errors_shown(at)
    assert "cannot be drawn" in error and "sources.csv" in error
    assert "python -m explorer validate" in error
    assert not [e for e in at.main if e.type == "component_instance"]
