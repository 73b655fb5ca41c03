#!/usr/bin/env bash
# Twofold's benchmark suite. One command:
#   bench/run.sh
# builds Twofold (bin/twofold build), and for each database (H2, then PostgreSQL at
# 127.0.0.1:5432 in a schema of its own) starts a development node on 127.0.0.1:$BENCH_PORT,
# sets it up through its APIs (bench/driver/BenchDriver.java setup), and measures each flow:
# a few seconds of warm-up, then $DURATION seconds. Then the same load against Keycloak with
# the peer scripts ($TWOFOLD_PEERS/keycloak, two passes, the second kept), then the JMH
# microbenchmarks (bench/jmh). Loopback only; every loop is bounded in count and time.
# Output: bench/out/<UTC time>/ with results.tsv, summary.md and the raw outputs.
#
# Settings (environment): DBS ("h2 postgres"), FLOWS (all), KEYCLOAK (1), JMH (1),
# DURATION (20), WARMUP (10), JIT_WARMUP (10: seconds of each of three unrecorded flows before
# the first), CONNS (16), WRK_THREADS (2), BENCH_PORT (18080),
# TWOFOLD_PEERS (../shared/peers beside the repository), SKIP_BUILD (0), START_DEV (1),
# JMH_FROM (an earlier output folder whose JMH figures the summary uses when JMH=0),
# MFA_USERS (2000), OTP_USERS (8000), ARGON_USERS (64), REFRESH_FAMILIES (128),
# PG_URL (jdbc:postgresql://127.0.0.1:5432/test?user=postgres), H2_OPTIONS (;CACHE_SIZE=4096, the
# embedded default's page cache; appended to the production-mode H2 URL).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. bench/lib.sh

DBS="${DBS:-h2 postgres}"
FLOWS="${FLOWS:-client-credentials-rs256 client-credentials-es256 password refresh refresh-es256 authcode mfa-login mfa-otp}"
KEYCLOAK="${KEYCLOAK:-1}"
JMH="${JMH:-1}"
export DURATION="${DURATION:-20}" WARMUP="${WARMUP:-10}" CONNS="${CONNS:-16}"
export WRK_THREADS="${WRK_THREADS:-2}"
BENCH_PORT="${BENCH_PORT:-18080}"
TWOFOLD_PEERS="${TWOFOLD_PEERS:-$root/../shared/peers}"
PG_URL="${PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}"
MFA_USERS="${MFA_USERS:-2000}"
OTP_USERS="${OTP_USERS:-8000}"
ARGON_USERS="${ARGON_USERS:-64}"
REFRESH_FAMILIES="${REFRESH_FAMILIES:-128}"
JIT_WARMUP="${JIT_WARMUP:-10}"

# Keycloak's default password policy is Argon2id, 7 MiB, 5 iterations, 1 lane; Twofold is
# configured to match it here (its own default is OWASP's 19 MiB, 2 iterations, 1 lane).
export TWOFOLD_ARGON2_MEMORY_KIB="${TWOFOLD_ARGON2_MEMORY_KIB:-7168}"
export TWOFOLD_ARGON2_ITERATIONS="${TWOFOLD_ARGON2_ITERATIONS:-5}"
export TWOFOLD_ARGON2_PARALLELISM="${TWOFOLD_ARGON2_PARALLELISM:-1}"

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$root/bench/out/$STAMP"
RESULTS="$OUT/results.tsv"
mkdir -p "$OUT"
printf 'system\tdb\tflow\tconns\tseconds\tunits\tfailed\tper_s\tp50\tp99\tcpu_ms\trss_MiB\thwm_MiB\n' > "$RESULTS"

{
  echo "date_utc=$(date -u +%FT%TZ)"
  echo "nproc=$(nproc)"
  echo "memory=$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "cpu=$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "git=$(git rev-parse --short HEAD)"
  echo "argon2=m=$TWOFOLD_ARGON2_MEMORY_KIB,t=$TWOFOLD_ARGON2_ITERATIONS,p=$TWOFOLD_ARGON2_PARALLELISM"
} > "$OUT/machine.txt"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building Twofold"
  bin/twofold build -q >"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }
fi
JAVA="$(bench/java.sh)"
echo "jdk=$("$JAVA" -version 2>&1 | head -1)" >> "$OUT/machine.txt"
BCPROV="$(ls target/lib/bcprov-jdk18on-*.jar | head -1)"
driver() { "$JAVA" -cp "$BCPROV" bench/driver/BenchDriver.java "$@"; }

TF_PID=""
stop_twofold() {
  if [ -n "$TF_PID" ] && kill -0 "$TF_PID" 2>/dev/null; then
    kill -TERM "$TF_PID"
    for _ in $(seq 1 300); do kill -0 "$TF_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  TF_PID=""
  # The port must be free before the next start is timed.
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$BENCH_PORT/" 2>/dev/null || break
    sleep 0.1
  done
}
trap stop_twofold EXIT

# start_twofold MODE DB DATA_DIR: starts a node (MODE start-dev or start); sets TF_PID and
# READY_MS (launch to the discovery document answering). The load runs against "start"
# (production mode, the JIT as in production); bin/twofold start-dev runs the C1 compiler
# only, for fast development starts, and is measured for its start-up.
start_twofold() {
  local mode="$1" db="$2" data="$3" t0 t1
  READY_MS=""
  local -a env=(TWOFOLD_PORT="$BENCH_PORT" TWOFOLD_DATA_DIR="$data"
    TWOFOLD_BOOTSTRAP_CLIENT_ID=bench-mgmt TWOFOLD_BOOTSTRAP_CLIENT_SECRET="$MGMT_SECRET"
    TWOFOLD_DEMO_USER=false TWOFOLD_MANAGEMENT_PORT="${TWOFOLD_MANAGEMENT_PORT:-0}")
  if [ "$mode" = start ]; then
    env+=(TWOFOLD_ISSUER="http://127.0.0.1:$BENCH_PORT/" TWOFOLD_ENCRYPTION_KEY="$ENC_KEY")
    [ "$db" = h2 ] && env+=(TWOFOLD_DB_URL="jdbc:h2:file:$data/twofold;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000${H2_OPTIONS-;CACHE_SIZE=4096}")
  fi
  if [ "$db" = postgres ]; then
    env+=(TWOFOLD_DB_URL="$PG_URL" TWOFOLD_DB_SCHEMA="$PG_SCHEMA")
  fi
  mkdir -p "$data"
  t0=$(date +%s%N)
  env "${env[@]}" bin/twofold "$mode" >>"$OUT/twofold-$db-$mode.log" 2>&1 </dev/null &
  TF_PID=$!
  wait_http "http://127.0.0.1:$BENCH_PORT/.well-known/openid-configuration" 120 \
    || { tail -30 "$OUT/twofold-$db-$mode.log"; exit 1; }
  t1=$(date +%s%N)
  READY_MS=$(((t1 - t0) / 1000000))
}

# Start-up of bin/twofold start-dev from the built jar: a first start on an empty data folder,
# then three restarts; RSS when idle.
measure_start_dev() {
  local i data="$OUT/data-dev"
  MGMT_SECRET="bench-mgmt-dev"
  start_twofold start-dev h2 "$data"
  printf 'twofold\th2\tstart-dev, first start to ready (ms)\t%s\n' "$READY_MS" >> "$OUT/startup.tsv"
  stop_twofold
  for i in 1 2 3; do
    start_twofold start-dev h2 "$data"
    printf 'twofold\th2\tstart-dev, restart %s to ready (ms)\t%s\n' "$i" "$READY_MS" >> "$OUT/startup.tsv"
    sleep 1
    printf 'twofold\th2\tstart-dev, RSS idle after restart %s (MiB)\t%s\n' "$i" \
      "$(($(rss_kb "$TF_PID") / 1024))" >> "$OUT/startup.tsv"
    stop_twofold
  done
}

run_twofold_flow() {
  local db="$1" flow="$2" url="http://127.0.0.1:$BENCH_PORT/oauth/token"
  local -a common=(base="http://127.0.0.1:$BENCH_PORT/" dir="$STATE" pid="$TF_PID"
    db="$db" results="$RESULTS" conns="$CONNS" warmup="$WARMUP" duration="$DURATION")
  case "$flow" in
    client-credentials-rs256|client-credentials-es256)
      BENCH_AUDIENCE="https://api.bench.test/${flow##*-}" \
        wrk_measure twofold "$db" "$flow" "$TF_PID" "$url" bench/wrk/client-credentials.lua ;;
    password)
      wrk_measure twofold "$db" "$flow" "$TF_PID" "$url" bench/wrk/password.lua ;;
    refresh|refresh-es256)
      # refresh: RS256 access and ID tokens; refresh-es256: a client whose ID tokens and
      # whose API's access tokens are ES256.
      local pool="$STATE/refresh-tokens.txt" app_id="$BENCH_APP_ID" app_secret="$BENCH_APP_SECRET"
      if [ "$flow" = refresh-es256 ]; then
        pool="$STATE/refresh-tokens-es256.txt"
        app_id="$(sed -n 's/^app_es256_id=//p' "$STATE/setup.properties")"
        app_secret="$(sed -n 's/^app_es256_secret=//p' "$STATE/setup.properties")"
      fi
      head -n $((REFRESH_FAMILIES / 2)) "$pool" > "$STATE/$flow.warmup"
      tail -n +$((REFRESH_FAMILIES / 2 + 1)) "$pool" > "$STATE/$flow.measure"
      BENCH_APP_ID="$app_id" BENCH_APP_SECRET="$app_secret" \
        BENCH_REFRESH_FILE="$STATE/$flow.warmup" wrk -t"$WRK_THREADS" -c"$CONNS" \
        -d"${WARMUP}s" --timeout 30s -s bench/wrk/refresh.lua "$url" >/dev/null
      BENCH_APP_ID="$app_id" BENCH_APP_SECRET="$app_secret" \
        BENCH_REFRESH_FILE="$STATE/$flow.measure" WARMUP=0 \
        wrk_measure twofold "$db" "$flow" "$TF_PID" "$url" bench/wrk/refresh.lua ;;
    authcode) driver run flow=authcode argon_users="$ARGON_USERS" "${common[@]}" ;;
    mfa-login) driver run flow=mfa-login "${common[@]}" ;;
    mfa-otp) driver run flow=mfa-otp warmup=5 warmup_max=2000 "${common[@]}" ;;
    *) log "unknown flow $flow"; return 1 ;;
  esac
}

bench_twofold() {
  local db="$1"
  MGMT_SECRET="bench-mgmt-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  ENC_KEY="$(head -c 32 /dev/urandom | base64)"
  PG_SCHEMA="bench_$(date +%s)"
  STATE="$OUT/state-$db"
  mkdir -p "$STATE"
  log "starting Twofold ($db)"
  start_twofold start "$db" "$OUT/data-$db"
  printf 'twofold\t%s\tstart (production mode), first start to ready (ms)\t%s\n' "$db" \
    "$READY_MS" >> "$OUT/startup.tsv"
  log "setup ($db): users, authenticators, tokens"
  driver setup base="http://127.0.0.1:$BENCH_PORT/" dir="$STATE" mgmt_id=bench-mgmt \
    mgmt_secret="$MGMT_SECRET" argon_users="$ARGON_USERS" mfa_users="$MFA_USERS" \
    otp_users="$OTP_USERS" refresh_families="$REFRESH_FAMILIES" > "$OUT/setup-$db.log"
  cat "$OUT/setup-$db.log" >&2
  # shellcheck disable=SC1090
  export BENCH_CC_ID BENCH_CC_SECRET BENCH_APP_ID BENCH_APP_SECRET
  BENCH_CC_ID="$(sed -n 's/^cc_id=//p' "$STATE/setup.properties")"
  BENCH_CC_SECRET="$(sed -n 's/^cc_secret=//p' "$STATE/setup.properties")"
  BENCH_APP_ID="$(sed -n 's/^app_id=//p' "$STATE/setup.properties")"
  BENCH_APP_SECRET="$(sed -n 's/^app_secret=//p' "$STATE/setup.properties")"
  export BENCH_USERS="$ARGON_USERS" BENCH_WRK_THREADS="$WRK_THREADS"
  printf 'twofold\t%s\tRSS idle after setup (MiB)\t%s\n' "$db" "$(($(rss_kb "$TF_PID") / 1024))" \
    >> "$OUT/startup.tsv"
  # Keycloak's kept figures come from its second pass, on a JVM whose compilers have seen
  # every flow; Twofold's node gets a warm-up of its own first: the flows that use up no
  # prepared input, unrecorded. Each flow still has its own warm-up below.
  if [ "$JIT_WARMUP" != 0 ]; then
    log "twofold $db: $JIT_WARMUP s of each unrecorded flow, for the JIT compilers"
    for flow in client-credentials-rs256 client-credentials-es256 password; do
      BENCH_AUDIENCE="https://api.bench.test/${flow##*-}" wrk -t"$WRK_THREADS" -c"$CONNS" \
        -d"${JIT_WARMUP}s" --timeout 30s -s "bench/wrk/${flow%-*}.lua" \
        "http://127.0.0.1:$BENCH_PORT/oauth/token" >/dev/null
    done
  fi
  for flow in $FLOWS; do
    check_deadline || break
    log "twofold $db $flow"
    run_twofold_flow "$db" "$flow"
  done
  stop_twofold
  if [ "$db" = postgres ]; then
    psql "postgresql://postgres@127.0.0.1:5432/test" -qc "DROP SCHEMA $PG_SCHEMA CASCADE" \
      >/dev/null 2>&1 || true
  fi
}

if [ "${START_DEV:-1}" = 1 ]; then
  log "start-up of bin/twofold start-dev"
  measure_start_dev
fi

for db in $DBS; do
  check_deadline || break
  bench_twofold "$db"
done

if [ "$KEYCLOAK" = 1 ] && check_deadline; then
  log "Keycloak: start, configure, two passes (the second is kept)"
  bench/keycloak.sh "$OUT" "$TWOFOLD_PEERS" || log "Keycloak side failed; see $OUT/keycloak-*.log"
fi

if [ "$JMH" = 1 ] && check_deadline; then
  log "JMH microbenchmarks"
  bench/jmh/run.sh "$OUT" || log "JMH failed; see $OUT/jmh.log"
fi

echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
python3 bench/summarize.py "$OUT" ${JMH_FROM:-} > "$OUT/summary.md"
cat "$OUT/summary.md"
