"""What-if measurements behind the report's suggestions (the app's files are never edited).

    .venv/bin/python benchmarks/whatif.py [--runs N] [--out benchmarks/whatif.json]

Same harness as ``benchmarks/run.py`` (in-page stamps, interleaved runs, CDP + TCP relay for
bytes), over variants of the app that differ in one thing each:

* the app as it is;
* the app with ``--server.enableWebsocketCompression true`` (a config flag, no code);
* the app with ``st.dataframe`` drawn as ``st.table`` (``variant_app.py``);
* the app with the sidebar's widgets drawn just after the map (``variant_app.py``);
* the app without the panel under the map (``variant_app.py``);
* a title and the app's full default map, nothing else (``variant_app.py``);
* the map floor: a title and our base map with one marker in ``st_folium``
  (``variant_app.py``), the least any page of this architecture costs;
* the floor.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench

VARIANT_APP = bench.BENCH_DIR / "variant_app.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=bench.BENCH_DIR / "whatif.json")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bfe-whatif-"))
    try:
        return _run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(args: argparse.Namespace, tmp: Path) -> int:
    from playwright.sync_api import sync_playwright

    staged = bench.stage_page(VARIANT_APP, tmp / "variant")
    variants = {
        "ours (as is)": (bench.APP_OURS, {}, (), True),
        "ours + WebSocket compression": (
            bench.APP_OURS,
            {},
            ("--server.enableWebsocketCompression", "true"),
            True,
        ),
        "ours, st.table for st.dataframe": (staged, {"BFE_BENCH_VARIANT": "tables"}, (), True),
        "ours, sidebar drawn after the map": (staged, {"BFE_BENCH_VARIANT": "mapfirst"}, (), True),
        "ours without the panel under the map": (
            staged,
            {"BFE_BENCH_VARIANT": "nopanel"},
            (),
            True,
        ),
        "map only (title + the full default map)": (
            staged,
            {"BFE_BENCH_VARIANT": "maponly"},
            (),
            True,
        ),
        "map floor (title + base map + 1 marker)": (
            staged,
            {"BFE_BENCH_VARIANT": "mapfloor"},
            (),
            True,
        ),
        "floor": (bench.APP_FLOOR, {}, (), False),
    }
    results: dict[str, dict] = {}
    started = time.perf_counter()
    with sync_playwright() as pw, contextlib.ExitStack() as stack:
        browser = pw.chromium.launch(
            executable_path=bench.find_chromium(),
            headless=True,
            args=[*bench.CHROMIUM_ARGS, *bench.BLOCK_ARGS],
        )
        stack.callback(browser.close)
        urls = {}
        for name, (script, env, extra, is_map) in variants.items():
            server = stack.enter_context(bench.serve(script, tmp, extra_args=extra, env=env))
            urls[name] = (server.url, is_map)
            bench.timed_load(browser, server.url, is_map=is_map, timeout_s=90)  # warm-up
        paints: dict[str, list] = {name: [] for name in variants}
        marks: dict[str, list] = {name: [] for name in variants}
        for i in range(args.runs):
            for name, (url, is_map) in urls.items():
                load = bench.timed_load(browser, url, is_map=is_map, timeout_s=90)
                paints[name].append(bench.paint_of(load, is_map))
                marks[name].append(load.get("marks", {}))
                bench.log(f"{name} run {i + 1}: {paints[name][-1]}")
                time.sleep(0.3)
        for name, (url, is_map) in urls.items():
            payload = bench.payload_load(browser, url, is_map=is_map, timeout_s=90)
            results[name] = {
                "first_paint_s": bench.stats(paints[name]),
                "marks_median_ms": {
                    k: statistics.median(v)
                    for k in ("first_content", "frame_start", "map_container", "first_feature")
                    if (v := [m[k] for m in marks[name] if k in m])
                },
                "tcp_bytes_to_browser": payload.get("tcp_bytes_to_browser"),
                "total_bytes": payload.get("total_bytes"),
                "app_bytes": payload.get("app_bytes"),
                "by_class": payload.get("by_class"),
            }
    floor_tcp = results["floor"]["tcp_bytes_to_browser"]
    floor_paint = bench.med(results["floor"]["first_paint_s"])
    print(
        f"{'variant':42s} {'first paint (median [min-max])':32s} {'x floor':>7s} "
        f"{'TCP bytes':>10s} {'- floor':>10s}"
    )
    for name, rec in results.items():
        paint = rec["first_paint_s"]
        ratio = bench.med(paint) / floor_paint if floor_paint and bench.med(paint) else None
        print(
            f"{name:42s} {bench._fmt_s(paint):32s} {'' if ratio is None else f'{ratio:.2f}':>7s} "
            f"{rec['tcp_bytes_to_browser'] / 1e6:9.3f}M "
            f"{(rec['tcp_bytes_to_browser'] - floor_tcp) / 1e6:9.3f}M"
        )
    out = {
        "runs": args.runs,
        "machine": bench.machine(),
        "variants": results,
        "elapsed_s": time.perf_counter() - started,
    }
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
