#!/usr/bin/env bash
# The quick-start demo: sets up this machine, then freezes a running CPU-heavy job with our CRIU
# client and brings it back; its output carries on and its result matches an uninterrupted run.
set -euo pipefail
here=$(dirname "$0")
bash "$here/setup.sh"
exec bash "$here/java-main.sh" checkpoint dev.ssi.checkpoint.FreezeAndResumeDemo
