"""Video files from frames: MP4 (H.264) and GIF, made by ffmpeg from frames streamed to it.

Frames are raw RGB pixels written one at a time to ffmpeg's standard input
(``-f rawvideo -pix_fmt rgb24``), so memory stays flat however many frames there are (Pillow's
GIF writer, by contrast, keeps every frame). The MP4 is H.264 in yuv420p with its index at the
front (``+faststart``): it plays in browsers and in PowerPoint.

The GIF's palette is made by ffmpeg in the same filter graph (``split``, ``palettegen``,
``paletteuse``). ffmpeg's usual one-pass recipe makes the palette from every frame, so it holds
every frame in memory until the last has come (measured: 0.8 GB for 120 frames of 720p). Here
the writer sends a few *sample* frames first (``palette_frames``): ffmpeg makes one palette from
them (``trim=end_frame=N,palettegen``) and drops them from the film (``trim=start_frame=N``), so
it holds at most those few. One palette for the whole film also lets the GIF store only what
changed from frame to frame (about a tenth of the size of a palette per frame). Without samples,
each frame gets its own palette (``stats_mode=single``, ``new=1``): memory is flat too.

ffmpeg comes from the ``imageio-ffmpeg`` wheel (a static build with libx264) or, failing that,
from the ``PATH`` (Debian's ``ffmpeg`` package). Files are written atomically. No matplotlib:
frames are bytes from whoever draws them (:mod:`explorer.printmap.animation`).
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Final

from explorer import files

__all__ = [
    "DEFAULT_FPS",
    "DEFAULT_SIZE",
    "FORMATS",
    "FPS_RANGE",
    "INSTALL_HINT",
    "MAX_FRAMES",
    "MAX_PIXELS",
    "MAX_SIZE",
    "MIN_SIDE",
    "FfmpegNotFound",
    "VideoError",
    "check_size",
    "check_work",
    "ffmpeg_command",
    "find_ffmpeg",
    "format_for",
    "parse_size",
    "write_video",
]

#: Video formats, by file extension.
FORMATS: Final[tuple[str, ...]] = ("gif", "mp4")
#: Frame size when none is given: 720p, a slide's width.
DEFAULT_SIZE: Final[tuple[int, int]] = (1280, 720)
#: Largest frame: 4K UHD. One raw 4K frame is 25 MB; larger frames take seconds each to draw.
MAX_SIZE: Final[tuple[int, int]] = (3840, 2160)
#: Smallest side in pixels: below it no text can be read.
MIN_SIDE: Final[int] = 64
#: Most frames one video may have (dated frames: weekly over 19 years). At 0.1-0.5 s of drawing
#: each, 1,000 frames is minutes of work; more would tie up a core for too long.
MAX_FRAMES: Final[int] = 1000
#: Most pixels one video may have, all frames together: 1,000 frames at 1920 × 1080 (each
#: pixel is drawn, copied and encoded; a 4K clip of that length would take an hour).
MAX_PIXELS: Final[int] = 1000 * 1920 * 1080
#: Frames per second when none is given: four dates a second can still be read.
DEFAULT_FPS: Final[int] = 4
#: Accepted frames per second (inclusive).
FPS_RANGE: Final[tuple[int, int]] = (1, 60)
#: The one line printed when no usable ffmpeg is found.
INSTALL_HINT: Final[str] = (
    "ffmpeg with the libx264 encoder is needed for GIF and MP4: pip install imageio-ffmpeg "
    "(it ships one), or install Debian's package: apt-get install ffmpeg"
)
#: The encoder each format needs.
_ENCODER: Final[dict[str, str]] = {"mp4": "libx264", "gif": "gif"}
#: Longest ffmpeg may take to finish once the last frame is in (seconds).
_FINISH_TIMEOUT_S: Final[float] = 120.0


class VideoError(RuntimeError):
    """ffmpeg could not write the video (its own last line of explanation)."""


class FfmpegNotFound(VideoError):
    """No ffmpeg with the needed encoder was found (the message is :data:`INSTALL_HINT`)."""


def format_for(path: Path | str) -> str:
    """Return the video format of a file name: ``gif`` or ``mp4``.

    Examples
    --------
    >>> format_for("timeline.GIF"), format_for("clip.mp4")
    ('gif', 'mp4')
    >>> format_for("clip.avi")
    Traceback (most recent call last):
    ...
    ValueError: cannot tell the format from the extension '.avi': use .gif or .mp4
    """
    suffix = Path(path).suffix.lower()
    if suffix.lstrip(".") not in FORMATS:
        raise ValueError(f"cannot tell the format from the extension {suffix!r}: use .gif or .mp4")
    return suffix.lstrip(".")


def parse_size(text: str) -> tuple[int, int]:
    """Parse a frame size ``WIDTHxHEIGHT`` in pixels, within :data:`MIN_SIDE` .. :data:`MAX_SIZE`.

    Examples
    --------
    >>> parse_size("1280x720"), parse_size("640×360")
    ((1280, 720), (640, 360))
    >>> parse_size("7680x4320")
    Traceback (most recent call last):
    ...
    ValueError: frame size 7680x4320 is larger than 3840x2160
    >>> parse_size("big")
    Traceback (most recent call last):
    ...
    ValueError: invalid frame size 'big': expected WIDTHxHEIGHT in pixels, e.g. 1280x720
    """
    parts = text.strip().lower().replace("×", "x").split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(
            f"invalid frame size {text!r}: expected WIDTHxHEIGHT in pixels, e.g. 1280x720"
        )
    width, height = int(parts[0]), int(parts[1])
    if width > MAX_SIZE[0] or height > MAX_SIZE[1]:
        raise ValueError(f"frame size {width}x{height} is larger than {MAX_SIZE[0]}x{MAX_SIZE[1]}")
    if min(width, height) < MIN_SIDE:
        raise ValueError(f"frame size {width}x{height} is too small: at least {MIN_SIDE} px a side")
    return width, height


def check_size(size: tuple[int, int], fmt: str) -> None:
    """Refuse a size the format cannot take: H.264 in yuv420p needs even sides.

    Examples
    --------
    >>> check_size((641, 360), "gif")
    >>> check_size((641, 360), "mp4")
    Traceback (most recent call last):
    ...
    ValueError: an MP4 needs an even width and height, got 641x360
    """
    if fmt == "mp4" and (size[0] % 2 or size[1] % 2):
        raise ValueError(f"an MP4 needs an even width and height, got {size[0]}x{size[1]}")


def check_work(frames: int, size: tuple[int, int]) -> None:
    """Refuse a video whose frames hold more than :data:`MAX_PIXELS` pixels in all.

    Examples
    --------
    >>> check_work(1000, (1920, 1080))
    >>> check_work(1000, (3840, 2160))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 1000 frames of 3840x2160 is too much work: ... (e.g. 250 frames of this size)
    """
    width, height = size
    if frames * width * height > MAX_PIXELS:
        most = MAX_PIXELS // (width * height)
        raise ValueError(
            f"{frames} frames of {width}x{height} is too much work: at most {MAX_PIXELS:,} "
            f"pixels in all (e.g. {most} frames of this size)"
        )


@functools.cache
def _encoders(exe: str) -> frozenset[str]:
    """Return the encoders an ffmpeg binary has (``ffmpeg -encoders``); empty if it does not run."""
    try:
        done = subprocess.run(
            [exe, "-hide_banner", "-encoders"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    names = set()
    for line in done.stdout.splitlines():
        fields = line.split()
        # "V....D libx264  libx264 H.264 / AVC ..." (capability flags, then the name)
        if len(fields) >= 2 and len(fields[0]) == 6 and fields[0][0] in "VAS":
            names.add(fields[1])
    return frozenset(names)


def _candidates() -> list[str]:
    """Return the ffmpeg binaries to try: the imageio-ffmpeg wheel's, then the one on the PATH."""
    found = []
    try:
        import imageio_ffmpeg  # local: only the video commands need it

        found.append(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):  # not installed, or its binary is missing
        pass
    on_path = shutil.which("ffmpeg")
    if on_path:
        found.append(on_path)
    return list(dict.fromkeys(found))


def find_ffmpeg(fmt: str = "mp4") -> str:
    """Return an ffmpeg binary that can write ``fmt`` (it has the format's encoder).

    Parameters
    ----------
    fmt : {"mp4", "gif"}, default "mp4"
        MP4 needs ``libx264``, GIF ffmpeg's own ``gif`` encoder.

    Returns
    -------
    str
        Path of the binary.

    Raises
    ------
    FfmpegNotFound
        With :data:`INSTALL_HINT`, when neither the wheel's binary nor one on the PATH runs and
        has the encoder.
    """
    encoder = _ENCODER[fmt]
    for exe in _candidates():
        if encoder in _encoders(exe):
            return exe
    raise FfmpegNotFound(INSTALL_HINT)


def ffmpeg_command(
    exe: str,
    out: Path | str,
    *,
    size: tuple[int, int],
    fps: int,
    fmt: str,
    palette_frames: int = 0,
) -> list[str]:
    """Return the ffmpeg command that reads raw RGB frames on stdin and writes ``out``.

    For a GIF, the first ``palette_frames`` frames make the palette and are not shown (the
    MP4's command takes no samples: :func:`write_video` does not send them).

    Examples
    --------
    >>> cmd = ffmpeg_command("ffmpeg", "clip.mp4", size=(320, 180), fps=4, fmt="mp4")
    >>> " ".join(cmd[cmd.index("-f"):cmd.index("-i") + 2])
    '-f rawvideo -pix_fmt rgb24 -s 320x180 -r 4 -i -'
    >>> cmd[cmd.index("-c:v") + 1], cmd[cmd.index("-movflags") + 1], cmd[-1]
    ('libx264', '+faststart', 'clip.mp4')
    """
    width, height = size
    cmd = [
        exe, "-hide_banner", "-loglevel", "error", "-nostats",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps),
        "-i", "-", "-an",
    ]  # fmt: skip
    if fmt == "mp4":
        cmd += [
            "-c:v", "libx264", "-preset", "medium", "-tune", "animation", "-crf", "20",
            "-pix_fmt", "yuv420p", "-g", str(max(1, 2 * fps)), "-movflags", "+faststart",
            "-f", "mp4",
        ]  # fmt: skip
    elif fmt == "gif" and palette_frames > 0:
        n = palette_frames
        graph = (
            f"split[a][b];[a]trim=end_frame={n},palettegen[p];"
            f"[b]trim=start_frame={n},setpts=PTS-STARTPTS[v];"
            "[v][p]paletteuse=dither=sierra2_4a:diff_mode=rectangle"
        )
        cmd += ["-filter_complex", graph, "-loop", "0", "-f", "gif"]
    elif fmt == "gif":
        graph = (
            "split[a][b];[a]palettegen=stats_mode=single[p];"
            "[b][p]paletteuse=new=1:dither=sierra2_4a"
        )
        cmd += ["-filter_complex", graph, "-loop", "0", "-f", "gif"]
    else:
        raise ValueError(f"unknown video format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return [*cmd, "-y", str(out)]


def _last_line(err: IO[bytes]) -> str:
    """Return ffmpeg's last line of complaint from its stderr file."""
    err.seek(0)
    lines = err.read().decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "no message"


def write_video(
    frames: Iterable[bytes],
    path: Path | str,
    *,
    size: tuple[int, int],
    fps: int = DEFAULT_FPS,
    fmt: str | None = None,
    ffmpeg: str | None = None,
    on_frame: Callable[[int], None] | None = None,
    palette_frames: int = 0,
) -> Path:
    """Encode frames into a GIF or MP4 at ``path``, streaming them into ffmpeg, atomically.

    Parameters
    ----------
    frames : iterable of bytes
        Each frame's pixels, row by row, 3 bytes (R, G, B) a pixel: ``width * height * 3`` bytes.
        Consumed one at a time (a generator keeps memory flat).
    path : path
        The file to write; its folder must exist. Written under a temporary name in the same
        folder, renamed when complete; nothing is left behind on failure.
    size : (width, height)
        Pixels (:func:`parse_size`, :func:`check_size`).
    fps : int, default :data:`DEFAULT_FPS`
        Frames per second.
    fmt : {"gif", "mp4"}, optional
        Default: from the file's extension.
    ffmpeg : str, optional
        The binary; default :func:`find_ffmpeg`.
    on_frame : callable, optional
        Called with the number of frames of the film sent so far, after each one (progress).
    palette_frames : int, default 0
        How many of the first frames are samples for the GIF's palette, not part of the film
        (an MP4 skips them). 0: a GIF gets a palette per frame.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    FfmpegNotFound
        When no usable ffmpeg is found.
    VideoError
        When a frame has the wrong size, or ffmpeg fails (with its message).
    ValueError
        For an unknown format or a bad size.
    """
    target = Path(path)
    fmt = fmt or format_for(target)
    check_size(size, fmt)
    exe = ffmpeg or find_ffmpeg(fmt)
    expected = size[0] * size[1] * 3
    with files.atomic_path(target) as temp, tempfile.TemporaryFile() as err:
        samples = palette_frames if fmt == "gif" else 0
        cmd = ffmpeg_command(exe, temp, size=size, fps=fps, fmt=fmt, palette_frames=samples)
        # stderr to a file, not a pipe: a pipe nobody reads would fill and stall ffmpeg.
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
        assert proc.stdin is not None
        try:
            for n, frame in enumerate(frames, start=1 - palette_frames):
                if len(frame) != expected:
                    raise VideoError(
                        f"frame {n} has {len(frame)} bytes; a {size[0]}x{size[1]} RGB frame "
                        f"has {expected}"
                    )
                if n < 1 and not samples:
                    continue  # a sample for a palette this format does not make
                proc.stdin.write(frame)
                if on_frame is not None and n >= 1:
                    on_frame(n)
            proc.stdin.close()
            code = proc.wait(timeout=_FINISH_TIMEOUT_S)
        except BrokenPipeError:
            proc.wait(timeout=_FINISH_TIMEOUT_S)
            raise VideoError(f"ffmpeg stopped: {_last_line(err)}") from None
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        if code != 0:
            raise VideoError(f"ffmpeg failed ({code}): {_last_line(err)}")
    return target
