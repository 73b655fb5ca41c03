#!/usr/bin/env bash
# The Keycloak side of bench/run.sh, through the peer scripts only:
#   bench/keycloak.sh OUT_DIR PEERS_DIR
# starts Keycloak (dev mode, 127.0.0.1:8180), configures realm "bench", runs the four load
# scripts twice (the first pass warms the JIT; the second is kept), appends the second pass
# to OUT_DIR/results.tsv in the suite's format, and stops Keycloak.
set -euo pipefail
OUT="$1"; PEERS="$2"
kc="$PEERS/keycloak"
[ -x "$kc/01-download-start.sh" ] || { echo "no peer scripts at $kc; set TWOFOLD_PEERS" >&2; exit 1; }
export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$("$(dirname "$0")/java.sh")")")}"
"$kc/01-download-start.sh" > "$OUT/keycloak-start.log" 2>&1
trap '"$kc/stop.sh" >> "$OUT/keycloak-start.log" 2>&1 || true' EXIT
"$kc/02-configure-realm.sh" > "$OUT/keycloak-configure.log" 2>&1
. "$kc/env.sh"
printf 'keycloak\tdev-h2\tRSS idle after configure (MiB)\t%s\n' "$(($(rss_kb "$(kc_pid)") / 1024))" \
  >> "$OUT/startup.tsv"
for pass in 1 2; do
  for s in 10-load-client-credentials.sh 11-load-password.sh 12-load-refresh.sh \
           13-load-password-otp.sh; do
    RESULTS_DIR="$OUT/keycloak-pass$pass" DURATION="${DURATION:-20}s" WARMUP="${WARMUP:-5}s" \
      CONNS="${CONNS:-16}" WRK_THREADS="${WRK_THREADS:-2}" PIN=0 \
      "$kc/$s" > "$OUT/keycloak-pass$pass-$s.log" 2>&1
    tail -2 "$OUT/keycloak-pass$pass-$s.log" >&2
  done
done
# date kc_version test pin conns duration rps lat_avg p50 p99 non2xx kc_cores busy cpu_ms
# rss_before rss_after rss_peak  ->  the suite's columns
awk -F'\t' 'NR > 1 {
  flow = $3
  if (flow == "client_credentials") flow = "client-credentials-rs256"
  else if (flow == "refresh_token") flow = "refresh"
  else if (flow == "password_otp") flow = "mfa-login"
  secs = $6; sub(/s$/, "", secs)
  printf "keycloak\tdev-h2\t%s\t%s\t%s\t%d\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\n", flow, $5, secs,
    $7 * secs, $11, $7, $9, $10, $14, $16, $17
}' "$OUT/keycloak-pass2/results.tsv" >> "$OUT/results.tsv"
