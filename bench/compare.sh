#!/usr/bin/env bash
# Side by side, on this machine: pbkv (view service, primary, backup) against Redis (primary and
# one replica, SET followed by WAIT 1 0), the same closed-loop load from `pbkv bench`, alternating
# A B A B at 1, 8 and 64 sessions. Prints one table with the ratio pbkv/Redis per row.
# Everything it starts, it stops.   Usage: bench/compare.sh [SECONDS_PER_RUN] [ROUNDS]
# Environment: SESSIONS (default "1 8 64"), CLIENTS (pbkv clients, default "pooled direct"),
# WARMUP (unmeasured seconds per run, default 10, 30 with TLS=1: a fresh load-generator JVM must
# compile first, and over TLS also the JDK's TLS stack (AES-GCM runs interpreted until then; at 1
# session a 5 s warm-up left pbkv's run ~30x slower than warm, see README "Securing a cluster")),
# MIX (default put:50,get:50; e.g. put:100 for puts only), TLS=1 (both sides over TLS: pbkv with
# `pbkv certs` certificates on every connection, Redis with --tls-port and TLS replication; the pbkv
# client is then pooled only, as DirectClient speaks plain TCP).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-10}"
rounds="${2:-2}"
sessions_list="${SESSIONS:-1 8 64}"
tls="${TLS:-0}"
if [ "$tls" = 1 ]; then clients_list="${CLIENTS:-pooled}"; else clients_list="${CLIENTS:-pooled direct}"; fi
if [ "$tls" = 1 ]; then warmup="${WARMUP:-30}"; else warmup="${WARMUP:-10}"; fi
mix="${MIX:-put:50,get:50}"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing redis-server (Debian package) …" >&2
  apt-get update -q >/dev/null && apt-get install -y -q redis-server >/dev/null
fi
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

# TLS=1: one CA for both systems; Redis uses the server certificate (it has serverAuth and
# clientAuth, so the replica presents it to the primary as well).
pbkv_tls=(); redis_tls=(); redis_cli_tls=(); bench_tls=(); scheme=redis
if [ "$tls" = 1 ]; then
  java -jar "$jar" certs --out "$work/certs" --servers 127.0.0.1 --viewservers 127.0.0.1 --clients bench >/dev/null
  c="$work/certs"
  pbkv_vs_tls=(--tls-cert "$c/viewservice-127.0.0.1.crt" --tls-key "$c/viewservice-127.0.0.1.key" --tls-ca "$c/ca.crt")
  pbkv_tls=(--tls-cert "$c/server-127.0.0.1.crt" --tls-key "$c/server-127.0.0.1.key" --tls-ca "$c/ca.crt")
  bench_tls=(--tls-cert "$c/client-bench.crt" --tls-key "$c/client-bench.key" --tls-ca "$c/ca.crt")
  redis_tls=(--tls-cert-file "$c/server-127.0.0.1.crt" --tls-key-file "$c/server-127.0.0.1.key" --tls-ca-cert-file "$c/ca.crt" --tls-replication yes --tls-auth-clients yes)
  redis_cli_tls=(--tls --cert "$c/client-bench.crt" --key "$c/client-bench.key" --cacert "$c/ca.crt")
  scheme=rediss
fi

# Redis: a primary and a replica, no persistence.
rp=$(free_port); rr=$(free_port)
if [ "$tls" = 1 ]; then rport=(--port 0 --tls-port); else rport=(--port); fi
redis-server "${rport[@]}" "$rp" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" "${redis_tls[@]}" >"$work/redis-p.log" 2>&1 & pids+=($!); redis_pids="$!"
redis-server "${rport[@]}" "$rr" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" "${redis_tls[@]}" --replicaof 127.0.0.1 "$rp" >"$work/redis-r.log" 2>&1 & pids+=($!); redis_pids="$redis_pids,$!"

# pbkv: a view service, a primary and a backup.
vs=$(free_port); s1=$(free_port); s2=$(free_port)
java -jar "$jar" viewserver --listen "127.0.0.1:$vs" --log-level warn ${pbkv_vs_tls[@]+"${pbkv_vs_tls[@]}"} >"$work/vs.log" 2>&1 & pids+=($!); pbkv_pids="$!"
java -jar "$jar" server --listen "127.0.0.1:$s1" --viewserver "127.0.0.1:$vs" --log-level warn ${pbkv_tls[@]+"${pbkv_tls[@]}"} >"$work/s1.log" 2>&1 & pids+=($!); pbkv_pids="$pbkv_pids,$!"
java -jar "$jar" server --listen "127.0.0.1:$s2" --viewserver "127.0.0.1:$vs" --log-level warn ${pbkv_tls[@]+"${pbkv_tls[@]}"} >"$work/s2.log" 2>&1 & pids+=($!); pbkv_pids="$pbkv_pids,$!"

ready=""
for _ in $(seq 100); do
  if redis-cli -p "$rp" ${redis_cli_tls[@]+"${redis_cli_tls[@]}"} info replication 2>/dev/null | grep -q "connected_slaves:1" \
     && java -jar "$jar" status --viewserver "127.0.0.1:$vs" --log-level error ${bench_tls[@]+"${bench_tls[@]}"} 2>/dev/null | grep -q "backup 127.0.0.1"; then
    ready=yes; break
  fi
  sleep 0.3
done
if [ -z "$ready" ]; then
  echo "compare.sh: the clusters did not come up in 30 s; logs in $work:" >&2
  tail -n 5 "$work"/*.log >&2
  exit 1
fi

bench() { # TARGET SESSIONS [CLIENT] -> "ops/s p50 cpu_per_op"
  local args=(--sessions "$2" --duration "${seconds}s" --warmup "${warmup}s" --mix "$mix" --keys 100000 --value-size 16)
  local out
  if [ "$1" = pbkv ]; then
    out=$(java -jar "$jar" bench --viewserver "127.0.0.1:$vs" --client "$3" --cpu-pids "$pbkv_pids" "${args[@]}" ${bench_tls[@]+"${bench_tls[@]}"})
  else
    out=$(java -jar "$jar" bench --target "$scheme://127.0.0.1:$rp" --redis-wait 1 --cpu-pids "$redis_pids" "${args[@]}" ${bench_tls[@]+"${bench_tls[@]}"})
  fi
  local result cpu
  result=$(grep '^RESULT' <<<"$out"); cpu=$(grep '^CPU' <<<"$out")
  if [ -z "$result" ]; then echo "compare.sh: the $1 run failed:" >&2; echo "$out" >&2; exit 1; fi
  local t p c s
  t=$(sed 's/.*throughput=\([0-9.]*\).*/\1/' <<<"$result")
  p=$(sed 's/.* p50=\([0-9.]*\) ms.*/\1/' <<<"$result")
  c=$(sed 's/.* client=\([0-9.]*\) us.*/\1/' <<<"$cpu")
  s=$(sed 's/.*\]=\([0-9.]*\) us.*/\1/' <<<"$cpu")
  echo "$t $p $(python3 -c "print(f'{$c+$s:.0f}')")"
}

# The servers run warm in production: one unmeasured run each first (pbkv's JVMs compile their hot
# paths during it; Redis gets the same run for symmetry).
echo "warming up both clusters (${warmup}s + 5s each, not measured) …" >&2
saved_seconds="$seconds"; seconds=5
bench pbkv 64 pooled >/dev/null; bench redis 64 >/dev/null
seconds="$saved_seconds"

[ "$tls" = 1 ] && echo "both over TLS (pbkv: JDK TLS on every connection, client certificate; Redis: --tls-port, TLS replication, client certificate)"
echo "pbkv vs Redis (SET + WAIT 1 0), $mix, 100k keys, 16-byte values, ${seconds}s per run after ${warmup}s warm-up, $rounds rounds (A B A B); $(nproc) cores, $(date -u +%F)"
echo "pbkv clients: pooled = PbkvClient (sessions multiplexed on one connection), direct = DirectClient (a connection per session, like the Redis driver)"
echo "cpu = CPU time per op of the load generator plus the servers (pbkv: view service, primary, backup; Redis: primary, replica)"
printf '%-9s %-7s %-6s %12s %12s %7s %9s %9s %9s %9s\n' sessions client round pbkv_ops/s redis_ops/s ratio pbkv_p50 redis_p50 pbkv_cpu redis_cpu
summary=()
for n in $sessions_list; do
  for client in $clients_list; do
    sum_ratio=0
    for r in $(seq "$rounds"); do
      read -r ta pa ca <<<"$(bench pbkv "$n" "$client")"
      read -r tb pb cb <<<"$(bench redis "$n")"
      ratio=$(python3 -c "print(f'{$ta/$tb:.2f}' if $tb > 0 else '0')")
      sum_ratio=$(python3 -c "print($sum_ratio + $ratio)")
      printf '%-9s %-7s %-6s %12.0f %12.0f %7s %7sms %7sms %7sus %7sus\n' "$n" "$client" "$r" "$ta" "$tb" "$ratio" "$pa" "$pb" "$ca" "$cb"
    done
    summary+=("$n sessions, $client client: mean throughput ratio pbkv/redis $(python3 -c "print(f'{$sum_ratio/$rounds:.2f}')")")
  done
done
printf '%s\n' "${summary[@]}"
