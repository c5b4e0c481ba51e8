"""The commands that write a file: ``export`` (a map, or the data in view) and ``handout``.

Both check what they can before the seconds of drawing (the format, the overlay, the view, a
writable folder) and report it as a usage error; matplotlib and folium are imported only here,
when the command runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from explorer import view
from explorer.commands import EXIT_INVALID, EXIT_OK, EXIT_USAGE, load_or_exit
from explorer.i18n import number, t
from explorer.layers import DEFAULT_LAYERS
from explorer.paper import (
    DEFAULT_MARGIN_MM,
    HANDOUT_ORIENTATION,
    ORIENTATIONS,
    PAPERS,
    Paper,
    PaperError,
)

__all__ = ["check_box", "check_writable", "paper_of", "run_export", "run_handout"]


def _size(n_bytes: int, lang: str = "en") -> str:
    """Format a file size, with a decimal comma in Polish.

    Examples
    --------
    >>> _size(1_234_567), _size(1_234_567, "pl"), _size(240_000, "pl")
    ('1.2 MB', '1,2 MB', '240 kB')
    """
    if n_bytes >= 1e6:
        return f"{number(n_bytes / 1e6, 1, lang)} MB"
    return f"{n_bytes / 1e3:.0f} kB"


def paper_of(args: argparse.Namespace, orientation: str = ORIENTATIONS[0]) -> Paper | None:
    """Return the :class:`~explorer.paper.Paper` the arguments ask for (None: no ``--paper``).

    Raises
    ------
    explorer.paper.PaperError
        For ``--orientation`` or ``--margin`` without ``--paper``.
    """
    if args.paper is None:
        if args.orientation is not None or args.margin is not None:
            raise PaperError("--orientation and --margin need --paper")
        return None
    return Paper(
        args.paper,
        args.orientation or orientation,
        DEFAULT_MARGIN_MM if args.margin is None else args.margin,
    )


def check_box(prog: str, bbox: view.Bbox | None, lang: str) -> bool:
    """Refuse a box outside the map's data (one line, False); warn about one partly outside.

    Shared by the commands that draw a view (``export``, ``animate``).
    """
    from explorer import export  # local: matplotlib and folium only when a command draws

    try:
        warning = export.check_data_coverage(view.validate_bbox(bbox or view.DEFAULT_BBOX), lang)
    except export.OutsideDataError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return False
    if warning:
        print(f"{prog}: warning: {warning}", file=sys.stderr)
    return True


def check_writable(prog: str, path: Path) -> bool:
    """Refuse (one line, False) a folder that takes no new file, before seconds of drawing."""
    try:
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"{prog}: error: cannot write {path}: {reason}", file=sys.stderr)
        return False
    return True


def run_export(args: argparse.Namespace) -> int:
    """Write one view of the map, or the data in view, to ``args.out``."""
    from explorer import export  # local: matplotlib and folium only for this command

    prog = "python -m explorer export"
    try:
        fmt = export.format_for(args.out, args.format)
        sheet = paper_of(args)
        if sheet is not None and fmt not in ("png", "svg", "pdf"):
            raise export.ExportError(f"--paper is for maps (png, svg, pdf), not {fmt}")
        if args.atlas is not None and fmt != "pdf":
            raise export.ExportError("--atlas writes a PDF: give a .pdf file name")
        if args.atlas is not None and getattr(args, "compare", None) is not None:
            raise export.ExportError("--atlas shows one date: leave out --compare")
    except (export.ExportError, PaperError) as exc:
        print(f"{prog}: error: {exc} (see --help)", file=sys.stderr)
        return EXIT_USAGE
    overlay = None
    if args.overlay is not None:
        from explorer.overlay import OverlayError, read_overlay_file

        try:
            overlay = read_overlay_file(
                args.overlay,
                max_bytes=args.overlay_max_bytes,
                max_features=args.overlay_max_features,
            )
        except OverlayError as exc:
            shown = "".join(c if c.isprintable() else "?" for c in str(args.overlay))
            print(f"{prog}: error: overlay {shown}: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if not check_box(prog, args.bbox, args.lang):
        return EXIT_USAGE
    date = args.date or view.default_date()
    compare = getattr(args, "compare", None)
    if compare is not None:
        try:
            export.check_compare(compare, date, fmt)
        except export.ExportError as exc:
            print(f"{prog}: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    ds = load_or_exit(args.data)
    layers = args.layers if args.layers is not None else DEFAULT_LAYERS
    if args.atlas is not None:
        from explorer.printmap import atlas  # local: matplotlib only for this command

        path = atlas.write_atlas(
            ds, args.out, paper=sheet or Paper(PAPERS[0]), date=date, layers=layers,
            lang=args.lang, base_url=args.base_url,
        )  # fmt: skip
        print(t("cli.wrote", args.lang, path=path, fmt="pdf",
                size=_size(path.stat().st_size, args.lang)))  # fmt: skip
        return EXIT_OK
    path = export.export(
        ds,
        out_path=args.out,
        fmt=fmt,
        layers=layers,
        date=date,
        bbox=args.bbox,
        title=args.title,
        lang=args.lang,
        dpi=args.dpi,
        overlay=overlay,
        base_url=args.base_url,
        compare=compare,
        paper=sheet,
    )
    print(t("cli.wrote", args.lang, path=path, fmt=fmt, size=_size(path.stat().st_size, args.lang)))
    if compare is not None and fmt in export.DATA_FORMATS:
        for extra in export.changes_paths(path):
            size = _size(extra.stat().st_size, args.lang)
            print(t("cli.wrote", args.lang, path=extra, fmt=extra.suffix[1:], size=size))
    return EXIT_OK


def run_handout(args: argparse.Namespace) -> int:
    """Write the presenter's handout (one PDF page per story chapter) to ``args.out``."""
    from explorer import story
    from explorer.printmap import handout  # local: matplotlib only for this command

    prog = "python -m explorer handout"
    if args.out.suffix.lower() != ".pdf":
        print(f"{prog}: error: the handout is a PDF: give a .pdf file name (see --help)",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    if not check_writable(prog, args.out):  # before the seconds of drawing
        return EXIT_USAGE
    ds = load_or_exit(args.data)
    try:
        chapters = story.load_chapters(args.data)
    except story.DataError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    try:
        sheet = paper_of(args, HANDOUT_ORIENTATION)
    except PaperError as exc:
        print(f"{prog}: error: {exc} (see --help)", file=sys.stderr)
        return EXIT_USAGE
    try:
        path = handout.write_handout(
            ds, chapters, args.out, lang=args.lang, base_url=args.base_url, paper=sheet
        )
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"{prog}: error: cannot write {args.out}: {reason}", file=sys.stderr)
        return EXIT_USAGE
    from pypdf import PdfReader  # local: only to count the pages written

    pages = len(PdfReader(path).pages)
    what = (
        f"{len(chapters)} pages"
        if pages == len(chapters)
        else (f"{pages} pages: {len(chapters)} chapters and {pages - len(chapters)} of sources")
    )
    where = f", {sheet.describe()}" if sheet is not None else ""
    print(f"Wrote {path} ({what}{where}, {args.lang}, {_size(path.stat().st_size)})")
    return EXIT_OK
