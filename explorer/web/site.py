"""The map component's folder: our frontend, vendored Leaflet and the hashed layer files.

Built once per server start into a cache folder (never into the package): the frontend files are
copied as they are, and every layer document (:mod:`explorer.web.bundle`) is written as
``layers/<layer>.<lang>.<hash>.json``, named by a hash of its bytes. The same data gives the same
names on every worker and every machine, and a browser can keep a file for as long as it likes:
a new data version has new names. Streamlit serves the folder as the component's own files
(``/component/<name>/...``), compressed.

Users' uploaded overlays never come here: they travel in their own session's messages only.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from explorer.config import LANGUAGES
from explorer.layers import DATA_LAYERS
from explorer.web import bundle

if TYPE_CHECKING:
    import geopandas as gpd

    from explorer.data import Dataset

__all__ = ["CACHE_ENV", "Site", "build_site", "cache_root", "put_document"]

#: Environment variable naming the cache folder (default: ``$XDG_CACHE_HOME`` or ``~/.cache``).
CACHE_ENV: Final[str] = "BFE_CACHE_DIR"

_HERE: Final[Path] = Path(__file__).resolve().parent
FRONTEND_DIR: Final[Path] = _HERE / "frontend"
_STATIC: Final[Path] = _HERE.parent / "static"
#: Vendored files the frontend loads: (source, name in the site folder).
_VENDOR: Final[tuple[tuple[Path, str], ...]] = (
    (_STATIC / "vendor" / "leaflet", "vendor/leaflet"),
    (_STATIC / "vendor" / "leaflet-measure", "vendor/leaflet-measure"),
    (_STATIC / "overlay_canvas.js", "overlay_canvas.js"),
)


@dataclass(frozen=True)
class Site:
    """The component folder and the relative URL of every layer file.

    Attributes
    ----------
    path : Path
        The folder Streamlit serves as the component.
    files : dict
        ``{layer: {lang: "layers/<layer>.<lang>.<hash>.json"}}``; the basemap under
        ``"basemap"`` for every language.
    window : tuple of float
        The data window ``(west, south, east, north)``: the map never shows beyond it.
    sizes : dict
        Bytes of each layer file (for benchmarks and the README).
    """

    path: Path
    files: dict[str, dict[str, str]]
    window: tuple[float, float, float, float]
    sizes: dict[str, int] = field(default_factory=dict)


def cache_root() -> Path:
    """Return the cache folder: ``$BFE_CACHE_DIR``, else the user's cache folder, else a temp one.

    Examples
    --------
    >>> cache_root().name in {"border-fortification-explorer", "bfe-cache"} or bool(
    ...     __import__("os").environ.get(CACHE_ENV))
    True
    """
    value = os.environ.get(CACHE_ENV, "").strip()
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    root = Path(base) / "border-fortification-explorer"
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        root = Path(tempfile.gettempdir()) / "bfe-cache"
    return root


def _write_atomic(path: Path, payload: bytes) -> None:
    """Write ``path`` whole or not at all (several workers may write the same file at once)."""
    if path.is_file() and path.stat().st_size == len(payload) and path.read_bytes() == payload:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _copy_tree(src: Path, dest: Path) -> None:
    if src.is_file():
        _write_atomic(dest, src.read_bytes())
        return
    for item in sorted(src.rglob("*")):
        if item.is_file():
            _write_atomic(dest / item.relative_to(src), item.read_bytes())


def build_site(
    ds: Dataset,
    basemap: Mapping[str, gpd.GeoDataFrame],
    *,
    root: Path | None = None,
    layers: Iterable[str] | None = None,
    languages: Iterable[str] = LANGUAGES,
    treaty: str = "APMBC",
) -> Site:
    """Write the component folder and the layer files; return where everything is.

    Parameters
    ----------
    ds : Dataset
        The loaded data (layers in ``ds.unavailable_layers`` are skipped).
    basemap : mapping of str to geopandas.GeoDataFrame
        The local vector basemap.
    root : Path, optional
        Cache folder (default :func:`cache_root`); the site is ``root / "web"``.
    layers : iterable of str, optional
        Data layers to write (default all of :data:`explorer.layers.DATA_LAYERS`).
    languages : iterable of str, default all
        Languages to write the data layers in.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        Treaty the ``treaty`` layer shades.

    Returns
    -------
    Site
    """
    path = (root or cache_root()) / "web"
    for src, name in _VENDOR:
        _copy_tree(src, path / name)
    _copy_tree(FRONTEND_DIR, path)
    unavailable = set(getattr(ds, "unavailable_layers", ()))
    wanted = [i for i in (layers or DATA_LAYERS) if i not in unavailable]
    files: dict[str, dict[str, str]] = {}
    sizes: dict[str, int] = {}

    def put(name: str, doc: Mapping) -> str:
        payload = bundle.dumps(doc)
        rel = f"layers/{name}.{bundle.version_of(payload)}.json"
        _write_atomic(path / rel, payload)
        sizes[rel] = len(payload)
        return rel

    langs = list(languages)
    if basemap:
        rel = put("basemap", bundle.basemap_document(basemap))
        files["basemap"] = dict.fromkeys(langs, rel)
    for layer in wanted:
        files[layer] = {
            lang: put(f"{layer}.{lang}", bundle.layer_document(ds, layer, lang=lang, treaty=treaty))
            for lang in langs
        }
    window = bundle.data_window(basemap) if basemap else (-180.0, -85.0, 180.0, 85.0)
    return Site(path=path, files=files, window=window, sizes=sizes)


def put_document(the_site: Site, name: str, doc: Mapping) -> str:
    """Write a document the map fetches once, named by a hash of its bytes; return its URL.

    Like the layer files: the same content gets the same name (so a browser's cached copy is
    always right, and ``serve`` marks it immutable), and the file is written whole or not at
    all. Used for what would otherwise travel in every message (Play's legends).

    Parameters
    ----------
    the_site : Site
        From :func:`build_site`.
    name : str
        The file's name before its hash (letters, digits, dots and hyphens).
    doc : mapping
        The JSON document.

    Returns
    -------
    str
        ``layers/<name>.<hash>.json``, relative to the component's folder.
    """
    payload = bundle.dumps(doc)
    rel = f"layers/{name}.{bundle.version_of(payload)}.json"
    _write_atomic(the_site.path / rel, payload)
    return rel


def clear(root: Path) -> None:
    """Remove a site folder (tests)."""
    shutil.rmtree(root / "web", ignore_errors=True)
