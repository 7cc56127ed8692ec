#!/usr/bin/env bash
# The smallest thing that shows what TLS costs pbkv's runtime: one JVM, a NetRuntime listening
# with a server certificate and a client NetRuntime with a client certificate (the real
# SslHandler, PeerGate and codec), N sequential Request -> Reply round trips, plain TCP, then TLS
# on the JDK's engine, then TLS on BoringSSL (netty-tcnative), ROUNDS times (the first round
# includes the JIT's warm-up). No protocol, no view service.
# Usage: bench/tls-roundtrip.sh [N] [ROUNDS]      (default 3000 round trips, 3 rounds)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n="${1:-3000}"
rounds="${2:-3}"
./pbkv --version >/dev/null   # builds the jar if needed
jar=pbkv-cli/target/pbkv.jar
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT INT TERM
java -jar "$jar" certs --out "$work/certs" --servers 127.0.0.1 --clients bench >/dev/null
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$jar" bench/TlsRoundTrip.java "$work/certs" "$n" "$rounds" 2>&1 \
  | grep -E '^(plain|TLS)'
