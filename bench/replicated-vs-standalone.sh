#!/usr/bin/env bash
# Throughput of a steady cluster whose view service is replicated on ZooKeeper against one whose
# view service is standalone (issue 12: views are off the data path, so they should match within
# noise). Both clusters run side by side on this machine (a primary and a backup each; standalone:
# `pbkv viewserver --in-memory`; replicated: three `--zookeeper` replicas on a 3-server ensemble in
# one JVM, bench/ZkEnsemble.java), loaded alternately A B A B by `pbkv bench`.
# Everything it starts, it stops.   Usage: bench/replicated-vs-standalone.sh [SECONDS] [ROUNDS]
# Environment: SESSIONS (default 8), WARMUP (unmeasured seconds per run, default 5).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-10}"
rounds="${2:-2}"
sessions="${SESSIONS:-8}"
warmup="${WARMUP:-5}"
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
start() { # LOG ARGS...
  local log="$1"; shift
  java -jar "$jar" "$@" --log-level warn >"$work/$log.log" 2>&1 & pids+=($!)
}

java -cp "$jar" bench/ZkEnsemble.java "$work/zk.connect" >"$work/zk.log" 2>&1 & pids+=($!)
for _ in $(seq 300); do [ -f "$work/zk.connect" ] && break; sleep 0.1; done
[ -f "$work/zk.connect" ] || { echo "the ZooKeeper ensemble did not start; log: $work/zk.log" >&2; tail -5 "$work/zk.log" >&2; exit 1; }
ensemble=$(cat "$work/zk.connect")

vs=$(free_port)
start vs viewserver --listen "127.0.0.1:$vs" --in-memory
standalone="127.0.0.1:$vs"
replicas=()
for i in 1 2 3; do
  p=$(free_port); replicas+=("127.0.0.1:$p")
  start "r$i" viewserver --listen "127.0.0.1:$p" --zookeeper "$ensemble" --zk-path /pbkv/bench
done
replicated=$(IFS=,; echo "${replicas[*]}")
for i in 1 2; do
  start "s$i" server --listen "127.0.0.1:$(free_port)" --viewserver "$standalone"
  start "t$i" server --listen "127.0.0.1:$(free_port)" --viewserver "$replicated"
done

ready=""
for _ in $(seq 200); do
  if java -jar "$jar" status --viewserver "$standalone" --log-level error 2>/dev/null | grep -q "backup 127.0.0.1" \
     && java -jar "$jar" status --viewserver "$replicated" --log-level error 2>/dev/null | grep -q "backup 127.0.0.1"; then
    ready=yes; break
  fi
  sleep 0.3
done
if [ -z "$ready" ]; then
  echo "replicated-vs-standalone.sh: the clusters did not come up in 60 s; logs:" >&2
  tail -n 5 "$work"/*.log >&2
  exit 1
fi

bench() { # VIEWSERVER -> ops/s
  local out
  out=$(java -jar "$jar" bench --viewserver "$1" --sessions "$sessions" --duration "${seconds}s" --warmup "${warmup}s")
  grep '^RESULT' <<<"$out" | sed 's/.*throughput=\([0-9.]*\).*/\1/'
}

echo "warming up both clusters (5 s each, not measured) …" >&2
saved="$seconds"; seconds=5; bench "$standalone" >/dev/null; bench "$replicated" >/dev/null; seconds="$saved"
echo "replicated (3 replicas on ZooKeeper) vs standalone view service; $sessions sessions, ${seconds}s per run after ${warmup}s warm-up, $rounds rounds (A B A B); $(nproc) cores, $(date -u +%F)"
printf '%-6s %14s %14s %7s\n' round standalone replicated ratio
for r in $(seq "$rounds"); do
  a=$(bench "$standalone"); b=$(bench "$replicated")
  printf '%-6s %14.0f %14.0f %7s\n' "$r" "$a" "$b" "$(python3 -c "print(f'{$b/$a:.2f}' if $a > 0 else '-')")"
done
