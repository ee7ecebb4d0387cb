#!/usr/bin/env bash
# Builds a module with its tests and runs one of its main classes: scripts/java-main.sh MODULE CLASS [ARGS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
module=$1 main=$2
shift 2
cd "$root"
mvn -q -B -pl "$module" -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/run.classpath -Dmdep.includeScope=test >&2
exec java -Xmx512m -Dssi.root="$root" -Dssi.bin="$root/native/target/bin" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/run.classpath")" "$main" "$@"
