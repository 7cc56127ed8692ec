#!/usr/bin/env bash
# What TLS costs pbkv and what it costs Redis, in one run: four clusters side by side on this
# machine — pbkv plain, pbkv over TLS (every connection, client certificate), Redis plain, Redis
# over TLS (--tls-port, TLS replication, client certificate) — the same closed-loop load from
# `pbkv bench` (pooled client for pbkv; Redis: SET + WAIT 1 0), alternating the four at 1, 8 and
# 64 sessions, ROUNDS times. Prints every run, then per session count and system the ratio
# TLS/plain of each round and its median: the share of its throughput each keeps over TLS
# (issue 16's goal: pbkv keeps at least the share Redis keeps). Everything it starts, it stops.
# Usage: bench/tls-cost.sh [SECONDS_PER_RUN] [ROUNDS]
# Environment: SESSIONS (default "1 8 64"), WARMUP (unmeasured seconds per run, default 10; the
# clusters also get one unmeasured 64-session run each first), MIX (default put:50,get:50),
# TLS_PROVIDER (pbkv's engine: auto, jdk or openssl; default auto).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds="${1:-10}"
rounds="${2:-3}"
sessions_list="${SESSIONS:-1 8 64}"
warmup="${WARMUP:-10}"
mix="${MIX:-put:50,get:50}"
export PBKV_TLS_PROVIDER="${TLS_PROVIDER:-auto}"

bench_init tls-cost.sh
start_pbkv pbkv-plain 0
start_pbkv pbkv-tls 1
start_redis redis-plain 0
start_redis redis-tls 1
wait_ready pbkv-plain pbkv-tls redis-plain redis-tls

echo "warming up the four clusters (${warmup}s + 5s each at 64 sessions, not measured) …" >&2
saved="$seconds"; seconds=5
for c in pbkv-plain pbkv-tls redis-plain redis-tls; do bench_run "$c" 64 >/dev/null; done
seconds="$saved"

echo "TLS vs plain: pbkv (view service, primary, backup; TLS engine $PBKV_TLS_PROVIDER) and Redis (primary, replica), $mix, 100k keys, 16-byte values, ${seconds}s per run after ${warmup}s warm-up, $rounds rounds; $(nproc) cores, $(date -u +%F)"
printf '%-9s %-6s %12s %12s %12s %12s\n' sessions round pbkv_plain pbkv_tls redis_plain redis_tls
declare -A t
for n in $sessions_list; do
  for r in $(seq "$rounds"); do
    for c in pbkv-plain pbkv-tls redis-plain redis-tls; do
      read -r ops _ _ <<<"$(bench_run "$c" "$n")"
      t["$c,$n,$r"]="$ops"
    done
    printf '%-9s %-6s %12.0f %12.0f %12.0f %12.0f\n' "$n" "$r" \
      "${t[pbkv-plain,$n,$r]}" "${t[pbkv-tls,$n,$r]}" "${t[redis-plain,$n,$r]}" "${t[redis-tls,$n,$r]}"
  done
done

echo
echo "share of throughput kept over TLS (TLS/plain per round; median, min, max)"
printf '%-9s %-7s %-30s %7s %7s %7s\n' sessions system ratios median min max
for n in $sessions_list; do
  for sys in pbkv redis; do
    ratios=()
    for r in $(seq "$rounds"); do
      ratios+=("$(python3 -c "print(f'{${t[$sys-tls,$n,$r]}/max(1,${t[$sys-plain,$n,$r]}):.3f}')")")
    done
    read -r med lo hi <<<"$(spread "${ratios[@]}")"
    printf '%-9s %-7s %-30s %7s %7s %7s\n' "$n" "$sys" "${ratios[*]}" "$med" "$lo" "$hi"
  done
done
