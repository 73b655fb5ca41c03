# Helpers for bench/run.sh. Source it; do not run it.

# CPU ticks (utime + stime of all threads) of a process, machine CPU, memory.
proc_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/{print $2}' "/proc/$1/status"; }
hz() { getconf CLK_TCK; }
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Refuses to run past a deadline given as BENCH_DEADLINE (epoch seconds), if set.
check_deadline() {
  if [ -n "${BENCH_DEADLINE:-}" ] && [ "$(date +%s)" -ge "$BENCH_DEADLINE" ]; then
    log "deadline reached; stopping"; return 1
  fi
}

# wait_http URL SECONDS: polls until the URL answers 200; bounded.
wait_http() {
  local url="$1" limit="$2" i
  for ((i = 0; i < limit * 20; i++)); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# One wrk measurement: wrk_measure SYSTEM DB FLOW PID URL LUA
# Warm-up (not recorded), then DURATION seconds measured; appends one line to $RESULTS.
wrk_measure() {
  local system="$1" db="$2" flow="$3" pid="$4" url="$5" lua="$6" out t0 t1 k0 k1
  if [ "$WARMUP" != 0 ]; then
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"${WARMUP}s" --timeout 30s -s "$lua" "$url" >/dev/null
  fi
  k0=$(proc_ticks "$pid"); t0=$(date +%s.%N)
  out="$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 30s --latency -s "$lua" "$url")"
  t1=$(date +%s.%N); k1=$(proc_ticks "$pid")
  echo "$out" > "$OUT/wrk-$system-$db-$flow.txt"
  local n rps p50 p99 err
  n=$(echo "$out" | awk '/requests in/{print $1}')
  rps=$(echo "$out" | awk '/^Requests\/sec/{print $2}')
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  err=$(echo "$out" | awk '/Non-2xx/{print $NF}'); err=${err:-0}
  local cpu
  cpu=$(awk -v k="$((k1 - k0))" -v hz="$(hz)" -v n="$n" -v e="$err" \
      'BEGIN{ok=n-e; printf "%.2f", (ok > 0 ? k / hz * 1000 / ok : 0)}')
  local secs
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\n' "$system" "$db" "$flow" \
    "$CONNS" "$secs" "$n" "$err" "$rps" "$p50" "$p99" "$cpu" \
    "$(($(rss_kb "$pid") / 1024))" "$(($(hwm_kb "$pid") / 1024))" | tee -a "$RESULTS"
}
