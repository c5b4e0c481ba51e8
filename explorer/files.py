"""Write files atomically: a temporary file in the same folder, then one rename."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "write_atomic"]


def write_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one.

    The bytes go to a uniquely named hidden temporary file in the same folder (same file system,
    so the final :func:`os.replace` is atomic), are flushed to disk, then renamed over ``path``.
    If anything fails, the temporary file is removed and ``path`` is left as it was; two writers
    of the same path never share a temporary file, and the last rename wins with a complete file.

    Parameters
    ----------
    path : path
        Target file; its folder must exist.
    data : bytes
        The whole content.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    FileNotFoundError
        If the folder does not exist.
    OSError
        If writing or renaming fails (nothing is left behind).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = write_atomic(Path(folder) / "a.txt", b"hello")
    ...     target.read_bytes(), sorted(p.name for p in Path(folder).iterdir())
    (b'hello', ['a.txt'])
    >>> write_atomic("/nonexistent/folder/a.txt", b"x")
    Traceback (most recent call last):
    ...
    FileNotFoundError: output folder does not exist: /nonexistent/folder
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"expected bytes, got {type(data).__name__}")
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"output folder does not exist: {folder}")
    temp = _temp_beside(target)
    # O_EXCL: never reuse or follow an existing name; 0o666 so the umask sets the final mode,
    # as for any other new file (tempfile.mkstemp would leave 0600).
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    return target


def _temp_beside(target: Path) -> Path:
    """Return a hidden, unique temporary name beside ``target`` (same folder: atomic rename)."""
    return target.parent / f".{target.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp"


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Give a temporary path beside ``path`` to write (by another program); then rename it.

    For files written by something that needs a path rather than bytes (ffmpeg): the writer
    fills the temporary file; when the block ends without an exception it is renamed over
    ``path`` in one step (:func:`os.replace`). If the block raises, or the writer made no file,
    the temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : path
        Target file; its folder must exist.

    Yields
    ------
    pathlib.Path
        The temporary file's path (not created: the writer creates it).

    Raises
    ------
    FileNotFoundError
        If the folder does not exist, or the block ended without writing the file.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with atomic_path(Path(folder) / "a.txt") as temp:
    ...         _ = temp.write_bytes(b"hi")
    ...     try:
    ...         with atomic_path(Path(folder) / "b.txt") as temp:
    ...             _ = temp.write_bytes(b"half")
    ...             raise RuntimeError("writer failed")
    ...     except RuntimeError:
    ...         pass
    ...     sorted(p.name for p in Path(folder).iterdir())
    ['a.txt']
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(f"output folder does not exist: {target.parent}")
    temp = _temp_beside(target)
    try:
        yield temp
        if not temp.is_file():
            raise FileNotFoundError(f"nothing was written to {target}")
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
