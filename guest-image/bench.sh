#!/usr/bin/env bash
# Live migration of the test guest between two network namespaces joined by a veth, raw and
# shaped with tbf to 1 Gbit/s, 128 and 512 MiB of guest RAM (half of it filled with random
# bytes): QEMU's total migration time and downtime, next to iperf3 sending the same bytes on the
# same link in the same run. Needs root, QEMU and iperf3 (bash scripts/setup.sh).
#   guest-image/bench.sh [RUNS]     (migrations per case, median reported; default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), $(qemu-system-x86_64 --version | head -1) (TCG)"
exec scripts/java-main.sh guest-image dev.ssi.guest.GuestMigrationBench "$@"
