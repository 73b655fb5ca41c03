#!/usr/bin/env bash
# Prints the path of a java binary of JDK 21 or newer: JAVA_HOME if new enough, else the
# newest under /usr/lib/jvm, else java on PATH.
set -euo pipefail
major() { "$1" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }
for home in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
  if [ -n "$home" ] && [ -x "$home/bin/java" ] && [ "$(major "$home/bin/java")" -ge 21 ]; then
    echo "$home/bin/java"; exit 0
  fi
done
command -v java
