"""Profile what stands in the way of the rerun and payload budgets; write benchmarks/profile.md.

    .venv/bin/python benchmarks/profile_rerun.py [--runs N] [--out benchmarks/profile.md]

1. cProfile of the app's script thread (``ScriptRunner._run_script``, under Streamlit's AppTest)
   for a layer toggle to a new combination, a date change to a new date, and a rerun whose data is
   cached: the functions that take the time.
2. The parts of a rerun timed apart (median of N): building each layer's GeoJSON
   (``features.layer_collections``), st_folium's serialisation of the FeatureGroups, the panel.
3. Payload by part: each layer's bytes in the map component, split into coordinates, popup /
   tooltip HTML and the rest, and what gzip/deflate would make of it.
4. What-if, measured the same way under AppTest with the app's files untouched (functions wrapped
   in this process only): the display geometry (simplified, rounded, chained lines) computed once
   per feature instead of on every date / layer combination.

Nothing here is a test; numbers go to the report only.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import gzip
import io
import json
import logging
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(REPO_ROOT))
APP = REPO_ROOT / "explorer" / "app.py"

logging.disable(logging.WARNING)


def _median_ms(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


class ScriptTimer:
    """Wrap ``ScriptRunner._run_script``: time it, optionally under cProfile (script thread)."""

    def __init__(self) -> None:
        from streamlit.runtime.scriptrunner import script_runner

        self.profile: cProfile.Profile | None = None
        self.last_s = 0.0
        original = script_runner.ScriptRunner._run_script
        timer = self

        def wrapped(runner: Any, rerun_data: Any) -> None:
            t0 = time.perf_counter()
            if timer.profile:
                timer.profile.enable()
            try:
                original(runner, rerun_data)
            finally:
                if timer.profile:
                    timer.profile.disable()
                timer.last_s = time.perf_counter() - t0

        script_runner.ScriptRunner._run_script = wrapped


def _stats_text(profile: cProfile.Profile, limit: int = 28) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"explorer|streamlit_folium|folium|branca|jinja2|json|shapely|pyproj|pandas|geopandas",
        limit,
    )
    text = out.getvalue()
    text = text.replace(str(REPO_ROOT) + "/", "").replace(
        str(
            Path(sys.prefix)
            / "lib"
            / f"python{sys.version_info.major}.{sys.version_info.minor}"
            / "site-packages"
        )
        + "/",
        "",
    )
    lines = [ln for ln in text.splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    return "\n".join(lines[start:])


def rerun_profiles(runs: int) -> dict[str, Any]:
    from streamlit.testing.v1 import AppTest

    timer = ScriptTimer()
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    at.run()
    out: dict[str, Any] = {}
    samples: dict[str, list[float]] = {
        "toggle (new combination)": [],
        "date (new date)": [],
        "data cached (plain rerun)": [],
    }
    profiles: dict[str, cProfile.Profile] = {}
    layers = ["treaty", "borders", "border-fence", "east-shield", "baltic-defence-line"]
    for i in range(runs):
        day = dt.date(2024, 2, 1) + dt.timedelta(days=29 * i)
        at.slider(key="date").set_value(day).run()  # prepare: a date with every layer on
        timer.profile = cProfile.Profile() if i == 0 else None
        at.checkbox(key=f"layer_{layers[i % len(layers)]}").uncheck().run()
        samples["toggle (new combination)"].append(timer.last_s)
        if timer.profile:
            profiles["toggle (new combination)"] = timer.profile
        timer.profile = None
        at.checkbox(key=f"layer_{layers[i % len(layers)]}").check().run()
        timer.profile = cProfile.Profile() if i == 0 else None
        at.slider(key="date").set_value(day + dt.timedelta(days=400)).run()
        samples["date (new date)"].append(timer.last_s)
        if timer.profile:
            profiles["date (new date)"] = timer.profile
        timer.profile = cProfile.Profile() if i == 0 else None
        at.run()
        samples["data cached (plain rerun)"].append(timer.last_s)
        if timer.profile:
            profiles["data cached (plain rerun)"] = timer.profile
        timer.profile = None
    out["script_s"] = {k: statistics.median(v) for k, v in samples.items()}
    out["profiles"] = {k: _stats_text(p) for k, p in profiles.items()}
    return out


def parts(runs: int) -> dict[str, Any]:
    """Time the parts of a rerun apart, outside Streamlit."""
    from streamlit_folium import _get_feature_group_string

    from explorer import data, features, maps, style, timeline
    from explorer.ui import panel

    ds = data.load_dataset()
    day = dt.date(2026, 11, 23)
    out: dict[str, float] = {}
    for layer in style.DATA_LAYERS:
        out[f"GeoJSON of layer {layer}"], _ = _median_ms(
            lambda layer=layer: features.layer_collections(ds, date=day, visible=[layer]), runs
        )
    out["GeoJSON of all data layers (a cache miss)"], cols = _median_ms(
        lambda: features.layer_collections(ds, date=day, visible=style.DATA_LAYERS), runs
    )
    basemap = maps.load_basemap()

    def serialise() -> list[str]:
        m = maps.build_base_map(center=(60.0, 25.0), zoom=4)
        groups = maps.feature_groups(cols)
        groups.insert(0, maps.basemap_group(basemap))
        return [_get_feature_group_string(g, m, i) for i, g in enumerate(groups)]

    out["st_folium FeatureGroup -> JS (every run)"], strings = _median_ms(serialise, runs)

    import folium
    from branca.element import MacroElement
    from folium.template import Template

    class Prerendered(MacroElement):
        """What-if: a layer's JavaScript rendered once, emitted as it is."""

        _template = Template("{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}")

        def __init__(self, js: str) -> None:
            super().__init__()
            self._name = "Prerendered"
            self.js = js

    def serialise_prerendered() -> list[str]:
        m = maps.build_base_map(center=(60.0, 25.0), zoom=4)
        out = []
        for i, js in enumerate(strings):
            group = folium.FeatureGroup(name=f"layer {i}")
            Prerendered(js).add_to(group)
            out.append(_get_feature_group_string(group, m, i))
        return out

    out["  what-if: the same groups as cached, pre-rendered JS"], _ = _median_ms(
        serialise_prerendered, runs
    )
    out["panel: lengths table"], _ = _median_ms(
        lambda: panel.lengths_table(ds, list(ds.segments["id"]), day), runs
    )
    out["panel: treaty statuses"], _ = _median_ms(
        lambda: timeline.statuses_on(ds.treaty_events, list(ds.countries.index), "APMBC", day),
        runs,
    )
    return {"ms": out, "group_js_bytes": [len(s.encode()) for s in strings]}


def _geometry_bytes(feature: dict) -> int:
    return len(json.dumps(feature["geometry"], separators=(",", ":")).encode())


def payload_parts() -> dict[str, Any]:
    """Each layer's GeoJSON split into coordinates, popup/tooltip HTML and the rest."""
    from explorer import data, features, maps, style

    ds = data.load_dataset()
    day = dt.date(2026, 11, 23)
    cols = features.layer_collections(ds, date=day, visible=style.DATA_LAYERS)
    basemap = maps.load_basemap()
    cols = {
        "basemap (land + lakes)": {
            "type": "FeatureCollection",
            "features": [
                f
                for key in ("countries", "lakes")
                for f in maps._basemap_geojson(basemap[key])["features"]
            ],
        },
        **cols,
    }
    rows = {}
    for layer, fc in cols.items():
        text = json.dumps(fc, separators=(",", ":"), ensure_ascii=False).encode()
        geometry = sum(_geometry_bytes(f) for f in fc["features"])
        html = sum(
            len(json.dumps(f["properties"].get(k, ""), ensure_ascii=False).encode())
            for f in fc["features"]
            for k in ("popup", "tooltip")
        )
        rows[layer] = {
            "features": len(fc["features"]),
            "bytes": len(text),
            "coordinates": geometry,
            "popup_tooltip_html": html,
            "gzip": len(gzip.compress(text, 6)),
        }
    return rows


def what_if_cached_geometry(runs: int) -> dict[str, float]:
    """Server time of toggles/date changes with display geometry memoised per feature."""
    from streamlit.testing.v1 import AppTest

    from explorer import features

    def memo(fn: Callable[..., Any]) -> Callable[..., Any]:
        cache: dict[Any, Any] = {}

        @functools.wraps(fn)
        def wrapper(geom: Any, *args: Any, **kwargs: Any) -> Any:
            if geom is None:
                return fn(geom, *args, **kwargs)
            key = (geom.wkb, args, tuple(sorted(kwargs.items())))
            if key not in cache:
                cache[key] = fn(geom, *args, **kwargs)
            return cache[key]

        return wrapper

    features._display = memo(features._display)
    features._chain_lines = memo(features._chain_lines)
    timer = ScriptTimer()
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    at.run()
    # warm the memo for every feature once (what a start-up precomputation would do)
    at.slider(key="date").set_value(dt.date(2028, 12, 31)).run()
    toggles, dates = [], []
    layers = ["treaty", "borders", "border-fence", "east-shield", "baltic-defence-line"]
    for i in range(runs):
        day = dt.date(2024, 2, 1) + dt.timedelta(days=29 * i)
        at.slider(key="date").set_value(day).run()
        at.checkbox(key=f"layer_{layers[i % len(layers)]}").uncheck().run()
        toggles.append(timer.last_s)
        at.checkbox(key=f"layer_{layers[i % len(layers)]}").check().run()
        at.slider(key="date").set_value(day + dt.timedelta(days=400)).run()
        dates.append(timer.last_s)
    return {
        "toggle (new combination)": statistics.median(toggles),
        "date (new date)": statistics.median(dates),
    }


def cold_paths() -> dict[str, Any]:
    """A fresh interpreter: what the export command spends on imports, data load and drawing."""
    t0 = time.perf_counter()
    from explorer import cli, data, export  # noqa: F401 - what `python -m explorer export` imports

    t1 = time.perf_counter()
    profile = cProfile.Profile()
    profile.enable()
    ds = data.load_dataset()
    profile.disable()
    t2 = time.perf_counter()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        export.export(ds, out_path=Path(tmp) / "x.pdf")
        t3 = time.perf_counter()
        export.export(ds, out_path=Path(tmp) / "x.png")
        t4 = time.perf_counter()
    return {
        "import_explorer_cli_export_s": t1 - t0,
        "load_dataset_s": t2 - t1,
        "first_pdf_s": t3 - t2,
        "then_png_s": t4 - t3,
        "load_profile": _stats_text(profile, 14),
    }


def _child(kind: str, runs: int) -> dict[str, Any]:
    import subprocess

    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--runs", str(runs)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        raise RuntimeError(f"{kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def report(runs: int) -> str:
    # Each part in a fresh process so that caches start cold and memo patches do not leak.
    profiles = _child("profiles", runs)
    timed = _child("parts", runs)
    payload = _child("payload", runs)
    what_if = _child("what-if", runs)
    cold = _child("cold", runs)
    lines = [
        "# Profile: reruns and payload",
        "",
        f"Generated by `benchmarks/profile_rerun.py --runs {runs}` on "
        f"{dt.datetime.now().isoformat(timespec='minutes')}. Times are the script thread's "
        "(`ScriptRunner._run_script` under AppTest), medians; cProfile inflates them ~1.5-2x, "
        "so read its columns as shares.",
        "",
        "## Script time of a rerun",
        "",
        "| rerun | script time (ms) | with display geometry computed once (what-if, ms) |",
        "|---|---:|---:|",
    ]
    for case, value in profiles["script_s"].items():
        alt = what_if.get(case)
        lines.append(
            f"| {case} | {value * 1000:.0f} | {'' if alt is None else f'{alt * 1000:.0f}'} |"
        )
    lines += [
        "",
        "## Parts of a rerun, timed apart (ms, median)",
        "",
        "| part | ms |",
        "|---|---:|",
    ]
    for part, ms in timed["ms"].items():
        lines.append(f"| {part} | {ms:.1f} |")
    lines += [
        "",
        f"FeatureGroup JS sent to the browser: {sum(timed['group_js_bytes']) / 1e3:.0f} kB "
        f"({', '.join(f'{b / 1e3:.0f}' for b in timed['group_js_bytes'])} kB per group, basemap "
        "first).",
        "",
        "## Payload by layer (GeoJSON inside the map component)",
        "",
        "| layer | features | kB | coordinates kB | popup+tooltip HTML kB | gzip kB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for layer, row in payload.items():
        lines.append(
            f"| {layer} | {row['features']} | {row['bytes'] / 1e3:.0f} | "
            f"{row['coordinates'] / 1e3:.0f} | {row['popup_tooltip_html'] / 1e3:.0f} | "
            f"{row['gzip'] / 1e3:.0f} |"
        )
    total = sum(r["bytes"] for r in payload.values())
    gz = sum(r["gzip"] for r in payload.values())
    lines += ["", f"Total {total / 1e3:.0f} kB, {gz / 1e3:.0f} kB gzipped.", ""]
    lines += [
        "## Cold paths: the export command and the data load (fresh interpreter)",
        "",
        "- import `explorer.cli` + `explorer.export`: "
        f"{cold['import_explorer_cli_export_s']:.2f} s",
        f"- `data.load_dataset()`: {cold['load_dataset_s']:.2f} s",
        f"- first PDF export (matplotlib warm-up included): {cold['first_pdf_s']:.2f} s; "
        f"then a PNG: {cold['then_png_s']:.2f} s",
        "",
        "cProfile of `load_dataset()`:",
        "",
        "```",
        cold["load_profile"],
        "```",
        "",
    ]
    for case, text in profiles["profiles"].items():
        lines += [f"## cProfile: {case} (script thread, cumulative)", "", "```", text, "```", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "profile.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "profiles":
        print(json.dumps(rerun_profiles(args.runs)))
    elif args.child == "parts":
        print(json.dumps(parts(args.runs)))
    elif args.child == "payload":
        print(json.dumps(payload_parts()))
    elif args.child == "cold":
        print(json.dumps(cold_paths()))
    elif args.child == "what-if":
        print(json.dumps(what_if_cached_geometry(args.runs)))
    else:
        text = report(args.runs)
        args.out.write_text(text + "\n")
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
