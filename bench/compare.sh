#!/usr/bin/env bash
# Side by side, on this machine: pbkv (view service, primary, backup) against Redis (primary and
# one replica, SET followed by WAIT 1 0), the same closed-loop load from `pbkv bench`, alternating
# A B A B at 1, 8 and 64 sessions. Prints one table with the ratio pbkv/Redis per row.
# Everything it starts, it stops.   Usage: bench/compare.sh [SECONDS_PER_RUN] [ROUNDS]
# Environment: SESSIONS (default "1 8 64"), CLIENTS (pbkv clients, default "pooled direct"),
# WARMUP (unmeasured seconds per run, default 10, 30 with TLS=1: a fresh load-generator JVM must
# compile first, and over TLS also the JDK's TLS stack (AES-GCM runs interpreted until then; at 1
# session a 5 s warm-up left pbkv's run ~30x slower than warm, see README "Securing a cluster");
# bench/tls-cost.sh measures TLS against plain for both systems in one run),
# MIX (default put:50,get:50; e.g. put:100 for puts only), TLS=1 (both sides over TLS: pbkv with
# `pbkv certs` certificates on every connection, Redis with --tls-port and TLS replication; the pbkv
# client is then pooled only). Shared code: bench/lib.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds="${1:-10}"
rounds="${2:-2}"
sessions_list="${SESSIONS:-1 8 64}"
tls="${TLS:-0}"
if [ "$tls" = 1 ]; then clients_list="${CLIENTS:-pooled}"; else clients_list="${CLIENTS:-pooled direct}"; fi
if [ "$tls" = 1 ]; then warmup="${WARMUP:-30}"; else warmup="${WARMUP:-10}"; fi
mix="${MIX:-put:50,get:50}"

bench_init compare.sh
start_redis redis "$tls"
start_pbkv pbkv "$tls"
wait_ready redis pbkv

# The servers run warm in production: one unmeasured run each first (pbkv's JVMs compile their hot
# paths during it; Redis gets the same run for symmetry).
echo "warming up both clusters (${warmup}s + 5s each, not measured) …" >&2
saved_seconds="$seconds"; seconds=5
bench_run pbkv 64 pooled >/dev/null; bench_run redis 64 >/dev/null
seconds="$saved_seconds"

[ "$tls" = 1 ] && echo "both over TLS (pbkv: TLS on every connection, client certificate; Redis: --tls-port, TLS replication, client certificate)"
echo "pbkv vs Redis (SET + WAIT 1 0), $mix, 100k keys, 16-byte values, ${seconds}s per run after ${warmup}s warm-up, $rounds rounds (A B A B); $(nproc) cores, $(date -u +%F)"
echo "pbkv clients: pooled = PbkvClient (sessions multiplexed on one connection), direct = DirectClient (a connection per session, like the Redis driver)"
echo "cpu = CPU time per op of the load generator plus the servers (pbkv: view service, primary, backup; Redis: primary, replica)"
printf '%-9s %-7s %-6s %12s %12s %7s %9s %9s %9s %9s\n' sessions client round pbkv_ops/s redis_ops/s ratio pbkv_p50 redis_p50 pbkv_cpu redis_cpu
summary=()
for n in $sessions_list; do
  for client in $clients_list; do
    sum_ratio=0
    for r in $(seq "$rounds"); do
      read -r ta pa ca <<<"$(bench_run pbkv "$n" "$client")"
      read -r tb pb cb <<<"$(bench_run redis "$n")"
      ratio=$(python3 -c "print(f'{$ta/$tb:.2f}' if $tb > 0 else '0')")
      sum_ratio=$(python3 -c "print($sum_ratio + $ratio)")
      printf '%-9s %-7s %-6s %12.0f %12.0f %7s %7sms %7sms %7sus %7sus\n' "$n" "$client" "$r" "$ta" "$tb" "$ratio" "$pa" "$pb" "$ca" "$cb"
    done
    summary+=("$n sessions, $client client: mean throughput ratio pbkv/redis $(python3 -c "print(f'{$sum_ratio/$rounds:.2f}')")")
  done
done
printf '%s\n' "${summary[@]}"
