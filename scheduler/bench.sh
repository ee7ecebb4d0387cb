#!/usr/bin/env bash
# The scheduler benchmark: the simulator runs every policy on the same trace at 40/60/80 % pool
# load, checks the issue's goals, and measures gossip staleness at 10..10,000 nodes.
# Writes scheduler/target/bench/results.md and slowdown.png. Options go to the main class
# (e.g. --nodes 200 --arrival 300 --threads 1 for a quick run).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -pl scheduler compile >&2
exec java -Xmx1536m -cp scheduler/target/classes dev.ssi.scheduler.sim.Benchmark "$@"
