"""The explorer's vocabulary and constants: paths, CRSs, treaties, languages, dates, limits.

Each of these is defined here once; everything else imports it (``tests/test_architecture.py``
looks for copies).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Final

#: The package's own folder (``explorer/``: ``app.py``, ``static/``, ``web/frontend/``).
PACKAGE_DIR: Final[Path] = Path(__file__).resolve().parent

#: The folder holding the package: the repository in a checkout, ``site-packages`` when installed.
#: Child processes (``python -m explorer ...``) start here, so they import this same copy.
ROOT: Final[Path] = PACKAGE_DIR.parent

#: The Streamlit script ``python -m explorer app`` runs; its ``static/`` folder is served.
APP_SCRIPT: Final[Path] = PACKAGE_DIR / "app.py"

#: Name of the bundled data inside an installed package: the repository's top-level ``geodata/``
#: is mapped to ``explorer/_geodata/`` when the wheel is built (``pyproject.toml``).
INSTALLED_DATA: Final[str] = "_geodata"


def _bundled_data() -> Path:
    """Return the bundled data folder: ``geodata/`` in a checkout, else the installed copy.

    A checkout (or an editable install) is recognised by ``pyproject.toml`` beside the package;
    an installed package has ``explorer/_geodata/`` instead, found with :mod:`importlib.resources`.
    """
    checkout = ROOT / "geodata"
    if (ROOT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    import importlib.resources  # local: only an installed copy needs it

    installed = importlib.resources.files("explorer") / INSTALLED_DATA
    # The package is installed as files (a wheel), so the resource is a real folder.
    return Path(str(installed))


#: Bundled data; every file here is validated by :mod:`explorer.validation`.
GEODATA_DIR: Final[Path] = _bundled_data()

#: Storage and display CRS (RFC 7946 GeoJSON is always WGS84 lon/lat).
DISPLAY_CRS: Final[str] = "EPSG:4326"

#: Metric CRS for buffers and corridors: ETRS89 / LAEA Europe, equal-area, metres.
#: Lengths are never taken here; they are geodesic on WGS84 (see ``geometry``).
METRIC_CRS: Final[str] = "EPSG:3035"

#: Ellipsoid for geodesic measurement with :class:`pyproj.Geod`.
ELLIPSOID: Final[str] = "WGS84"

#: The day the bundled facts were last compiled and checked against their sources (the audit of
#: issue 14, 2026-12-06; first compiled 2026-11-22 from FACTS.md): no newer source was known then.
#: It is not the date of the newest source: each work's status is dated by its own
#: ``status_as_of`` (the publication date of the source stating it), and ``verified`` says when a
#: record's claims were compared with its sources.
DATA_AS_OF: Final[str] = "2026-12-06"

#: Separator for multi-valued cells in CSV files (e.g. ``sources``).
LIST_SEPARATOR: Final[str] = ";"

#: Treaties covered by ``treaty_events.csv`` (the first is the one maps shade by default); their
#: names are translated (keys ``treaty.<id>.short`` / ``treaty.<id>.long``).
TREATIES: Final[tuple[str, ...]] = ("APMBC", "CCM")
DEFAULT_TREATY: Final[str] = TREATIES[0]

#: Earliest and latest day the explorer shows (the time control, links, exports, the story).
DATE_MIN: Final[dt.date] = dt.date(1997, 1, 1)
DATE_MAX: Final[dt.date] = dt.date(2028, 12, 31)

#: Steps of the timeline in motion (Play in the app, ``animate`` on the command line), the first
#: the default: see :func:`explorer.steps.step_dates`.
TIME_STEPS: Final[tuple[str, ...]] = ("month", "week", "quarter", "year")
#: Where Play starts by default: Russia's full-scale invasion of Ukraine (24 February 2022) began
#: the fortifications the map is about; the year it happened.
PLAY_START: Final[dt.date] = dt.date(2022, 1, 1)

#: Languages of the interface and the map's content (translation tables in ``geodata/i18n/``).
LANGUAGES: Final[tuple[str, ...]] = ("en", "pl")

#: Translation tables: every ``*.csv`` here has the columns ``key,en,pl``.
I18N_DIR: Final[Path] = GEODATA_DIR / "i18n"

#: Environment variable pointing the app at another data folder, e.g. a copy of ``geodata/``
#: to try an edit on: ``EXPLORER_GEODATA_DIR=/tmp/mydata python -m explorer app``.
GEODATA_DIR_ENV: Final[str] = "EXPLORER_GEODATA_DIR"


def geodata_dir() -> Path:
    """Return the data folder the app reads: ``$EXPLORER_GEODATA_DIR`` if set, else ``geodata/``.

    Examples
    --------
    >>> geodata_dir() == GEODATA_DIR or GEODATA_DIR_ENV in __import__("os").environ
    True
    """
    import os  # local: only this reads the environment

    value = os.environ.get(GEODATA_DIR_ENV, "").strip()
    return Path(value).expanduser() if value else GEODATA_DIR


# --- Analysts' overlays (explorer.overlay) ---------------------------------------------------
# Defaults fit the benchmark sizes (100,000 points or 20,000 polygons as GeoJSON, ~15 MB) with
# room to spare; each can be overridden per call, with CLI flags, or with an environment variable
# named like the constant with a ``BFE_`` prefix (e.g. ``BFE_OVERLAY_MAX_BYTES=100000000``).


def _env_int(name: str, default: int) -> int:
    """Return the positive integer in ``$BFE_<name>``, or ``default`` when unset or malformed."""
    import os  # local: only the overlay limits read the environment

    value = os.environ.get(f"BFE_{name}", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


#: Largest overlay file accepted, in bytes (the upload widget and ``--overlay``).
OVERLAY_MAX_BYTES: Final[int] = _env_int("OVERLAY_MAX_BYTES", 50_000_000)
#: Most features an overlay may hold (each drawn on the map and in exports).
OVERLAY_MAX_FEATURES: Final[int] = _env_int("OVERLAY_MAX_FEATURES", 200_000)
#: Zipped shapefiles: most members, total uncompressed bytes, and the highest compression ratio of
#: any member (a zip bomb's ratio is in the hundreds or thousands; real shapefiles stay under ~50).
OVERLAY_ZIP_MAX_MEMBERS: Final[int] = _env_int("OVERLAY_ZIP_MAX_MEMBERS", 100)
OVERLAY_ZIP_MAX_UNCOMPRESSED: Final[int] = _env_int("OVERLAY_ZIP_MAX_UNCOMPRESSED", 250_000_000)
OVERLAY_ZIP_MAX_RATIO: Final[int] = _env_int("OVERLAY_ZIP_MAX_RATIO", 200)


# --- Serving (``python -m explorer app``; benchmarks measure this same configuration) ----------

#: Largest WebSocket message, in MB: a session's overlay travels in its map messages.
SERVER_MAX_MESSAGE_MB: Final[int] = 100


#: The page's text colour (Streamlit's theme ``textColor``; ``.streamlit/config.toml`` says the
#: same). Streamlit draws captions in it at 60 % opacity: its default, #2f2d2b, makes them
#: #828180 on white and #7f7e7d on the sidebar, 3.8:1 (issue 18's colour-contrast violation).
TEXT_COLOUR: Final[str] = "#141414"


def upload_max_mb() -> int:
    """Return Streamlit's ``server.maxUploadSize``: the overlay limit in whole MB, at least 1.

    Examples
    --------
    >>> upload_max_mb() >= OVERLAY_MAX_BYTES / 1e6
    True
    """
    import math  # local: only this needs it

    return max(1, math.ceil(OVERLAY_MAX_BYTES / 1e6))


#: What a multipart upload adds to its file (boundaries, part headers): Streamlit lets a body be
#: this much over ``server.maxUploadSize`` and so does the proxy.
UPLOAD_OVERHEAD_BYTES: Final[int] = 1024 * 1024


def max_request_body_bytes() -> int:
    """Return the largest request body ``serve``'s proxy lets through (bigger ones get 413).

    Streamlit counts ``server.maxUploadSize`` in MiB (1,048,576 bytes) and allows 1 MiB of
    multipart framing on top; the proxy allows exactly as much, so every upload a worker would
    take gets through, and nothing bigger reaches a worker's memory.

    Examples
    --------
    >>> max_request_body_bytes() == upload_max_mb() * 1024 * 1024 + UPLOAD_OVERHEAD_BYTES
    True
    """
    return upload_max_mb() * 1024 * 1024 + UPLOAD_OVERHEAD_BYTES


def server_options() -> list[str]:
    """Return the Streamlit options the app is served with, as command-line flags.

    What a deployment needs, passed explicitly so that a copy without ``.streamlit/config.toml``
    behaves the same: no file watcher (it scans modules on page loads: slow first loads for a
    class), uploads capped at the overlay limit, bounded WebSocket messages, static serving on,
    no usage statistics, no developer toolbar, unchanged elements sent as references, no full
    garbage collection after every run.

    Examples
    --------
    >>> "--server.fileWatcherType" in server_options()
    True
    """
    upload_mb = upload_max_mb()
    return [
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.maxUploadSize", str(upload_mb),
        "--server.maxMessageSize", str(max(SERVER_MAX_MESSAGE_MB, 2 * upload_mb)),
        "--server.enableStaticServing", "true",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        # An element that did not change is sent as a reference to the browser's copy, not again
        # (Streamlit's default caches only messages of 10 kB and more): a click then sends only
        # what changed, a few kB (tests/browser/test_map_component.py).
        "--global.minCachedMessageSize", "500",
        # Streamlit runs a full garbage collection after every script run: with the data loaded
        # that was half of the server's time under a class's load (py-spy, benchmarks/README.md).
        # Python's own generational collector still runs; memory stays flat (load_test.py).
        "--runner.postScriptGC", "false",
        # The page writes nothing by bare expressions: no "magic" rewriting of the script's code.
        "--runner.magicEnabled", "false",
        # Captions are the text colour at 60 %: Streamlit's default text gives 3.8:1, under
        # WCAG AA's 4.5:1; this one gives them 4.5:1 or more on the page and the sidebar.
        "--theme.textColor", TEXT_COLOUR,
    ]  # fmt: skip
