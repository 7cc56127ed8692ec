#!/usr/bin/env bash
# Side by side, on this machine: pbkv (view service, primary, backup) against Redis (primary and
# one replica, SET followed by WAIT 1 0), the same closed-loop load from `pbkv bench`, alternating
# A B A B at 1, 8 and 64 sessions. Prints one table with the ratio pbkv/Redis per row.
# Everything it starts, it stops.   Usage: bench/compare.sh [SECONDS_PER_RUN] [ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-10}"
rounds="${2:-2}"
sessions_list="${SESSIONS:-1 8 64}"

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

# Redis: a primary and a replica, no persistence.
rp=$(free_port); rr=$(free_port)
redis-server --port "$rp" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis-p.log" 2>&1 & pids+=($!)
redis-server --port "$rr" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --replicaof 127.0.0.1 "$rp" >"$work/redis-r.log" 2>&1 & pids+=($!)

# pbkv: a view service, a primary and a backup.
vs=$(free_port); s1=$(free_port); s2=$(free_port)
java -jar "$jar" viewserver --listen "127.0.0.1:$vs" --log-level warn >"$work/vs.log" 2>&1 & pids+=($!)
java -jar "$jar" server --listen "127.0.0.1:$s1" --viewserver "127.0.0.1:$vs" --log-level warn >"$work/s1.log" 2>&1 & pids+=($!)
java -jar "$jar" server --listen "127.0.0.1:$s2" --viewserver "127.0.0.1:$vs" --log-level warn >"$work/s2.log" 2>&1 & pids+=($!)

for _ in $(seq 100); do
  if redis-cli -p "$rp" info replication 2>/dev/null | grep -q "connected_slaves:1" \
     && java -jar "$jar" status --viewserver "127.0.0.1:$vs" --log-level error 2>/dev/null | grep -q "backup 127.0.0.1"; then
    break
  fi
  sleep 0.3
done

bench() { # TARGET SESSIONS
  local args=(--sessions "$2" --duration "${seconds}s" --warmup 2s --mix put:50,get:50 --keys 100000 --value-size 16)
  if [ "$1" = pbkv ]; then
    java -jar "$jar" bench --viewserver "127.0.0.1:$vs" "${args[@]}"
  else
    java -jar "$jar" bench --target "redis://127.0.0.1:$rp" --redis-wait 1 "${args[@]}"
  fi | grep '^RESULT'
}

echo "pbkv vs Redis (SET + WAIT 1 0), put:50,get:50, 100k keys, 16-byte values, ${seconds}s per run, $rounds rounds (A B A B); $(nproc) cores, $(date -u +%F)"
printf '%-9s %-7s %14s %14s %8s %10s %10s\n' sessions round pbkv_ops/s redis_ops/s ratio pbkv_p50 redis_p50
for n in $sessions_list; do
  for r in $(seq "$rounds"); do
    a=$(bench pbkv "$n"); b=$(bench redis "$n")
    ta=$(sed 's/.*throughput=\([0-9.]*\).*/\1/' <<<"$a"); tb=$(sed 's/.*throughput=\([0-9.]*\).*/\1/' <<<"$b")
    pa=$(sed 's/.* p50=\([0-9.]*\) ms.*/\1/' <<<"$a"); pb=$(sed 's/.* p50=\([0-9.]*\) ms.*/\1/' <<<"$b")
    ratio=$(python3 -c "print(f'{$ta/$tb:.2f}' if $tb > 0 else 'n/a')")
    printf '%-9s %-7s %14.0f %14.0f %8s %8sms %8sms\n' "$n" "$r" "$ta" "$tb" "$ratio" "$pa" "$pb"
  done
done
