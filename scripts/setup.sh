#!/usr/bin/env bash
# Create .venv (if missing) and install the pinned requirements. Sourced by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || {
    echo "ERROR: could not create a virtualenv. On Debian/Ubuntu: sudo apt-get install -y python3-venv" >&2
    exit 1
  }
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
