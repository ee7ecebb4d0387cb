#!/usr/bin/env bash
# Plain CRIU, as the migration benchmark's baseline: starts memory-job.py of MIB MiB under ssi-init
# (its own PID namespace, as ssid runs a job), then times `criu dump` of it to DIR (on tmpfs; the
# dump kills it) and `criu restore` of it from there, and prints "DUMP_SECONDS RESTORE_SECONDS".
#   criu-round-trip.sh CRIU SSI_INIT MIB DIR
set -euo pipefail
criu=$1 shim=$2 mib=$3 dir=$4
here=$(dirname "$0")
mkdir -p "$dir/images" "$dir/work"
"$shim" --umask 022 -- python3 "$here/memory-job.py" "$mib" >"$dir/job.out" 2>&1 </dev/null &
launcher=$!
root= restored=
cleanup() { kill -9 $root $restored "$launcher" 2>/dev/null || true; }
trap cleanup EXIT
until grep -q '^ready$' "$dir/job.out"; do
  kill -0 "$launcher" 2>/dev/null || { echo "the memory job ended: $(cat "$dir/job.out")" >&2; exit 1; }
  sleep 0.05
done
root=$(pgrep -P "$launcher")
now() { date +%s.%N; }
t0=$(now)
"$criu" dump -t "$root" -D "$dir/images" -W "$dir/work" -o dump.log -v2
t1=$(now)
{ wait "$launcher"; } 2>/dev/null || true
t2=$(now)
"$criu" restore -D "$dir/images" -W "$dir/work" -o restore.log -v2 -d --restore-sibling --manage-cgroups=ignore \
  --pidfile "$dir/work/restored.pid"
t3=$(now)
restored=$(cat "$dir/work/restored.pid")
echo "$t0 $t1 $t2 $t3" | awk '{ printf "%.6f %.6f\n", $2 - $1, $4 - $3 }'
