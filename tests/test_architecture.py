"""The package's shape, written as rules (issue 15).

- Streamlit only in ``ui/`` and ``app.py``; folium (and branca) only in ``web/``; matplotlib only
  in ``printmap/``.
- Imports go one way down the layers: the core (data, vocabulary, view, scene, text) imports no
  renderer and no entry point; renderers (``web/``, ``printmap/``, ``overlay/``, the data
  exports) import no entry point and not each other's drawing; nothing imports the app.
- One definition each: the treaties, the languages, the date range, the HTML escaper.
- No module passes about 500 lines (vendored files aside).
- Every session key, and every widget key read back or looked for, is a constant in one section
  of ``ui/state.py``; the other UI modules name it, never spell it out (CSS-only containers aside).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "explorer"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "vendor" not in p.parts)

#: Entry points: the Streamlit UI, the command line, the server.
ENTRY = {"app", "ui", "cli", "cli_types", "commands", "serve", "__main__"}
#: Renderers of the scene: the browser and the folium page, paper, overlays, data files.
RENDERERS = {"web", "printmap", "overlay", "export", "data_files"}


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


#: The modules that may touch Streamlit's session state and give widgets keys.
UI_MODULES = sorted([*(PACKAGE / "ui").glob("*.py"), PACKAGE / "app.py"])
#: Where every session key is defined (issue 15: ``ui/state.py`` owns every session key).
KEYS_HOME = "ui/state.py"
#: Keys of layout containers used only by CSS (``.st-key-...``), never read from session state:
#: they may stay where they are drawn. Each is named, with its module.
CSS_CONTAINER_KEYS = {
    ("ui/presenter.py", "presenter"),
    ("ui/presenter.py", "presenter_panel"),
    ("ui/presenter.py", "presenter_caption"),
    ("ui/presenter.py", "presenter_sources"),
    ("ui/presenter.py", "presenter_progress"),
    ("ui/presenter.py", "presenter_legend"),
    ("ui/presenter.py", "presenter_keys"),
}
#: Methods of ``st.session_state`` whose first argument is a key.
_KEY_METHODS = {"get", "pop", "setdefault"}
#: Attributes of ``st.session_state`` that are not keys (``st.session_state.lang`` would be one).
_STATE_METHODS = {*_KEY_METHODS, "keys", "items", "values", "clear", "update", "to_dict"}


def _spelled_out(node: ast.AST) -> bool:
    """Tell whether an expression spells a key out: a string literal or an f-string in it."""
    return any(
        isinstance(n, ast.JoinedStr) or (isinstance(n, ast.Constant) and isinstance(n.value, str))
        for n in ast.walk(node)
    )


def _is_session_state(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "session_state"


def _literal_keys(path: Path) -> list[str]:
    """Every session or widget key a UI module spells out instead of naming a constant.

    Flagged: a literal as ``st.session_state[...]``, as the first argument of its ``get``,
    ``pop`` or ``setdefault``, on the left of ``in st.session_state``, as an attribute
    (``st.session_state.lang``), as a call's ``key=`` argument, or as the default of a
    parameter named ``key``.
    """
    rel = str(_rel(path))
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{rel}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Subscript) and _is_session_state(node.value):
            if _spelled_out(node.slice):
                found.append(f"{where} session_state[{ast.unparse(node.slice)}]")
        elif isinstance(node, ast.Attribute) and _is_session_state(node.value):
            if node.attr not in _STATE_METHODS:
                found.append(f"{where} session_state.{node.attr}")
        elif isinstance(node, ast.Compare) and any(map(_is_session_state, node.comparators)):
            if _spelled_out(node.left):
                found.append(f"{where} {ast.unparse(node)}")
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in _KEY_METHODS
                and _is_session_state(func.value)
                and node.args
                and _spelled_out(node.args[0])
            ):
                found.append(f"{where} session_state.{func.attr}({ast.unparse(node.args[0])})")
            for keyword in node.keywords:
                if keyword.arg != "key" or not _spelled_out(keyword.value):
                    continue
                value = keyword.value
                css_only = (
                    isinstance(func, ast.Attribute)
                    and func.attr == "container"
                    and isinstance(value, ast.Constant)
                    and (rel, value.value) in CSS_CONTAINER_KEYS
                )
                if not css_only:
                    found.append(f"{where} key={ast.unparse(value)}")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            pairs = [
                *zip(
                    positional[len(positional) - len(args.defaults) :], args.defaults, strict=True
                ),
                *zip(args.kwonlyargs, args.kw_defaults, strict=True),
            ]
            for arg, default in pairs:
                if arg.arg == "key" and default is not None and _spelled_out(default):
                    found.append(f"{where} def {node.name}(key={ast.unparse(default)})")
    return found


@pytest.mark.parametrize("path", UI_MODULES, ids=lambda p: str(_rel(p)))
def test_session_keys_are_named_in_state(path):
    """Every session key and widget key is a constant of ``ui/state.py`` (issue 15).

    Outside ``ui/state.py`` a UI module names keys (``state.LANG_KEY``), never spells them out,
    so one key has one definition, and renaming one cannot leave a copy behind.
    """
    if str(_rel(path)) == KEYS_HOME:
        return
    assert _literal_keys(path) == [], "spell session keys in explorer/ui/state.py"


def test_the_css_container_keys_are_still_drawn():
    """The allow-list names only keys still in use (a stale entry would hide nothing)."""
    for module, key in CSS_CONTAINER_KEYS:
        assert f'st.container(key="{key}")' in (PACKAGE / module).read_text(encoding="utf-8"), key


def test_session_keys_are_constants_in_one_section_of_state():
    """``ui/state.py`` defines each key once, as a ``Final[str]``, in its keys section."""
    source = (PACKAGE / KEYS_HOME).read_text(encoding="utf-8")
    tree = ast.parse(source)
    keys = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                if ast.unparse(node.annotation) == "Final[str]":
                    keys[node.target.id] = (node.lineno, node.value.value)
    assert keys, "no Final[str] keys in ui/state.py"
    values = [value for _, value in keys.values()]
    assert len(values) == len(set(values)), "one key, one constant"
    start = source.splitlines().index("# --- Every session key")
    lines = [line for line, _ in keys.values()]
    assert all(line > start for line in lines)
    section = source.splitlines()[start : max(lines)]
    assert not any(line.startswith(("def ", "class ")) for line in section), "keys in one section"
    for name, (line, _) in keys.items():
        assert source.splitlines()[line - 2].lstrip().startswith("#:"), f"{name}: no #: comment"


def _string_constants(path: Path) -> dict[str, tuple[int, str]]:
    """Module-level names bound to a string literal: ``{name: (line, value)}``."""
    out = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        else:
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            for target in targets:
                if isinstance(target, ast.Name):
                    out[target.id] = (node.lineno, value.value)
    return out


@pytest.mark.parametrize("path", UI_MODULES, ids=lambda p: str(_rel(p)))
def test_no_second_definition_of_a_session_key(path):
    """No UI module but ``ui/state.py`` binds a name to a key (``LANG_KEY = "lang"``)."""
    if str(_rel(path)) == KEYS_HOME:
        return
    keys = {value for _, value in _string_constants(PACKAGE / KEYS_HOME).values()}
    looks_like_a_key = re.compile(r"(^|_)KEY($|_)")
    copies = [
        f"{_rel(path)}:{line} {name} = {value!r}"
        for name, (line, value) in _string_constants(path).items()
        if value in keys or looks_like_a_key.search(name)
    ]
    assert copies == [], "define session keys in explorer/ui/state.py only"
