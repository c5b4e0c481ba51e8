"""The ``animate`` command: the timeline in motion, written as a GIF or an MP4.

Everything that can be refused is refused before any drawing, in one line with exit status 2:
the file type, the frame size and count, the view (its dates checked by
:class:`explorer.view.View`), a missing ffmpeg, a box outside the data, a folder that takes no
file. Then the frames are drawn (:mod:`explorer.printmap.animation`) and streamed into ffmpeg
(:mod:`explorer.video`) one at a time.
"""

from __future__ import annotations

import argparse
import sys

from explorer import steps, video, view
from explorer.commands import EXIT_INVALID, EXIT_OK, EXIT_USAGE, load_or_exit
from explorer.commands.exports import _size, check_box, check_writable
from explorer.i18n import t
from explorer.layers import DEFAULT_LAYERS

__all__ = ["check_animation", "run_animate"]

PROG = "python -m explorer animate"


def check_animation(args: argparse.Namespace) -> tuple[str, list] | str:
    """Check what can be checked without drawing; return ``(format, dates)`` or the problem.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``animate`` arguments.

    Returns
    -------
    tuple or str
        The video format and the frames' dates, or one line saying what is wrong.
    """
    try:
        fmt = video.format_for(args.out)
        video.check_size(args.size, fmt)
    except ValueError as exc:
        return str(exc)
    layers = args.layers if args.layers is not None else DEFAULT_LAYERS
    problems: list[str] = []
    for flag, day in (("--from", args.start), ("--to", args.end)):
        try:
            view.View(layers=tuple(layers), date=day, bbox=args.bbox or view.DEFAULT_BBOX,
                      lang=args.lang, treaty=args.treaty)  # fmt: skip
        except view.ViewError as exc:
            problems += [
                f"{flag}: {p}" if p.key.startswith(("view.date", "view.bad_date")) else str(p)
                for p in exc.problems
            ]
    if problems:
        return "; ".join(dict.fromkeys(problems))
    try:  # the days Play shows in the app, for the same range and step
        dates = steps.step_dates(args.start, args.end, args.step)
    except ValueError as exc:
        return f"{exc}: give the earlier date as --from"
    if len(dates) > video.MAX_FRAMES:
        return (
            f"{len(dates)} frames from {args.start.isoformat()} to {args.end.isoformat()} by "
            f"{args.step} is more than {video.MAX_FRAMES}: choose a shorter range or a longer step"
        )
    try:
        video.check_work(len(dates), args.size)
    except ValueError as exc:
        return str(exc)
    return fmt, dates


def run_animate(args: argparse.Namespace) -> int:
    """Write the view's animation from ``args.start`` to ``args.end`` to ``args.out``."""
    checked = check_animation(args)
    if isinstance(checked, str):
        print(f"{PROG}: error: {checked} (see --help)", file=sys.stderr)
        return EXIT_USAGE
    fmt, dates = checked
    try:
        ffmpeg = video.find_ffmpeg(fmt)
    except video.FfmpegNotFound as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not check_box(PROG, args.bbox, args.lang) or not check_writable(PROG, args.out):
        return EXIT_USAGE
    from explorer.printmap import animation  # local: matplotlib only when drawing

    ds = load_or_exit(args.data)
    total = len(dates) + animation.card_frames(args.fps)

    def progress(n: int) -> None:
        print(f"{n}/{total}", flush=True)

    samples = fmt == "gif"  # a GIF's palette from sample frames sent first
    frames = animation.animation_frames(
        ds,
        dates=dates,
        fps=args.fps,
        palette_samples=samples,
        layers=args.layers if args.layers is not None else DEFAULT_LAYERS,
        step=args.step,
        bbox=args.bbox,
        title=args.title,
        lang=args.lang,
        treaty=args.treaty,
        size=args.size,
        base_url=args.base_url,
    )
    try:
        path = video.write_video(
            frames, args.out, size=args.size, fps=args.fps, fmt=fmt, ffmpeg=ffmpeg,
            on_frame=progress if args.progress else None,
            palette_frames=animation.PALETTE_SAMPLES if samples else 0,
        )  # fmt: skip
    except video.VideoError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"{PROG}: error: cannot write {args.out}: {reason}", file=sys.stderr)
        return EXIT_USAGE
    wrote = t(
        "animate.wrote", args.lang, path=path, fmt=fmt, frames=len(dates),
        card=f"{animation.CARD_SECONDS:g}", size=f"{args.size[0]}x{args.size[1]}",
        fps=args.fps, bytes=_size(path.stat().st_size, args.lang),
    )  # fmt: skip
    print(wrote)
    return EXIT_OK
