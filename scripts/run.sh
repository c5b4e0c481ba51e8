#!/usr/bin/env bash
# Set up (virtualenv + the app's pinned requirements.txt, no test tooling) and start the app on
# http://localhost:${PORT:-8501} (bundled data, offline). PORT=8600 bash scripts/run.sh serves on
# another port.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
PORT="${PORT:-8501}"
echo "Starting the Border Fortification Explorer on http://localhost:${PORT} (Ctrl+C to stop)"
exec .venv/bin/python -m explorer app --port "${PORT}"
