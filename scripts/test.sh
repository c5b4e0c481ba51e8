#!/usr/bin/env bash
# Set up (virtualenv + pinned requirements) and run the whole test suite, browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || {
    echo "ERROR: could not create a virtualenv. On Debian/Ubuntu: sudo apt-get install -y python3-venv" >&2
    exit 1
  }
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: Chromium is missing under CI; browser tests would fail. Install: apt-get install -y chromium" >&2
  else
    echo "NOTE: Chromium not found: browser tests will be SKIPPED. Install it with: sudo apt-get install -y chromium" >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
