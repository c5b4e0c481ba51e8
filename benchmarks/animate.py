"""Benchmark ``python -m explorer animate`` (issue 17): 60 frames at 1280 × 720 in ≤ 45 s.

Measures, in one run:

1. the command as a user runs it, in a fresh process (data loading, drawing, encoding): 60
   monthly frames (2021-07-01 → 2026-06-01) plus the closing card, MP4 and GIF, default view,
   every layer; wall time and the peak memory of its largest process (Python or ffmpeg);
2. the same with 4 × the frames (weekly, 2021-07-01 → 2026-06-01 is 258), to show memory flat;
3. drawing and encoding the 60 frames in this process two ways: the shipped way (one figure;
   fixed parts drawn once, changed layers redrawn, date stamp blitted) and the naive baseline
   (a whole new figure per frame, same layout), and their ratio.

The machine's load average is printed before and after: other engineers share its two cores.

    python benchmarks/animate.py [--json benchmarks/animate.json] [--skip weekly]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_S = 45.0
START, END = dt.date(2021, 7, 1), dt.date(2026, 6, 1)
SIZE = (1280, 720)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cli(out: Path, step: str) -> dict:
    """Run the command in a fresh process; wall time and peak RSS of its largest process."""
    cmd = [
        sys.executable, "-m", "explorer", "animate", "--from", START.isoformat(),
        "--to", END.isoformat(), "--step", step, "--out", str(out),
        "--size", f"{SIZE[0]}x{SIZE[1]}",
    ]  # fmt: skip
    # A wrapper process per run, so RUSAGE_CHILDREN is this run's alone.
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "s = time.perf_counter() - t; "
        "print(p.returncode, s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "print(p.stdout.strip() or p.stderr.strip())"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], cwd=ROOT, capture_output=True, text=True, check=True
    )
    head, message = done.stdout.splitlines()[:2]
    code, seconds, rss_kb = head.split()
    if code != "0":
        raise SystemExit(f"animate failed: {message}")
    return {
        "seconds": round(float(seconds), 2),
        "peak_rss_mb": round(int(rss_kb) / 1024),
        "bytes": out.stat().st_size,
        "message": message,
    }


def in_process(ds, dates: list[dt.date], naive: bool, out: Path) -> float:
    """Draw and encode the frames (MP4) in this process; the shipped way or the naive one."""
    from explorer import video
    from explorer.layers import DEFAULT_LAYERS
    from explorer.printmap import animation, load_basemap

    basemap = load_basemap()
    options = {"layers": DEFAULT_LAYERS, "size": SIZE, "basemap": basemap}

    def naive_frames():
        for day in dates:  # a whole new figure per frame
            film = animation.Animation(ds, start=dates[0], end=dates[-1], **options)
            yield film.frame(day)
        card = film.card_rgb()
        for _ in range(animation.card_frames(video.DEFAULT_FPS)):
            yield card

    start = time.perf_counter()
    frames = (
        naive_frames()
        if naive
        else animation.animation_frames(ds, dates=dates, fps=video.DEFAULT_FPS, **options)
    )
    video.write_video(frames, out, size=SIZE, fps=video.DEFAULT_FPS)
    return round(time.perf_counter() - start, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--skip", nargs="*", default=[], choices=["weekly", "naive"])
    args = parser.parse_args()

    from explorer import data, steps

    results: dict = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    results["load_before"] = load()
    print(f"load average before: {results['load_before']}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for fmt in ("mp4", "gif"):
            results[f"cli_monthly_{fmt}"] = r = cli(folder / f"monthly.{fmt}", "month")
            verdict = "PASS" if r["seconds"] <= BUDGET_S else "FAIL"
            print(
                f"CLI, 60 monthly frames + card, 1280x720 {fmt}: {r['seconds']:.1f} s "
                f"(budget {BUDGET_S:g} s: {verdict}), peak RSS {r['peak_rss_mb']} MB, "
                f"{r['bytes'] / 1e6:.2f} MB",
                flush=True,
            )
        if "weekly" not in args.skip:
            results["cli_weekly_mp4"] = r = cli(folder / "weekly.mp4", "week")
            print(
                f"CLI, 258 weekly frames + card, 1280x720 mp4: {r['seconds']:.1f} s, peak RSS "
                f"{r['peak_rss_mb']} MB (flat: compare with the 60-frame run)",
                flush=True,
            )
        ds = data.load_dataset()
        dates = steps.step_dates(START, END, "month")
        assert len(dates) == 60
        shipped = in_process(ds, dates, False, folder / "shipped.mp4")
        results["in_process_shipped_s"] = shipped
        print(f"in process, 60 frames + card: shipped {shipped:.1f} s", flush=True)
        if "naive" not in args.skip:
            naive = in_process(ds, dates, True, folder / "naive.mp4")
            results["in_process_naive_s"] = naive
            results["ratio_naive_over_shipped"] = round(naive / shipped, 1)
            print(
                f"in process, naive (a new figure per frame): {naive:.1f} s; "
                f"shipped is {naive / shipped:.1f} x faster",
                flush=True,
            )
    results["load_after"] = load()
    print(f"load average after: {results['load_after']}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    results["benchmark_process_peak_rss_mb"] = peak
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
