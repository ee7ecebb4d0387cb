#!/usr/bin/env bash
# Runs a module's main class on its main-scope classpath, building the module first when it has never
# been built or a source or pom changed since: scripts/java-app.sh MODULE CLASS [ARGS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
module=$1 main=$2
shift 2
cd "$root"
classpath=$module/target/app.classpath
# Stale once any module's pom or main source is newer, wherever the module lies (src/test/ is one too).
if [ ! -f "$classpath" ] || [ -n "$(find . \( -name target -o -name .git \) -prune -o \( -name pom.xml -o -path '*/src/main/*' \) \
    -newer "$classpath" -print -quit)" ]; then
  mvn -q -B -pl "$module" -am compile dependency:build-classpath \
    -Dmdep.outputFile=target/app.classpath -DincludeScope=runtime >&2
  touch "$classpath" # the plugin leaves an unchanged file as it was, and so stale-looking
fi
exec java -Xmx256m -Dssi.root="$root" -cp "$module/target/classes:$(cat "$classpath")" "$main" "$@"
