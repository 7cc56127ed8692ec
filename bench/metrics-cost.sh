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
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds="${1:-10}"
rounds="${2:-3}"
sessions_list="${SESSIONS:-1 8 64}"
warmup="${WARMUP:-5}"
mix="${MIX:-put:50,get:50}"

bench_init metrics-cost.sh
start_pbkv A 0
start_pbkv B 0 METRICS
wait_ready A B
if ! curl -fsS "http://127.0.0.1:${metrics_of[B]}/metrics" | grep -q '^pbkv_'; then
  echo "metrics-cost.sh: cluster B serves no metrics (see $work/B-*.log)" >&2
  exit 1
fi

echo "A: ${addr_of[A]} (no metrics)   B: ${addr_of[B]} (--metrics-listen on every process)   ${seconds}s per run, $rounds rounds, mix $mix"
declare -A tput
for round in $(seq "$rounds"); do
  for sessions in $sessions_list; do
    for side in A B; do
      read -r ops _ _ <<<"$(bench_run "$side" "$sessions")"
      tput["$side,$sessions,$round"]="$ops"
      echo "round $round $side sessions=$sessions $ops ops/s"
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
  read -r med lo hi <<<"$(spread "${ratios[@]}")"
  printf '%8s  %-28s  %s   %s  %s\n' "$sessions" "${ratios[*]}" "$med" "$lo" "$hi"
done
