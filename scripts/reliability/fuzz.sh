#!/usr/bin/env bash
# Fuzzes each Jazzer target with coverage guidance (JAZZER_FUZZ=1) for the maxDuration its
# @FuzzTest declares (10 minutes). A crash is written as a new input under
# src/test/resources/dev/twofold/reliability/fuzz/<Class>Inputs/<method>/, where the normal
# suite replays it from then on. Usage: scripts/reliability/fuzz.sh [Class#method ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(ParamsFuzzTest#formBody ParamsFuzzTest#jsonBody PhoneNumbersFuzzTest#toE164
           AccessTokenFuzzTest#verify MfaHttpFuzzTest#associate MfaHttpFuzzTest#challenge
           OtpAuthUriFuzzTest#uri MfaHttpFuzzTest#mfaTokenReader TokenEndpointFuzzTest#token)
fi
for target in "${targets[@]}"; do
  echo "== fuzzing $target ($(date -u +%H:%M:%S))"
  start=$(date +%s)
  JAZZER_FUZZ=1 ./mvnw -q -o test -Dtwofold.skipPostgres=true -Dtwofold.skipH2=true \
    -Dtest="$target" \
    -Dsurefire.failIfNoSpecifiedTests=false || echo "!! $target found a crash (see above)"
  echo "== $target ran $(( $(date +%s) - start )) s"
done
