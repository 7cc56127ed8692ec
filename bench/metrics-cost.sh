#!/usr/bin/env bash
# The throughput cost of metrics: two pbkv clusters side by side on this machine (view service,
# primary, backup), A without and B with --metrics-listen on every process, the same closed-loop
# load from `pbkv bench`, alternating A B A B at 1, 8 and 64 sessions. Prints every run, then per
# session count the ratios B/A of each round and their median, min and max (the spread: this
# machine is shared and noisy). Everything it starts, it stops.
# Usage: bench/metrics-cost.sh [SECONDS_PER_RUN] [ROUNDS]
# Environment: SESSIONS (default "1 8 64"), WARMUP (unmeasured seconds per run, default 5),
# MIX (default put:50,get:50).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-10}"
rounds="${2:-3}"
sessions_list="${SESSIONS:-1 8 64}"
warmup="${WARMUP:-5}"
mix="${MIX:-put:50,get:50}"

./pbkv --version >/dev/null   # builds the jar if needed
jar=pbkv-cli/target/pbkv.jar

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# cluster NAME: starts a view service and two servers (B with metrics); sets $started_vs.
cluster() {
  local name="$1"; shift
  local vs s1 s2 mp m=()
  vs=$(free_port); s1=$(free_port); s2=$(free_port)
  if [ "$name" = B ]; then m=(--metrics-listen "127.0.0.1:$(free_port)"); fi
  java -jar "$jar" viewserver --in-memory --listen "127.0.0.1:$vs" --log-level warn "${m[@]}" >"$work/$name-vs.log" 2>&1 & pids+=($!)
  if [ "$name" = B ]; then mp=$(free_port); echo "$mp" >"$work/B-s1.metrics-port"; m=(--metrics-listen "127.0.0.1:$mp"); fi
  java -jar "$jar" server --listen "127.0.0.1:$s1" --viewserver "127.0.0.1:$vs" --log-level warn "${m[@]}" >"$work/$name-s1.log" 2>&1 & pids+=($!)
  if [ "$name" = B ]; then m=(--metrics-listen "127.0.0.1:$(free_port)"); fi
  java -jar "$jar" server --listen "127.0.0.1:$s2" --viewserver "127.0.0.1:$vs" --log-level warn "${m[@]}" >"$work/$name-s2.log" 2>&1 & pids+=($!)
  started_vs="127.0.0.1:$vs"
}
cluster A; a="$started_vs"
cluster B; b="$started_vs"
for vs in "$a" "$b"; do
  ready=""
  for _ in $(seq 100); do
    if java -jar "$jar" status --viewserver "$vs" --log-level error 2>/dev/null | grep -q "backup 127.0.0.1"; then
      ready=yes; break
    fi
    sleep 0.3
  done
  if [ -z "$ready" ]; then
    echo "metrics-cost.sh: cluster $vs did not come up in 30 s; logs in $work:" >&2
    tail -n 5 "$work"/*.log >&2
    exit 1
  fi
done
if ! curl -fsS "http://127.0.0.1:$(cat "$work/B-s1.metrics-port")/metrics" | grep -q '^pbkv_'; then
  echo "metrics-cost.sh: cluster B serves no metrics (see $work/B-s1.log)" >&2
  exit 1
fi

echo "A: $a (no metrics)   B: $b (--metrics-listen on every process)   ${seconds}s per run, $rounds rounds, mix $mix"
declare -A tput
for round in $(seq "$rounds"); do
  for sessions in $sessions_list; do
    for side in A B; do
      vs="$a"; [ "$side" = B ] && vs="$b"
      line=$(java -jar "$jar" bench --viewserver "$vs" --sessions "$sessions" --duration "${seconds}s" \
        --warmup "${warmup}s" --mix "$mix" 2>/dev/null | grep '^RESULT')
      t=$(sed -n 's/.*throughput=\([0-9]*\).*/\1/p' <<<"$line")
      tput["$side,$sessions,$round"]="$t"
      echo "round $round $side sessions=$sessions $t ops/s"
    done
  done
done

echo
echo "sessions  ratios B/A per round          median   min    max"
for sessions in $sessions_list; do
  ratios=()
  for round in $(seq "$rounds"); do
    ratios+=("$(python3 -c "print(f'{${tput["B,$sessions,$round"]}/max(1,${tput["A,$sessions,$round"]}):.3f}')")")
  done
  python3 - "$sessions" "${ratios[@]}" <<'PY'
import statistics, sys
s = sys.argv[1]; r = [float(x) for x in sys.argv[2:]]
print(f"{s:>8}  {' '.join(f'{x:.3f}' for x in r):<28}  {statistics.median(r):.3f}   {min(r):.3f}  {max(r):.3f}")
PY
done
