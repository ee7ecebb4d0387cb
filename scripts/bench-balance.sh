#!/usr/bin/env bash
# Issue 5's benchmark, as root: a local pool of a workstation and three hosts of 0.4 core each,
# eight CPU-bound jobs started with ssi-run at once on the workstation, against the same eight
# on the workstation alone (same run); then a host's quota halved mid-run. Prints a Markdown
# table (also in src/test/target/bench-balance.md). About 5 minutes on 2 cores.
#   scripts/bench-balance.sh [--iterations N] [--halving-iterations N] [--cpus C] [--unfavoured]
# The pool is favoured over the machine's other work (highest CPU weight; its quotas still cap it), so
# that each node gets its quota on a busy machine; --unfavoured leaves it at the default weight.
set -euo pipefail
here=$(dirname "$0")
bash "$here/setup.sh"
exec bash "$here/java-main.sh" src/test dev.ssi.system.balance.BalanceBenchmark "$@"
