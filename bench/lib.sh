# Shared by the bench scripts (sourced, not run): start pbkv and Redis clusters on this machine,
# wait for them, run `pbkv bench` against one, and stop everything on exit.
#
#   bench_init NAME                 jar, a work folder, the cleanup trap ($work, $jar)
#   build_rev REV                   builds commit REV in a temporary git worktree, removed on exit
#                                   ($rev_commit, $rev_jar)
#   bench_certs                     `pbkv certs` for 127.0.0.1 and a client "bench" ($certs)
#   start_pbkv C TLS [ARGS...]      view service + two servers (of the jar ${jar_of[C]}, else
#                                   $jar); ARGS go to every process, the
#                                   arrays $server_args and $server_jvm_args (JVM flags) to the
#                                   servers only ($port_of_pid: each server's port)
#   start_redis C TLS               primary + replica (no persistence; TLS replication with TLS=1)
#   wait_ready C...                 until each cluster has a primary and a backup (30 s, else exit 1)
#   stop_clusters                   stops every cluster started so far (the work folder stays)
#   bench_run C SESSIONS [CLIENT]   prints "ops/s p50_ms cpu_us_per_op" (load generator + servers;
#                                   a pbkv cluster's load generator is of its own jar)
#
# A cluster C is a name; its kind, address, pids and TLS flag live in the arrays below. Bench
# settings come from $seconds, $warmup, $mix (set by the script).
# shellcheck shell=bash

declare -A kind_of addr_of pids_of tls_of metrics_of port_of_pid jar_of
pids=()
server_args=()
server_jvm_args=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

bench_init() {
  script_name="$1"
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  ./pbkv --version >/dev/null   # builds the jar if needed
  jar=pbkv-cli/target/pbkv.jar
  work="$(mktemp -d)"
  trap bench_cleanup EXIT INT TERM
}

bench_cleanup() {
  stop_clusters
  wait 2>/dev/null || true
  if [ -n "${rev_tree:-}" ]; then git worktree remove --force "$rev_tree" 2>/dev/null || true; fi
  rm -rf "$work"
}

stop_clusters() {
  local p
  for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null || true; done
  for p in ${pids[@]+"${pids[@]}"}; do wait "$p" 2>/dev/null || true; done
  pids=(); pids_of=(); addr_of=(); kind_of=(); port_of_pid=()
}

build_rev() { # REV
  rev_commit=$(git rev-parse --verify --quiet "$1^{commit}") \
    || { echo "$script_name: '$1' is not a commit of this repository" >&2; exit 2; }
  rev_tree="$work/old"
  echo "building $1 (${rev_commit:0:7}) in $rev_tree …" >&2
  git worktree add --detach -q "$rev_tree" "$rev_commit"
  (cd "$rev_tree" && ./mvnw -B -ntp -q -pl pbkv-cli -am package -DskipTests -DskipITs >"$work/old-build.log" 2>&1) \
    || { echo "$script_name: building $1 failed; the log:" >&2; tail -n 20 "$work/old-build.log" >&2; exit 1; }
  rev_jar="$rev_tree/pbkv-cli/target/pbkv.jar"
}

bench_certs() {
  certs="$work/certs"
  [ -d "$certs" ] && return
  java -jar "$jar" certs --out "$certs" --servers 127.0.0.1 --viewservers 127.0.0.1 --clients bench >/dev/null
}

need_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "installing redis-server (Debian package) …" >&2
    apt-get update -q >/dev/null && apt-get install -y -q redis-server >/dev/null
  fi
}

# TLS flags of a member (viewservice|server) or of the bench client, for cluster C.
pbkv_tls_args() { # C ROLE
  [ "${tls_of[$1]}" = 1 ] || return 0
  case "$2" in
    viewservice) echo --tls-cert "$certs/viewservice-127.0.0.1.crt" --tls-key "$certs/viewservice-127.0.0.1.key" --tls-ca "$certs/ca.crt" ;;
    server) echo --tls-cert "$certs/server-127.0.0.1.crt" --tls-key "$certs/server-127.0.0.1.key" --tls-ca "$certs/ca.crt" ;;
    client) echo --tls-cert "$certs/client-bench.crt" --tls-key "$certs/client-bench.key" --tls-ca "$certs/ca.crt" ;;
  esac
}

start_pbkv() { # C TLS [ARGS...]: ARGS may contain METRICS, replaced by --metrics-listen on a free port
  local c="$1" tls="$2"; shift 2
  local jar="${jar_of[$c]:-$jar}"
  kind_of[$c]=pbkv; tls_of[$c]="$tls"
  [ "$tls" = 1 ] && bench_certs
  local vs s p args a
  vs=$(free_port)
  addr_of[$c]="127.0.0.1:$vs"
  for role in viewservice server server; do
    args=()
    for a in "$@"; do
      if [ "$a" = METRICS ]; then
        p=$(free_port); args+=(--metrics-listen "127.0.0.1:$p")
        [ -z "${metrics_of[$c]:-}" ] && metrics_of[$c]="$p"
      else
        args+=("$a")
      fi
    done
    # shellcheck disable=SC2046
    if [ "$role" = viewservice ]; then
      java -jar "$jar" viewserver --in-memory --listen "127.0.0.1:$vs" --log-level warn \
        $(pbkv_tls_args "$c" viewservice) ${args[@]+"${args[@]}"} >"$work/$c-vs.log" 2>&1 &
    else
      s=$(free_port)
      java ${server_jvm_args[@]+"${server_jvm_args[@]}"} -jar "$jar" server --listen "127.0.0.1:$s" \
        --viewserver "127.0.0.1:$vs" --log-level warn \
        $(pbkv_tls_args "$c" server) ${args[@]+"${args[@]}"} ${server_args[@]+"${server_args[@]}"} \
        >"$work/$c-$s.log" 2>&1 &
      port_of_pid[$!]="$s"
    fi
    pids+=($!); pids_of[$c]="${pids_of[$c]:+${pids_of[$c]},}$!"
  done
}

start_redis() { # C TLS
  local c="$1" tls="$2" rp rr port_flags tls_flags=()
  need_redis
  kind_of[$c]=redis; tls_of[$c]="$tls"
  rp=$(free_port); rr=$(free_port)
  if [ "$tls" = 1 ]; then
    bench_certs
    port_flags=(--port 0 --tls-port)
    # the server certificate has serverAuth and clientAuth: the replica presents it to the primary
    tls_flags=(--tls-cert-file "$certs/server-127.0.0.1.crt" --tls-key-file "$certs/server-127.0.0.1.key"
      --tls-ca-cert-file "$certs/ca.crt" --tls-replication yes --tls-auth-clients yes)
  else
    port_flags=(--port)
  fi
  redis-server "${port_flags[@]}" "$rp" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
    ${tls_flags[@]+"${tls_flags[@]}"} >"$work/$c-p.log" 2>&1 &
  pids+=($!); pids_of[$c]="$!"
  redis-server "${port_flags[@]}" "$rr" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
    ${tls_flags[@]+"${tls_flags[@]}"} --replicaof 127.0.0.1 "$rp" >"$work/$c-r.log" 2>&1 &
  pids+=($!); pids_of[$c]="${pids_of[$c]},$!"
  addr_of[$c]="127.0.0.1:$rp"
}

ready() { # C
  local c="$1"
  if [ "${kind_of[$c]}" = redis ]; then
    local cli=()
    [ "${tls_of[$c]}" = 1 ] && cli=(--tls --cert "$certs/client-bench.crt" --key "$certs/client-bench.key" --cacert "$certs/ca.crt")
    redis-cli -p "${addr_of[$c]#*:}" ${cli[@]+"${cli[@]}"} info replication 2>/dev/null | grep -q "connected_slaves:1"
  else
    # shellcheck disable=SC2046
    java -jar "${jar_of[$c]:-$jar}" status --viewserver "${addr_of[$c]}" --log-level error $(pbkv_tls_args "$c" client) 2>/dev/null \
      | grep -q "backup 127.0.0.1"
  fi
}

wait_ready() { # C...
  local c
  for c in "$@"; do
    local ok=""
    for _ in $(seq 100); do
      if ready "$c"; then ok=yes; break; fi
      sleep 0.3
    done
    if [ -z "$ok" ]; then
      echo "$script_name: cluster $c did not come up in 30 s; logs in $work:" >&2
      tail -n 5 "$work"/*.log >&2
      trap - EXIT; exit 1
    fi
  done
}

bench_run() { # C SESSIONS [CLIENT] -> "ops/s p50_ms cpu_us_per_op"
  local c="$1" n="$2" client="${3:-pooled}"
  local args=(--sessions "$n" --duration "${seconds}s" --warmup "${warmup}s" --mix "$mix" --keys 100000 --value-size 16
    --cpu-pids "${pids_of[$c]}")
  local out
  # shellcheck disable=SC2046
  if [ "${kind_of[$c]}" = pbkv ]; then
    out=$(java -jar "${jar_of[$c]:-$jar}" bench --viewserver "${addr_of[$c]}" --client "$client" "${args[@]}" $(pbkv_tls_args "$c" client))
  else
    local scheme=redis tls=()
    if [ "${tls_of[$c]}" = 1 ]; then
      scheme=rediss; tls=(--tls-cert "$certs/client-bench.crt" --tls-key "$certs/client-bench.key" --tls-ca "$certs/ca.crt")
    fi
    out=$(java -jar "$jar" bench --target "$scheme://${addr_of[$c]}" --redis-wait 1 "${args[@]}" ${tls[@]+"${tls[@]}"})
  fi
  local result cpu
  result=$(grep '^RESULT' <<<"$out" || true); cpu=$(grep '^CPU' <<<"$out" || true)
  if [ -z "$result" ]; then echo "$script_name: the run on $c failed:" >&2; echo "$out" >&2; exit 1; fi
  local t p cl sv
  t=$(sed 's/.*throughput=\([0-9.]*\).*/\1/' <<<"$result")
  p=$(sed 's/.* p50=\([0-9.]*\) ms.*/\1/' <<<"$result")
  cl=$(sed 's/.* client=\([0-9.]*\) us.*/\1/' <<<"$cpu")
  sv=$(sed 's/.*\]=\([0-9.]*\) us.*/\1/' <<<"$cpu")
  echo "$t $p $(python3 -c "print(f'{$cl+$sv:.0f}')")"
}

# median / min / max of the numbers given, as "median min max" with 3 decimals
spread() { python3 -c 'import statistics,sys; r=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(r):.3f} {min(r):.3f} {max(r):.3f}")' "$@"; }
