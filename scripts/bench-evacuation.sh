#!/usr/bin/env bash
# Issue 6's benchmark, as root: how fast a reclaimed host is empty. On a local pool of the workstation
# and three hosts (balancing off), 1, 4 and 8 jobs of 256 MiB are moved to h1, h1 is drained, and the
# time to its last guest gone is shown next to plain criu dump + restore of as many jobs on tmpfs, on
# the raw veth and on links shaped to 1 Gbit/s; every job's memory is checked when it ends. A Markdown
# table, also kept in bench-out/bench-evacuation-DATE.md. About 5 minutes on 2 cores.
#   scripts/bench-evacuation.sh [REPETITIONS] | [--repetitions N] [--mib M] [--raw-only] [JOBS...]
# The benchmark takes its pool down on any failure or Ctrl-C; should its JVM be killed outright,
# this script takes the pool down after it.
set -euo pipefail
here=$(dirname "$0")
root=$(cd "$here/.." && pwd)
if [[ $# -eq 1 && $1 =~ ^[0-9]+$ ]]; then
  set -- --repetitions "$1"
fi
bash "$here/setup.sh"
mkdir -p "$root/bench-out"
table=$root/bench-out/bench-evacuation-$(date -u +%Y%m%dT%H%M%SZ).md
pool_dir=$(mktemp -d /dev/shm/ssi-bench-evacuation-pool.XXXXXX)
rmdir "$pool_dir"
leftovers() {
  if [ -e "$pool_dir" ]; then
    bash "$here/ssi-pool.sh" down --pool-dir "$pool_dir" >&2 || true
  fi
}
trap leftovers EXIT
# tee ignores Ctrl-C, so that what the benchmark prints while it takes its pool down still lands.
bash "$here/java-main.sh" src/test dev.ssi.system.EvacuationBenchmark --pool-dir "$pool_dir" "$@" \
  | (trap '' INT; tee "$table")
echo "table kept in $table" >&2
