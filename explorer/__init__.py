"""Border Fortification Explorer: sourced borders, fortifications and treaties of NATO's east.

The package's public API, for notebooks and scripts::

    import explorer, datetime as dt
    ds = explorer.load_dataset()
    view = explorer.View(layers=["borders", "treaty"], date=dt.date(2026, 3, 1))
    sc = explorer.make_scene(ds, view)          # one GeoDataFrame per layer
    explorer.features_table(ds, sc)            # the same as a flat table (what exports write)
    explorer.view_summary(ds, layers=view.layers, date=view.date)
    explorer.export.export(ds, "map.png", layers=view.layers, date=view.date)
    explorer.changes_between(ds, dt.date(2025, 1, 1), dt.date(2026, 3, 1))  # what changed
    explorer.progress_series(ds)               # km of fortified border per country over time

Names are loaded on first use (PEP 562 ``__getattr__``): ``import explorer`` costs nothing, and
the command line and the app start without matplotlib or folium until they draw.

The shape (``README.md``, "Layout"): ``geodata/`` -> :mod:`~explorer.validation` ->
:class:`~explorer.data.Dataset` -> :class:`~explorer.view.View` -> :mod:`~explorer.scene` ->
renderers (:mod:`~explorer.web` for the browser, :mod:`~explorer.printmap` for paper,
:mod:`~explorer.table`/:mod:`~explorer.export` for data files, :mod:`~explorer.summary` for
text) -> :mod:`~explorer.ui` (Streamlit) and :mod:`~explorer.cli`.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "LAYER_IDS",
    "Dataset",
    "Scene",
    "View",
    "ViewError",
    "changes_between",
    "export",
    "export_bytes",
    "features_in_view",
    "features_table",
    "load_dataset",
    "make_scene",
    "progress_series",
    "scene",
    "summary_lines",
    "view_summary",
]

__version__ = "0.3.0"

#: Public name -> the module that defines it.
_API: dict[str, str] = {
    "LAYER_IDS": "explorer.layers",
    "Dataset": "explorer.data",
    "load_dataset": "explorer.data",
    "View": "explorer.view",
    "ViewError": "explorer.view",
    "Scene": "explorer.scene",
    "make_scene": "explorer.scene",
    "features_table": "explorer.table",
    "features_in_view": "explorer.table",
    "summary_lines": "explorer.summary",
    "view_summary": "explorer.summary",
    "export_bytes": "explorer.export",
    "changes_between": "explorer.changes",
    "progress_series": "explorer.progress",
}

#: Public submodules, loaded on first use like the names.
_MODULES: frozenset[str] = frozenset({"export", "scene"})


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name in _MODULES:
        return importlib.import_module(f"explorer.{name}")
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'explorer' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    """List the public API with the module's own names."""
    return sorted({*globals(), *__all__})
