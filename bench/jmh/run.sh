#!/usr/bin/env bash
# Builds and runs the JMH microbenchmarks: bench/jmh/run.sh OUT_DIR [JMH options...]
# Needs target/twofold.jar and target/lib (bin/twofold build). Results: OUT_DIR/jmh.json and
# OUT_DIR/jmh.txt. PostgreSQL at 127.0.0.1:5432 (database test) for the PostgreSQL round trip.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
OUT="$1"; shift || true
JAVA="$("$root/bench/java.sh")"
export JAVA_HOME="$(dirname "$(dirname "$JAVA")")"
(cd "$here" && "$root/mvnw" -q -B -f pom.xml package) >"$OUT/jmh-build.log" 2>&1 \
  || { tail -30 "$OUT/jmh-build.log"; exit 1; }
CP="$here/target/twofold-jmh.jar:$root/target/twofold.jar:$root/target/lib/*:$here/target/lib/*"
# Short, bounded runs (JMH_OPTS overrides): one fork, 3 x 2 s warm-up, 5 x 2 s measured.
# shellcheck disable=SC2086
"$JAVA" -cp "$CP" org.openjdk.jmh.Main ${JMH_OPTS:--f 1 -wi 3 -w 2s -i 5 -r 2s} -tu us -bm avgt \
  -rf json -rff "$OUT/jmh.json" "$@" 2>&1 | tee "$OUT/jmh.txt" | grep -E '^(Benchmark|FixedCosts|#.*(not|NOT))' || true
