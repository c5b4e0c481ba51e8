"""A process ``serve`` starts: its command, its process, and when to start it again if it dies.

On Linux each child asks the kernel to send it SIGTERM when the supervisor dies, even by SIGKILL
(``prctl(PR_SET_PDEATHSIG)``), so no worker or proxy outlives ``serve``. A child that dies young
again and again is restarted after a growing delay (a broken data folder, a full disk).
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

__all__ = ["RESTART_DELAY_MAX_S", "RESTART_DELAY_S", "STABLE_AFTER_S", "Child", "die_with_parent"]

#: Delay before restarting a worker that died; doubled while it keeps dying young, up to the max.
RESTART_DELAY_S: Final[float] = 0.5
RESTART_DELAY_MAX_S: Final[float] = 30.0
#: A worker that ran this long before dying is restarted after the first delay again.
STABLE_AFTER_S: Final[float] = 60.0
_PR_SET_PDEATHSIG: Final[int] = 1


def _prctl() -> Callable[..., int] | None:
    """Return libc's ``prctl``, looked up in the parent (the child only calls it: no locks)."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl() if sys.platform == "linux" else None


def die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Ask Linux to SIGTERM this child if the supervisor dies (even by SIGKILL)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    """A process the supervisor started, and when to start it again if it dies."""

    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    delay_s: float = RESTART_DELAY_S
    restart_at: float | None = None
    restarts: int = 0
    extra: dict[str, str] = field(default_factory=dict)
