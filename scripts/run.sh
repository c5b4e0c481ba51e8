#!/usr/bin/env bash
# Set up (virtualenv + pinned requirements) and start the app on http://localhost:8501 (bundled data, offline).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || {
    echo "ERROR: could not create a virtualenv. On Debian/Ubuntu: sudo apt-get install -y python3-venv" >&2
    exit 1
  }
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
echo "Starting the Border Fortification Explorer on http://localhost:8501 (Ctrl+C to stop)"
exec .venv/bin/python -m explorer app --port "${PORT:-8501}"
