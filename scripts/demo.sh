#!/usr/bin/env bash
# The quick-start demo, as root (a fresh Debian 12 machine is fine): sets up and builds, brings up
# a local pool of three hosts and this workstation, each with its own ssid, runs a CPU-heavy job
# through ssi-run (ssid may place it on a host by itself), moves it to two other hosts and home while
# it runs (ssi ps after each move),
# and checks that its output equals an uninterrupted run's. The pool is taken down however it ends.
# Exits 0 only if the output matched.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
limit=5000000
job=(python3 scripts/demo-primes.py "$limit")

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ssi() { scripts/ssi.sh "$@"; }

step "setting up this machine (idempotent)"
bash scripts/setup.sh

step "building ssi (the first build downloads its dependencies)"
ssi --help >/dev/null

work=$(mktemp -d /tmp/ssi-demo.XXXXXX)
pool_dir=$work/pool
pids=()
finish() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  step "taking the pool down"
  ssi pool down --pool-dir "$pool_dir" || status=1
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT

step "bringing up a local pool: 3 hosts of 1 core each, and the workstation"
ssi pool up 3 --pool-dir "$pool_dir"
export SSI_SOCKET=$pool_dir/ws/ssid.sock
ssi nodes

step "an uninterrupted run of the same job, for reference (in the background)"
"${job[@]}" >"$work/reference.out" &
pids+=($!)
reference=$!

step "ssi-run ${job[*]}"
: >"$work/job.out"
( set -o pipefail; native/target/bin/ssi-run "${job[@]}" | tee "$work/job.out" | sed -u 's/^/    job | /' ) &
pids+=($!)
ssi_run=$!

# Each move waits for the job's next progress lines, so that it always happens mid-run.
after_lines() {
  until [ "$(wc -l <"$work/job.out")" -ge "$1" ]; do
    kill -0 "$ssi_run" 2>/dev/null || { echo "the job ended before line $1" >&2; exit 1; }
    sleep 0.2
  done
}
# Where the job runs now, as the workstation's ssid says.
where() { ssi ps --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["where"])'; }
# Moves the job to the first of the hosts it is not on (balancing may have placed it by itself).
move_away() {
  local here target
  here=$(where)
  for target in h1 h2 h3; do
    [ "$target" = "$here" ] && continue
    step "ssi migrate $id $target   (it runs on $here)"
    ssi migrate "$id" "$target"
    ssi ps
    return
  done
}

after_lines 1
step "the job is running (balancing is on: ssid may already have placed it on a host)"
ssi ps
id=$(ssi ps --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["job"])')

after_lines 2
move_away
after_lines 5
move_away

after_lines 9
if [ "$(where)" != ws ]; then
  step "ssi home $id"
  ssi home "$id"
  ssi ps
fi

wait "$ssi_run" || { echo "ssi-run failed (exit $?)" >&2; exit 1; }
wait "$reference"

step "result"
if cmp -s "$work/reference.out" "$work/job.out"; then
  echo "moved job:     $(tail -1 "$work/job.out")"
  echo "unmoved run:   $(tail -1 "$work/reference.out")"
  echo "identical output, though the job ran on several hosts."
else
  echo "the moved job's output differs from the uninterrupted run's:" >&2
  diff "$work/reference.out" "$work/job.out" >&2 || true
  exit 1
fi
