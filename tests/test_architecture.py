"""The import rules: Streamlit in the UI layer, folium in the map layer, matplotlib in printmap/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "explorer"
UI = {"app.py"}
UI_DIRS = {"ui"}
MAP_LAYER = {"folium_map.py", "assets.py", "export.py"}
PRINT_DIRS = {"printmap"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_import_rule(path):
    rel = path.relative_to(PACKAGE)
    in_ui = (rel.name in UI and rel.parent == Path(".")) or (rel.parts[0] in UI_DIRS)
    imports = _imports(path)
    if not in_ui:
        assert not imports & {"streamlit", "streamlit_folium"}, f"{rel} imports streamlit"
    if rel.name not in MAP_LAYER:
        assert "folium" not in imports and "branca" not in imports, f"{rel} imports folium"
    if rel.parts[0] not in PRINT_DIRS:
        assert not imports & {"matplotlib", "mpl_toolkits"}, f"{rel} imports matplotlib"


def test_nothing_imports_the_app():
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module != "explorer.app", path
