#!/usr/bin/env bash
# Issue 13's report as a figure: "one 10 MB value through the shell made a live cluster change views
# 4 times in 5 s and a small get time out". Starts a view service and two servers with
# --max-value-bytes 16MiB, runs a loop of small ops beside them (bench/SmallOpProbe.java: one
# session, a put then a get of one key, each op's latency; the view service's status every 100 ms:
# the view and each server's missed pings), and after QUIET seconds puts a SIZE_MIB value N times
# with `pbkv put --value-file` (a process each, as a user does), then N times more from one client
# JVM (bench/LargePut.java: the put alone, without a JVM start). Prints each large put's time, the
# small ops' latency p50/p99/max before and during the large puts, the views seen, the most pings a
# server missed in a row (the view service declares it dead at 5), each server's longest GC pause
# and peak RSS (VmHWM). First it prints the default limit's refusal (the client refuses before
# sending). Everything it starts, it stops.
# Usage: bench/large-value.sh [N] [SIZE_MIB]       (default 5 puts of 10 MiB each way)
# Environment: QUIET (seconds of small ops measured before the puts, default 5; 3 s of warm-up
# come first); SERVER_JVM (the servers' JVM flags, e.g. "-Xmx256m -XX:+UseSerialGC
# -XX:TieredStopAtLevel=1" as the multi-process tests run them; default: the JVM's defaults).
# Shared code: bench/lib.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n="${1:-5}"
size_mib="${2:-10}"
quiet="${QUIET:-5}"

bench_init large-value.sh
server_args=(--max-value-bytes 16MiB)
read -r -a server_jvm_args <<<"${SERVER_JVM:-}"
server_jvm_args+=("-Xlog:gc:file=$work/gc-%p.log")
start_pbkv big 0
wait_ready big
vs="${addr_of[big]}"
value="$work/value.bin"
head -c $((size_mib << 20)) /dev/urandom >"$value"
pbkv() { java -jar "$jar" "$@" --viewserver "$vs"; }
now_ms() { date +%s%3N; }
json_field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
hwm_mib() { awk '/^VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
max_gc_ms() { grep -o 'Pause.* \([0-9.]*\)ms$' "$work/gc-$1.log" | awk '{v=$NF+0; if (v>m) m=v} END {printf "%.0f", m}'; }

echo "a ${size_mib} MiB value, $n times through \`pbkv put --value-file\` and $n times from one client JVM;" \
  "view service + 2 servers with --max-value-bytes 16MiB${SERVER_JVM:+, server JVM flags: $SERVER_JVM};" \
  "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %H:%M') UTC"
set +e
refusal=$(pbkv put big --value-file "$value" 2>&1 >/dev/null); refusal_exit=$?
set -e
echo "with the client's default limit: exit $refusal_exit, \"$refusal\""

status_json=$(pbkv status --json)
view_before=$(json_field '["view"]["num"]' <<<"$status_json")
primary=$(json_field '["view"]["primary"]' <<<"$status_json")
backup=$(json_field '["view"]["backup"]' <<<"$status_json")
declare -A pid_at hwm_before
IFS=, read -r -a cluster_pids <<<"${pids_of[big]}"
for p in "${cluster_pids[@]:1}"; do pid_at["127.0.0.1:${port_of_pid[$p]}"]=$p; done

probe="$work/probe.txt"
java -cp "$jar" bench/SmallOpProbe.java "$vs" "$probe" 2>"$work/probe.err" &
probe_pid=$!; pids+=("$probe_pid")
for _ in $(seq 600); do grep -q '^op ' "$probe" 2>/dev/null && break; sleep 0.1; done
sleep 3   # the probe's JIT warm-up, not measured
q0=$(now_ms); sleep "$quiet"; q1=$(now_ms)
for a in "$primary" "$backup"; do hwm_before[$a]=$(hwm_mib "${pid_at[$a]}"); done

t0=$(now_ms); pbkv put small-cli v >/dev/null; small_cli_ms=$(($(now_ms) - t0))
windows=()
printf '%-30s %9s %5s\n' "large put" seconds exit
for i in $(seq "$n"); do
  t0=$(now_ms)
  set +e
  pbkv put big --value-file "$value" --max-value-bytes 16MiB >/dev/null 2>"$work/put-$i.err"; rc=$?
  set -e
  t1=$(now_ms)
  windows+=("$t0:$t1")
  printf '%-30s %9.2f %5s %s\n' "pbkv put process $i" "$(python3 -c "print(($t1-$t0)/1000)")" "$rc" \
    "$(head -c 200 "$work/put-$i.err" | tr '\n' ' ')"
done
printf '%-30s %9.2f   (JVM start and connect: the rest of a large put'"'"'s process time)\n' \
  "pbkv put process, small value" "$(python3 -c "print($small_cli_ms/1000)")"
lib_out="$work/lib-puts.txt"
java -cp "$jar" bench/LargePut.java "$vs" big "$value" "$n" >"$lib_out" 2>"$work/lib-puts.err" || {
  echo "large-value.sh: the client JVM's puts failed:" >&2; cat "$work/lib-puts.err" >&2; }
while read -r _ i ms a b; do
  printf '%-30s %9.2f %5s\n' "client JVM put $i" "$(python3 -c "print($ms/1000)")" 0
  windows+=("$a:$b")
done <"$lib_out"
sleep 1
touch "$probe.stop"; wait "$probe_pid" || true

same=no
[ "$(pbkv get big --raw | sha256sum)" = "$(sha256sum <"$value")" ] && same=yes
view_after=$(pbkv status --json | json_field '["view"]["num"]')
echo "get big --raw returns the same bytes (SHA-256): $same"

python3 - "$probe" "$q0" "$q1" "${windows[@]}" <<'EOF'
import sys
path, q0, q1, *wins = sys.argv[1:]
q0, q1 = int(q0), int(q1)
wins = [tuple(map(int, w.split(':'))) for w in wins]
before, during, views, missed = [], [], [], {}
def phase(t):
    if q0 <= t <= q1: return 'before'
    if any(a <= t <= b for a, b in wins): return 'during'
    return None
for line in open(path):
    f = line.split()
    if f[0] == 'view':
        views.append(int(f[2]))
    elif f[0] == 'missed' and phase(int(f[1])):
        key = (phase(int(f[1])), f[2])
        missed[key] = max(missed.get(key, 0), int(f[3]))
    elif f[0] == 'op':
        t, us, ok = int(f[1]), int(f[2]), f[3] == 'ok'
        {'before': before, 'during': during}.get(phase(t), []).append((us, ok))
def row(name, ops):
    if not ops:
        print(f"{name:<34} {0:>6}"); return
    lat = sorted(us / 1000 for us, _ in ops)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    print(f"{name:<34} {len(ops):>6} {sum(1 for _, ok in ops if not ok):>6} {p(.5):>8.2f} {p(.99):>8.2f} {lat[-1]:>8.2f}")
print(f"{'small ops (1 session, put/get)':<34} {'ops':>6} {'failed':>6} {'p50_ms':>8} {'p99_ms':>8} {'max_ms':>8}")
row("before the large puts", before)
row("during the large puts", during)
print(f"views seen by the probe: {' -> '.join(map(str, views))} ({len(views) - 1} changes)")
for ph in ('before', 'during'):
    ms = [f"{s} {m}" for (p, s), m in sorted(missed.items()) if p == ph]
    print(f"most pings missed in a row {ph} the large puts: {', '.join(ms) if ms else 'none'}")
EOF
echo "view number before the puts $view_before, after $view_after"
for a in "$primary" "$backup"; do
  role=primary; [ "$a" = "$backup" ] && role=backup
  p=${pid_at[$a]}
  echo "$role $a: peak RSS (VmHWM) $(hwm_mib "$p") MiB (before the large puts ${hwm_before[$a]} MiB), longest GC pause $(max_gc_ms "$p") ms"
done
