#!/usr/bin/env bash
# pbkv against itself: this checkout against an earlier commit REV, the same closed-loop load from
# each build's own `pbkv bench` (its client library is part of what is measured), alternating
# A B B A at 1, 8 and 64 sessions on this machine. Prints one table with the ratio this/REV per
# row and the median ratio per session count: a regression shows as ratios below 1 in every round.
# The noise floor: REV=HEAD measures this build against itself; a ratio inside its spread is noise.
# Its spread on this 2-core VM is about +-30 % per round: for a difference of a few percent, use
# bench/paired.sh (both builds under load at the same time).
# Builds REV in a temporary git worktree (Maven, tests skipped); everything it starts, it stops.
#   Usage: bench/regression.sh REV [SECONDS_PER_RUN] [ROUNDS]
# Environment: SESSIONS (default "1 8 64"), CLIENT (pooled or direct, default pooled), WARMUP
# (unmeasured seconds per run, default 10), MIX (default put:50,get:50). Shared code: bench/lib.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rev="${1:?usage: bench/regression.sh REV [SECONDS_PER_RUN] [ROUNDS]}"
seconds="${2:-10}"
rounds="${3:-2}"
sessions_list="${SESSIONS:-1 8 64}"
client="${CLIENT:-pooled}"
warmup="${WARMUP:-10}"
mix="${MIX:-put:50,get:50}"

bench_init regression.sh
build_rev "$rev"
old_commit="$rev_commit"
jar_of[old]="$rev_jar"
jar_of[new]="$jar"

start_pbkv old 0
start_pbkv new 0
wait_ready old new

echo "warming up both clusters (${warmup}s + 5s each, not measured) …" >&2
saved_seconds="$seconds"; seconds=5
bench_run old 64 "$client" >/dev/null; bench_run new 64 "$client" >/dev/null
seconds="$saved_seconds"

echo "pbkv at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench' || echo ' (with uncommitted changes)') against $rev (${old_commit:0:7}), $mix, 100k keys, 16-byte values, client $client, ${seconds}s per run after ${warmup}s warm-up, $rounds rounds (A B B A …); $(nproc) cores, $(date -u +%F)"
echo "cpu = CPU time per op of the load generator plus the view service, primary and backup"
printf '%-9s %-6s %12s %12s %7s %9s %9s %9s %9s\n' sessions round this_ops/s old_ops/s ratio this_p50 old_p50 this_cpu old_cpu
for n in $sessions_list; do
  ratios=()
  for r in $(seq "$rounds"); do
    # A B, then B A: a cluster's place in the pair (right after the other's run, or after its own)
    # must not decide the ratio
    if (( r % 2 )); then
      read -r nt np nc <<<"$(bench_run new "$n" "$client")"
      read -r ot op oc <<<"$(bench_run old "$n" "$client")"
    else
      read -r ot op oc <<<"$(bench_run old "$n" "$client")"
      read -r nt np nc <<<"$(bench_run new "$n" "$client")"
    fi
    ratio=$(python3 -c "print(f'{$nt/$ot:.2f}')")
    ratios+=("$ratio")
    printf '%-9s %-6s %12.0f %12.0f %7s %8sms %8sms %7sus %7sus\n' "$n" "$r" "$nt" "$ot" "$ratio" "$np" "$op" "$nc" "$oc"
  done
  read -r med lo hi <<<"$(spread "${ratios[@]}")"
  echo "$n sessions: throughput ratio this/$rev median $med (min $lo, max $hi)"
done
