"""Bytes that should be text: binary formats recognised, then UTF-8 decoded.

The text formats (:mod:`.geojson`, :mod:`.csv_points`) start from :func:`decode_text`, which
refuses binary data under a text name and bytes that are not UTF-8 with a message naming what
was found; :mod:`.gdal` names what a file is with :func:`binary_kind` when it is not what its
extension says.
"""

from __future__ import annotations

from typing import Final

from explorer.overlay.model import FORMAT_NAMES, OverlayError

__all__ = ["binary_kind", "decode_text"]

#: Leading bytes of binary formats someone might upload under a text name.
_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"PK\x03\x04", "a zip archive"),
    (b"SQLite format 3\x00", "an SQLite database or GeoPackage"),
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)


def binary_kind(data: bytes) -> str | None:
    """Name the binary format ``data`` is in, or None if it may be text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if b"\x00" in data[:4096]:
        return "binary data"
    return None


def decode_text(data: bytes, fmt: str) -> str:
    r"""Return a text format's bytes as text (UTF-8, with or without a byte order mark).

    Parameters
    ----------
    data : bytes
        The file's content.
    fmt : {"geojson", "csv"}
        The format expected (named in the message).

    Returns
    -------
    str

    Raises
    ------
    OverlayError
        For binary data (a zip archive, a GeoPackage, an image, ...) or bytes that are not UTF-8
        (the message names the byte and its line).

    Examples
    --------
    >>> decode_text("\ufeff{}".encode(), "geojson")
    '{}'
    >>> decode_text(b"%PDF-1.7", "csv")
    Traceback (most recent call last):
    ...
    explorer.overlay.model.OverlayError: This is a PDF document, not CSV text.
    """
    kind = binary_kind(data)
    if kind is not None:
        raise OverlayError("overlay.error.binary", kind=kind, expected=FORMAT_NAMES[fmt])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise OverlayError(
            "overlay.error.encoding", byte=f"0x{data[exc.start]:02X}", line=line
        ) from None
