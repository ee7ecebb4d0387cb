#!/usr/bin/env bash
# Issue 2's benchmark: dump and restore of 64 MiB, 256 MiB and 1 GiB jobs, our client vs. the criu CLI.
set -euo pipefail
here=$(dirname "$0")
bash "$here/setup.sh"
exec bash "$here/java-main.sh" checkpoint dev.ssi.checkpoint.CheckpointBenchmark "$@"
