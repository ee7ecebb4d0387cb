#!/usr/bin/env bash
# The ssi admin command (builds it and ssid first if need be): nodes, ps, migrate, home, kill, and
#   scripts/ssi.sh pool up N [--cpus-per-host C] [--link RATE] [--pool-dir DIR] | status | down | exec
# The local pool's ssids run this same build. Talk to a pool's workstation with SSI_SOCKET=DIR/ws/ssid.sock.
set -euo pipefail
exec "$(dirname "$0")/java-app.sh" cli dev.ssi.cli.SsiCommand "$@"
