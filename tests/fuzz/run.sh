#!/usr/bin/env bash
# Fuzzes the served GraphQL schema with schemathesis for a bounded time: `tests/fuzz/run.sh [SECONDS]`
# (default 120). Starts `simpul serve --demo` (the debug binary, built if needed) on a free port in a fresh
# folder, signs in as the Bulukumba front office so that signed-in operations are reached too, and fails on any
# 5xx, any INTERNAL error or error without a documented code (hooks.py), a server that stopped, or a panic in its
# log. Needs `schemathesis` on PATH (.ci/run installs it into a virtualenv).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-120}"
cargo build --quiet --bin simpul
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
definitions="$PWD/service-definitions"
(cd "$work" && env -u DATABASE_URL -u REDIS_URL -u S3_ENDPOINT SIMPUL_TOKEN_SECRET=fuzz-secret-fuzz-secret-fuzz-secret-fuzz \
  "$OLDPWD/target/debug/simpul" serve --demo --bind "127.0.0.1:$port" --definitions "$definitions" \
  >"$work/stdout.log" 2>"$work/server.log") &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
token="$(curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
  -d '{"query":"mutation { login(username: \"petugas_layanan@bulukumba\", password: \"demo\") { token } }"}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["login"]["token"])')"
status=0
(cd tests/fuzz && SCHEMATHESIS_HOOKS=hooks PYTHONPATH=. schemathesis run "http://127.0.0.1:$port/graphql" \
  -H "Authorization: Bearer $token" --max-time "$seconds" \
  --checks the_server_never_fails --exclude-checks not_a_server_error) || status=$?
if ! curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then
  echo "the server stopped during fuzzing"; tail -50 "$work/server.log"; exit 1
fi
if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked during fuzzing"; grep -B2 -A10 "panicked" "$work/server.log" | head -60; exit 1
fi
exit "$status"
