"""``python -m explorer animate`` (issue 17): frame dates, the frames, GIF and MP4 through ffmpeg.

Tiny frames and few of them; the speed budget (60 frames of 720p in 45 s) is a benchmark
(``benchmarks/animate.py``), not a test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import struct
import subprocess
import sys

import numpy as np
import pytest
from cli_runner import run_in_process as main
from PIL import Image

from explorer import config, steps, video
from explorer.layers import LAYER_IDS
from explorer.printmap import animation

D = dt.date
ALL = ",".join(LAYER_IDS)


# --- Frame dates (the days Play shows: explorer.steps) -----------------------------------------


@pytest.mark.parametrize(
    ("step", "count"), [("year", 5), ("quarter", 17), ("month", 49), ("week", 210)]
)
def test_frame_count_matches_the_range_and_step(step, count):
    dates = steps.step_dates(D(2022, 1, 1), D(2026, 1, 1), step)
    assert len(dates) == count
    assert dates[0] == D(2022, 1, 1) and dates[-1] == D(2026, 1, 1)
    assert all(a < b for a, b in itertools.pairwise(dates))


def test_steps_count_from_the_start_and_end_exactly_on_the_end():
    dates = steps.step_dates(D(2023, 8, 31), D(2024, 3, 15), "month")
    assert [d.isoformat() for d in dates] == [
        "2023-08-31", "2023-09-30", "2023-10-31", "2023-11-30", "2023-12-31",
        "2024-01-31", "2024-02-29", "2024-03-15",
    ]  # fmt: skip
    weeks = steps.step_dates(D(2025, 1, 1), D(2025, 1, 20), "week")
    assert [d.day for d in weeks] == [1, 8, 15, 20]


# --- The frames (figure texts and pixels) --------------------------------------------------------


@pytest.fixture(scope="module")
def film(dataset):
    """An animation of every layer at 320 × 180, 2022-01-01 to 2026-06-01."""
    return animation.Animation(
        dataset, layers=ALL.split(","), start=D(2022, 1, 1), end=D(2026, 6, 1), size=(320, 180)
    )


def _pixels(frame: bytes, size=(320, 180)) -> np.ndarray:
    return np.frombuffer(frame, dtype=np.uint8).reshape(size[1], size[0], 3)


def test_every_frame_has_the_date_stamp_title_legend_and_attribution(film):
    for day in (D(2022, 1, 1), D(2024, 3, 1), D(2026, 6, 1)):
        frame = film.frame(day)
        assert len(frame) == 320 * 180 * 3
        texts = film.texts()
        assert day.isoformat() in texts  # the date stamp, on its own
        assert any("© OpenStreetMap contributors" in s for s in texts)  # attribution
        assert any(s.startswith("Permalink: ") for s in texts)
        assert "Border fortifications on NATO's eastern flank" in texts
        assert "Legend" in texts and "0" in texts and "km" in texts and "N" in texts
        assert "2022-01-01 → 2026-06-01, every month" in " ".join(texts)


def test_the_legend_shows_what_is_shown_on_each_date(film):
    film.frame(D(2022, 1, 1))
    early = film.texts()
    film.frame(D(2026, 6, 1))
    late = film.texts()
    assert "East Shield (Poland)" not in early and "East Shield (Poland)" in late
    assert "Withdrawn" not in early and "Withdrawn" in late


def test_first_and_last_frames_differ_where_the_data_changed(film):
    first = _pixels(film.frame(D(2022, 1, 1))).astype(int)
    last = _pixels(film.frame(D(2026, 6, 1))).astype(int)
    changed = np.abs(first - last).sum(axis=2) > 30
    # The map (left): Poland, Finland and the Baltics are shaded "withdrawn" by 2026.
    assert changed[30:150, 10:110].mean() > 0.05
    # The titles and the footer stay as they were.
    assert not changed[:10].any() and not changed[-8:, :100].any()


def test_a_frame_drawn_after_others_equals_one_drawn_fresh(film, dataset):
    """Redrawing only what changed gives the same pixels as drawing the date from scratch."""
    for day in (D(2023, 5, 1), D(2025, 2, 1), D(2022, 6, 1)):  # out of order too
        kept = film.frame(day)
        fresh = animation.Animation(
            dataset, layers=ALL.split(","), start=D(2022, 1, 1), end=D(2026, 6, 1),
            size=(320, 180),
        ).frame(day)  # fmt: skip
        assert kept == fresh, day


def test_the_closing_card_lists_the_sources_and_the_attribution(film):
    card = film.card()
    texts = " ".join(a.get_text() for a in card.texts)
    assert "2022-01-01 → 2026-06-01" in texts and "© OpenStreetMap contributors" in texts
    assert re.search(r"Sources \((\d+), by id", texts)
    assert int(re.search(r"Sources \((\d+), by id", texts).group(1)) == len(film.sources) > 10
    assert len(film.card_rgb()) == 320 * 180 * 3


def test_frames_stream_as_dates_then_the_card(dataset):
    dates = [D(2024, 1, 1), D(2025, 1, 1)]
    frames = list(animation.animation_frames(
        dataset, dates=dates, fps=2, layers=["treaty"], size=(128, 72), palette_samples=True,
    ))  # fmt: skip
    assert len(frames) == animation.PALETTE_SAMPLES + len(dates) + animation.card_frames(2)
    assert frames[-1] == frames[animation.PALETTE_SAMPLES - 1]  # the card, sampled first


# --- Files: MP4 and GIF through ffmpeg -----------------------------------------------------------


def _probe(path) -> str:
    """What ffmpeg says about a file (``ffmpeg -i``; there is no ffprobe here)."""
    done = subprocess.run(
        [video.find_ffmpeg("mp4"), "-hide_banner", "-i", str(path)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    return done.stderr


def _top_boxes(path) -> list[str]:
    """The MP4's top-level box types, in file order."""
    data, boxes, at = path.read_bytes(), [], 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        boxes.append(kind.decode("latin-1"))
        if size == 1:
            size = struct.unpack(">Q", data[at + 8 : at + 16])[0]
        at += size if size else len(data)
    return boxes


def test_the_bundled_ffmpeg_has_libx264():
    assert "libx264" in video._encoders(video.find_ffmpeg("mp4"))


def test_mp4_is_h264_yuv420p_with_the_right_duration(capsys, tmp_path):
    out = tmp_path / "clip.mp4"
    code, stdout, err = main(
        capsys, "animate", "--from", "2024-01-01", "--to", "2026-01-01", "--step", "year",
        "--out", str(out), "--size", "128x72", "--fps", "2", "--layers", "treaty,borders",
    )  # fmt: skip
    assert code == 0, err
    assert stdout.startswith(f"Wrote {out} (mp4, 3 frames and a 3 s closing card, 128x72 px")
    info = _probe(out)
    assert re.search(r"Video: h264 \(High\).*yuv420p.*128x72", info), info
    frames = 3 + animation.card_frames(2)
    seconds = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info).groups()
    assert float(seconds[2]) + 60 * int(seconds[1]) == pytest.approx(frames / 2, abs=0.05)
    boxes = _top_boxes(out)
    assert boxes[0] == "ftyp" and boxes.index("moov") < boxes.index("mdat")  # +faststart
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]


def test_gif_has_one_frame_per_date_then_the_card(capsys, tmp_path):
    out = tmp_path / "clip.gif"
    code, stdout, err = main(
        capsys, "animate", "--from", "2022-01-01", "--to", "2026-01-01", "--step", "year",
        "--out", str(out), "--size", "160x90", "--fps", "4", "--lang", "pl", "--progress",
    )  # fmt: skip
    assert code == 0, err
    total = 5 + animation.card_frames(4)
    assert stdout.splitlines()[:2] == [f"1/{total}", f"2/{total}"]
    assert stdout.splitlines()[-1].startswith(f"Zapisano {out} (gif, klatki z datami: 5")
    with Image.open(out) as image:
        assert image.size == (160, 90) and image.n_frames == total
        assert image.info["duration"] == 250 and image.info["loop"] == 0
        image.seek(0)
        first = np.asarray(image.convert("RGB")).astype(int)
        image.seek(4)
        last = np.asarray(image.convert("RGB")).astype(int)
    assert (np.abs(first - last).sum(axis=2) > 30).mean() > 0.02  # the map changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.gif"]


def test_a_failing_encode_leaves_nothing_behind(tmp_path):
    def frames():
        yield bytes(64 * 64 * 3)
        raise RuntimeError("drawing failed")

    with pytest.raises(RuntimeError, match="drawing failed"):
        video.write_video(frames(), tmp_path / "a.mp4", size=(64, 64), fps=2)
    with pytest.raises(video.VideoError, match="frame 2 has 5 bytes"):
        video.write_video([bytes(64 * 64 * 3), b"short"], tmp_path / "b.gif", size=(64, 64))
    assert list(tmp_path.iterdir()) == []


# --- Bad arguments and a missing ffmpeg ---------------------------------------------------------

BASE = ["--from", "2024-01-01", "--to", "2025-01-01"]
BAD = [
    ([*BASE, "--out", "{tmp}/a.avi"], "cannot tell the format from the extension '.avi'"),
    ([*BASE, "--out", "{tmp}/a.mp4", "--size", "641x360"], "even width and height"),
    ([*BASE, "--out", "{tmp}/a.gif", "--size", "7680x4320"], "larger than 3840x2160"),
    ([*BASE, "--out", "{tmp}/a.gif", "--size", "40x40"], "too small"),
    ([*BASE, "--out", "{tmp}/a.gif", "--size", "huge"], "invalid frame size"),
    ([*BASE, "--out", "{tmp}/a.gif", "--fps", "0"], "invalid fps '0'"),
    ([*BASE, "--out", "{tmp}/a.gif", "--fps", "61"], "invalid fps"),
    ([*BASE, "--out", "{tmp}/a.gif", "--step", "day"], "argument --step: invalid choice"),
    ([*BASE, "--out", "{tmp}/a.gif", "--layers", "roads"], "unknown layer(s) roads"),
    ([*BASE, "--out", "{tmp}/a.gif", "--bbox", "30,50,20,60"], "west (30) must be less than"),
    ([*BASE, "--out", "{tmp}/a.gif", "--bbox=-80,10,-60,20"], "entirely outside the map's"),
    ([*BASE, "--out", "{tmp}/a.gif", "--lang", "de"], "argument --lang: invalid choice"),
    ([*BASE, "--out", "{tmp}/missing/a.gif"], "output folder does not exist"),
    (["--from", "2024-02-30", "--to", "2025-01-01", "--out", "{tmp}/a.gif"], "invalid date"),
    (["--from", "1990-01-01", "--to", "2025-01-01", "--out", "{tmp}/a.gif"],
     "--from: date 1990-01-01 is outside 1997-01-01..2028-12-31"),
    (["--from", "2024-01-01", "--to", "2030-01-01", "--out", "{tmp}/a.gif"],
     "--to: date 2030-01-01 is outside"),
    (["--from", "2025-01-01", "--to", "2024-01-01", "--out", "{tmp}/a.gif"],
     "the end 2024-01-01 must be after the start 2025-01-01"),
    (["--from", "2025-01-01", "--to", "2025-01-01", "--out", "{tmp}/a.gif"],
     "the end 2025-01-01 must be after the start"),
    (["--from", "1997-01-01", "--to", "2028-12-31", "--step", "week", "--out", "{tmp}/a.gif"],
     "1671 frames from 1997-01-01 to 2028-12-31 by week is more than 1000"),
    (["--from", "2000-01-01", "--to", "2025-01-01", "--step", "month", "--out", "{tmp}/a.mp4",
      "--size", "3840x2160"], "too much work"),
    (["--to", "2025-01-01", "--out", "{tmp}/a.gif"], "the following arguments are required"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_arguments_print_one_line_and_exit_2(capsys, tmp_path, args, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = main(capsys, "animate", *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("python -m explorer animate: error: ")
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_missing_ffmpeg_says_how_to_install_it_and_exits_2(tmp_path):
    """No wheel binary (the variable points nowhere) and no ffmpeg on the PATH."""
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "IMAGEIO_FFMPEG_EXE": str(tmp_path / "no-ffmpeg"), "PATH": str(empty)}
    done = subprocess.run(
        [sys.executable, "-m", "explorer", "animate", *BASE, "--out", str(tmp_path / "a.mp4")],
        cwd=config.ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert "pip install imageio-ffmpeg" in done.stderr and "apt-get install ffmpeg" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


def test_an_ffmpeg_without_the_encoder_is_not_used(monkeypatch, tmp_path):
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\necho ' V....D gif   GIF'\n")
    fake.chmod(0o755)
    monkeypatch.setattr(video, "_candidates", lambda: [str(fake)])
    assert video.find_ffmpeg("gif") == str(fake)
    with pytest.raises(video.FfmpegNotFound, match="pip install imageio-ffmpeg"):
        video.find_ffmpeg("mp4")
