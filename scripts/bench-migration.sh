#!/usr/bin/env bash
# Issue 4's benchmark, as root: on a local pool of 3 hosts, ssi-run's added wall time for `true` and
# `sleep 1`, then moves of 64 MiB, 256 MiB and 1 GiB jobs between two hosts next to plain criu dump +
# restore on tmpfs, on the raw veth and on links shaped to 1 Gbit/s. Markdown tables of medians.
#   scripts/bench-migration.sh [--runs N] [--cpus-per-host C] [--raw-only] [MIB...]
set -euo pipefail
here=$(dirname "$0")
bash "$here/setup.sh"
exec bash "$here/java-main.sh" src/test dev.ssi.system.MigrationBenchmark "$@"
