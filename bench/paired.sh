#!/usr/bin/env bash
# pbkv against an earlier commit REV, both under load AT THE SAME TIME. Each launch starts a fresh
# cluster of each build (view service, primary, backup), warms both, then runs the two builds' own
# `pbkv bench` (each build's client library is part of what is measured) side by side for SECONDS,
# and stops both. Prints one line per launch with the ratio this/REV of throughput and of CPU per
# op, then their median, min and max over the launches.
#
# Why not A B B A (bench/regression.sh): on this 2-core VM one run of 8-10 s after a fresh load
# generator scatters by +-30 % (the generator's JIT still compiles for ~15 s, and the machine's
# speed drifts over tens of seconds), far more than a regression of a few percent. Side by side,
# both builds share the cores at every moment, so drift cancels within a launch; fresh JVMs at each
# launch sample the JIT's compile outcome, which differs from JVM to JVM. A build that costs more
# CPU per op gets fewer ops out of its share. The noise floor: REV=HEAD (this build against itself).
# Builds REV in a temporary git worktree (Maven, tests skipped); everything it starts, it stops.
#   Usage: bench/paired.sh REV [SECONDS_PER_RUN] [LAUNCHES]
# Environment: SESSIONS (default 8; per build, so the machine carries twice that), CLIENT (pooled
# or direct, default pooled), WARMUP (unmeasured seconds of each measured run, default 60: with
# 15 s, the JIT threads of one side or the other still used 2-3 us of CPU per op of the ~70 in the
# measured window, enough to decide a launch),
# MIX (default put:50,get:50); to bisect with builds at hand, OLD_JAR (REV is then only its name)
# and THIS_JAR (instead of this checkout's jar). Shared code: bench/lib.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rev="${1:?usage: bench/paired.sh REV [SECONDS_PER_RUN] [LAUNCHES]}"
seconds="${2:-30}"
launches="${3:-6}"
sessions="${SESSIONS:-8}"
client="${CLIENT:-pooled}"
warmup="${WARMUP:-60}"
mix="${MIX:-put:50,get:50}"

# jar paths as given, before bench_init moves to the repository's root
[ -n "${OLD_JAR:-}" ] && OLD_JAR="$(realpath -m "$OLD_JAR")"
[ -n "${THIS_JAR:-}" ] && THIS_JAR="$(realpath -m "$THIS_JAR")"
bench_init paired.sh
if [ -n "${OLD_JAR:-}" ]; then
  rev_commit="$rev"; jar_of[old]="$OLD_JAR"
else
  build_rev "$rev"; jar_of[old]="$rev_jar"
fi
jar_of[new]="${THIS_JAR:-$jar}"
for j in "${jar_of[old]}" "${jar_of[new]}"; do
  [ -f "$j" ] || { echo "$script_name: no jar at $j" >&2; exit 2; }
done
this_name="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench' || echo ' (with uncommitted changes)')"
[ -n "${THIS_JAR:-}" ] && this_name="$THIS_JAR"

echo "pbkv at $this_name against $rev (${rev_commit:0:7}), both loaded at the same time, $sessions sessions each, $mix, 100k keys, 16-byte values, client $client, ${seconds}s per run after ${warmup}s warm-up, $launches launches; $(nproc) cores, $(date -u +%F)"
echo "cpu = CPU time per op of the load generator plus the view service, primary and backup; cpu ratio above 1: this build spends more per op"
printf '%-7s %12s %12s %7s %9s %9s %9s\n' launch this_ops/s old_ops/s ratio this_cpu old_cpu cpu_ratio
ratios=(); cpu_ratios=()
for l in $(seq "$launches"); do
  # which cluster starts first alternates (the first one's JVMs start compiling while the other starts)
  if (( l % 2 )); then start_pbkv new 0; start_pbkv old 0; else start_pbkv old 0; start_pbkv new 0; fi
  wait_ready new old
  saved_seconds="$seconds"; saved_warmup="$warmup"; seconds=10; warmup=5
  bench_run new 64 "$client" >/dev/null & a=$!
  bench_run old 64 "$client" >/dev/null & b=$!
  wait "$a"; wait "$b"
  seconds="$saved_seconds"; warmup="$saved_warmup"
  bench_run new "$sessions" "$client" >"$work/new.out" & a=$!
  bench_run old "$sessions" "$client" >"$work/old.out" & b=$!
  wait "$a"; wait "$b"
  read -r nt _ nc <"$work/new.out"
  read -r ot _ oc <"$work/old.out"
  ratio=$(python3 -c "print(f'{$nt/$ot:.3f}')")
  cpu_ratio=$(python3 -c "print(f'{$nc/$oc:.3f}')")
  ratios+=("$ratio"); cpu_ratios+=("$cpu_ratio")
  printf '%-7s %12.0f %12.0f %7s %7sus %7sus %9s\n' "$l" "$nt" "$ot" "$ratio" "$nc" "$oc" "$cpu_ratio"
  stop_clusters
done
read -r med lo hi <<<"$(spread "${ratios[@]}")"
below=$(python3 -c 'import sys; print(sum(float(x) < 1 for x in sys.argv[1:]))' "${ratios[@]}")
echo "throughput ratio this/$rev: median $med (min $lo, max $hi), below 1 in $below of $launches launches"
read -r med lo hi <<<"$(spread "${cpu_ratios[@]}")"
above=$(python3 -c 'import sys; print(sum(float(x) > 1 for x in sys.argv[1:]))' "${cpu_ratios[@]}")
echo "CPU per op ratio this/$rev: median $med (min $lo, max $hi), above 1 in $above of $launches launches"
