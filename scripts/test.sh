#!/usr/bin/env bash
# The test command: sets up this machine (idempotent), then builds everything and runs every test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
cd "$root"
exec mvn -B -ntp verify "$@"
