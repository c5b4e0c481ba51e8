"""The package's shape, written as rules (issue 15).

- Streamlit only in ``ui/`` and ``app.py``; folium (and branca) only in ``web/``; matplotlib only
  in ``printmap/``.
- Imports go one way down the layers: the core (data, vocabulary, view, scene, text) imports no
  renderer and no entry point; renderers (``web/``, ``printmap/``, ``overlay/``, the data
  exports) import no entry point and not each other's drawing; nothing imports the app.
- One definition each: the treaties, the languages, the date range, the HTML escaper.
- No module passes about 500 lines (vendored files aside).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "explorer"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "vendor" not in p.parts)

#: Entry points: the Streamlit UI, the command line, the server.
ENTRY = {"app", "ui", "cli", "commands", "serve", "__main__"}
#: Renderers of the scene: the browser and the folium page, paper, overlays, data files.
RENDERERS = {"web", "printmap", "overlay", "export"}


def _rel(path: Path) -> Path:
    return path.relative_to(PACKAGE)


def _part(path: Path) -> str:
    """The top-level part of the package a module belongs to (``web``, ``scene``, ...)."""
    rel = _rel(path)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """Every module a file imports, as dotted names (``explorer.web.popups``, ``folium``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _top(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


def _explorer_parts(names: set[str]) -> set[str]:
    """The package parts imported (``explorer.web.popups`` -> ``web``)."""
    out = set()
    for name in names:
        parts = name.split(".")
        if parts[0] == "explorer" and len(parts) > 1:
            out.add(parts[1])
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(_rel(p)))
def test_each_library_only_in_its_layer(path):
    part, imports = _part(path), _top(_imports(path))
    if part not in {"ui", "app"}:
        assert not imports & {"streamlit", "streamlit_folium"}, f"{_rel(path)} imports streamlit"
    if part != "web":
        assert not imports & {"folium", "branca"}, f"{_rel(path)} imports folium"
    if part != "printmap":
        assert not imports & {"matplotlib", "mpl_toolkits"}, f"{_rel(path)} imports matplotlib"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(_rel(p)))
def test_imports_go_one_way_down_the_layers(path):
    part = _part(path)
    used = _explorer_parts(_imports(path)) - {part}
    if part in ENTRY:
        return
    assert not used & ENTRY, f"{_rel(path)} imports an entry point: {sorted(used & ENTRY)}"
    if part in RENDERERS:
        # The browser and paper draw the same scene; neither reaches into the other, nor into
        # the export dispatcher that calls them.
        if part in {"web", "printmap"}:
            others = {"web", "printmap", "export"} - {part}
            assert not used & others, f"{_rel(path)} imports {sorted(used & others)}"
        return
    # The core: data, vocabulary, view, scene, text. Only the export dispatcher (a renderer)
    # may load a renderer, and it does so lazily.
    assert not used & RENDERERS, f"{_rel(path)} (core) imports a renderer: {sorted(used)}"


def test_nothing_imports_the_app():
    for path in MODULES:
        assert "explorer.app" not in _imports(path), path


def test_the_vocabulary_is_defined_once():
    """Treaties, languages and the date range live in config; one HTML escaper in text."""
    copies = {
        "treaties": re.compile(r"""\(\s*["']APMBC["']\s*,\s*["']CCM["']\s*\)"""),
        "languages": re.compile(r"""\(\s*["']en["']\s*,\s*["']pl["']\s*\)"""),
        "date range": re.compile(r"dt\.date\(\s*(1997,\s*1,\s*1|2028,\s*12,\s*31)\s*\)"),
        "escaper": re.compile(r"html\.escape\("),
    }
    homes = {"treaties": "config.py", "languages": "config.py", "date range": "config.py",
             "escaper": "text.py"}  # fmt: skip
    allowed_extra = {"escaper": {"ui/text.py"}}  # the markdown escaper (markdown, not HTML)
    for what, pattern in copies.items():
        found = {
            str(_rel(p))
            for p in MODULES
            if pattern.search("\n".join(
                line for line in p.read_text(encoding="utf-8").splitlines()
                if not line.lstrip().startswith((">>>", "#", "...")) and "{" not in line[:4]
            ))
        }  # fmt: skip
        assert found <= {homes[what], *allowed_extra.get(what, set())}, (what, found)


def test_layer_dispatch_reads_the_registry():
    """No module decides a layer's family by testing ids against the programme colours."""
    test = re.compile(r"\b(if|elif|and|or|not)\s+[\w\[\]\"']+\s+in\s+style\.PROGRAMME_COLOURS")
    for path in MODULES:
        assert not test.search(path.read_text(encoding="utf-8")), _rel(path)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(_rel(p)))
def test_no_module_passes_about_500_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 520, f"{_rel(path)} has {lines} lines"


def test_importing_the_package_loads_neither_folium_nor_matplotlib():
    """``import explorer`` is cheap: the public API is loaded on first use (PEP 562)."""
    import subprocess
    import sys

    code = (
        "import sys, explorer; "
        "explorer.View; explorer.make_scene; explorer.load_dataset; "
        "print(sorted(m for m in ('folium', 'matplotlib', 'streamlit') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=PACKAGE.parent,
    )  # fmt: skip
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
