#!/usr/bin/env bash
# The long reliability runs (docs/reliability.md): 100,000 guesses over three nodes and the
# kill -9 crash test, on PostgreSQL at 127.0.0.1:5432 (database test). Figures are printed as
# lines starting with GUESSING FIGURES and CRASH FIGURES.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -o test -Dtwofold.skipH2=true -Dtwofold.skipFuzzRegression=true -Dtwofold.long=true \
  -Dtest='GuessingTest,CrashRestartTest,MfaRaceTest,ManyNodesTest' \
  -Dsurefire.failIfNoSpecifiedTests=false "$@" | grep -E 'FIGURES|after crash|Tests run|FAIL'
