#!/usr/bin/env bash
# The local pool ("pool in a box"), as root: builds it and ssid if need be, then
#   scripts/ssi-pool.sh up N [--cpus-per-host C] [--link RATE] [--pool-dir DIR]
#   scripts/ssi-pool.sh status [--json] | down [--id ID] | exec HOST -- CMD...
set -euo pipefail
exec "$(dirname "$0")/java-app.sh" pool dev.ssi.pool.PoolCommand "$@"
