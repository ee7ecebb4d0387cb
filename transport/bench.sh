#!/usr/bin/env bash
# Streams 1 GiB directories between two network namespaces and compares with iperf3 on the
# same link in the same run: (a) raw veth, (b) veth shaped to 1 Gbit/s with tbf; data (i)
# incompressible, (ii) the image directory of a real python3 process dumped with CRIU.
# Needs root, iperf3 and CRIU (bash scripts/setup.sh). Usage: transport/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${1:-1}
DATA=${SSI_BENCH_DATA:-/dev/shm/ssi-bench-data}
TAG=ssi-b-$$
NS_A=$TAG-a NS_B=$TAG-b VETH_A=vb$$a VETH_B=vb$$b
NET=10.231.$((RANDOM % 250)); ADDR_A=$NET.1 ADDR_B=$NET.2
WORK=$(mktemp -d /dev/shm/ssi-bench-work.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  ip netns del "$NS_A" 2>/dev/null || true
  ip netns del "$NS_B" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mvn -q -pl transport -am package -Dmaven.test.skip=true >/dev/null
mvn -q -pl transport dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
CP=$ROOT/transport/target/classes:$(cat transport/target/classpath.txt)
JAVA=(java -Xmx512m -cp "$CP" dev.ssi.transport.tool.TransportTool)
in_ns() { local ns=$1; shift; nsenter --net=/run/netns/"$ns" "$@"; }

make_data() {
  mkdir -p "$DATA"
  if [ ! -d "$DATA/random" ]; then
    mkdir -p "$DATA/random.tmp"
    for i in 0 1 2 3 4 5 6 7; do head -c $((128 << 20)) /dev/urandom > "$DATA/random.tmp/part-$i"; done
    mv "$DATA/random.tmp" "$DATA/random"
  fi
  if [ ! -d "$DATA/memimage" ]; then
    rm -rf "$DATA/memimage.tmp" && mkdir -p "$DATA/memimage.tmp"
    cat > "$WORK/hog.py" <<'PY'
import os, random, sys, time
random.seed(7)
words = [w.strip() for w in open('/usr/share/dict/words')] if os.path.exists('/usr/share/dict/words') \
    else ['alpha', 'beta', 'gamma', 'delta', 'node', 'job', 'pool', 'kernel', 'page', 'image']
rows, i = [], 0
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
while rss() < (1 << 30):
    for _ in range(10000):
        rows.append({'id': i, 'name': 'user-%d' % i, 'score': random.random() * 1000,
                     'tags': [random.choice(words) for _ in range(4)],
                     'history': list(range(i % 40)), 'token': '%032x' % random.getrandbits(128)})
        i += 1
open(sys.argv[1], 'w').write('ready')
while True:
    time.sleep(1)
PY
    setsid python3 "$WORK/hog.py" "$WORK/hog.ready" </dev/null >/dev/null 2>&1 &
    local hog=$!
    while [ ! -f "$WORK/hog.ready" ]; do sleep 1; done
    "$ROOT/.criu/criu" dump -t "$hog" -D "$DATA/memimage.tmp" --shell-job -o dump.log
    rm -f "$DATA/memimage.tmp/dump.log"
    mv "$DATA/memimage.tmp" "$DATA/memimage"
  fi
}

make_netns() {
  ip netns add "$NS_A"; ip netns add "$NS_B"
  ip link add "$VETH_A" type veth peer name "$VETH_B"
  ip link set "$VETH_A" netns "$NS_A"; ip link set "$VETH_B" netns "$NS_B"
  in_ns "$NS_A" ip addr add "$ADDR_A/24" dev "$VETH_A"; in_ns "$NS_B" ip addr add "$ADDR_B/24" dev "$VETH_B"
  for ns in "$NS_A" "$NS_B"; do in_ns "$ns" ip link set lo up; done
  in_ns "$NS_A" ip link set "$VETH_A" up; in_ns "$NS_B" ip link set "$VETH_B" up
}

identities() {
  "${JAVA[@]}" init-pool "$WORK/ca" bench
  "${JAVA[@]}" admit "$WORK/ca" a "$WORK/a"
  "${JAVA[@]}" admit "$WORK/ca" b "$WORK/b"
}

iperf() { # MB/s from B to A, 5 s
  in_ns "$NS_A" iperf3 -s -1 -B "$ADDR_A" >/dev/null 2>&1 &
  local server=$!; sleep 0.5
  in_ns "$NS_B" iperf3 -c "$ADDR_A" -t 5 -J | python3 -c \
    'import json,sys; print("%.1f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 8e6))'
  wait "$server" 2>/dev/null || true
}

stream() { # DATASET TLS -> "warm_MB/s warm_cpu_s_per_GiB lz4_ratio cold_MB/s"
  # The sender streams the directory twice in one JVM: the first run is a cold JVM, the second
  # is what a long-running daemon sees.
  local dataset=$1 tls=$2 into=$WORK/in port=$((20000 + RANDOM % 20000))
  rm -rf "$into"; mkdir -p "$into"
  in_ns "$NS_A" "${JAVA[@]}" receive "$WORK/a" "$ADDR_A:$port" "$into" 2 --tls="$tls" > "$WORK/recv.log" 2>&1 &
  local receiver=$!; PIDS+=("$receiver")
  until grep -q '^ready' "$WORK/recv.log"; do
    kill -0 "$receiver" 2>/dev/null || { cat "$WORK/recv.log" >&2; exit 1; }; sleep 0.2
  done
  in_ns "$NS_B" "${JAVA[@]}" send "$WORK/b" a "$ADDR_A:$port" "$DATA/$dataset" --tls="$tls" --repeat=2 \
    > "$WORK/send.log" 2>&1 || { cat "$WORK/send.log" "$WORK/recv.log" >&2; exit 1; }
  wait "$receiver"
  [ "$(grep -c '^received' "$WORK/recv.log")" = 2 ] || { cat "$WORK/recv.log" >&2; exit 1; }
  diff -rq "$DATA/$dataset" "$into/$dataset-2" >/dev/null || { echo "received data differs" >&2; exit 1; }
  rm -rf "$into"
  grep '^sent' "$WORK/send.log" | python3 -c '
import sys
runs = [dict(kv.split("=") for kv in line.split()[1:]) for line in sys.stdin]
def rate(f): return int(f["bytes"]) / float(f["seconds"]) / 1e6
cold, warm = runs
b = int(warm["bytes"])
print("%.1f %.2f %.2f %.1f" % (rate(warm), float(warm["cpu_seconds"]) / (b / 2**30), b / int(warm["wire"]), rate(cold)))'
}

best_of() { # runs the stream RUNS times, keeps the fastest
  local best="" line
  for _ in $(seq "$RUNS"); do
    line=$(stream "$@")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a>b)}'; then best=$line; fi
  done
  echo "$best"
}

make_data
make_netns
identities
echo "machine: $(nproc) cores, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r)"
echo "data: random $(du -sb "$DATA/random" | cut -f1) bytes; memimage $(du -sb "$DATA/memimage" | cut -f1) bytes"
echo
echo "| link | data | TLS | stream MB/s | iperf3 MB/s | ratio to iperf3 | sender CPU s/GiB | LZ4 ratio | MB/s, cold JVM |"
echo "|---|---|---|---|---|---|---|---|---|"
for link in raw 1gbit; do
  if [ "$link" = 1gbit ]; then
    in_ns "$NS_B" tc qdisc add dev "$VETH_B" root tbf rate 1gbit burst 512kb latency 20ms
  fi
  ip3=$(iperf)
  for case in "random openssl" "random jdk" "memimage openssl" "memimage jdk"; do
    set -- $case
    read -r mbs cpu ratio cold < <(best_of "$1" "$2")
    echo "| $link | $1 | $2 | $mbs | $ip3 | $(awk -v a="$mbs" -v b="$ip3" 'BEGIN{printf "%.2f", a/b}') | $cpu | $ratio | $cold |"
  done
done
