#!/usr/bin/env bash
# Times the manager and admin views on a seeded database. A figure, not a test.
#   levelfield seed --size L            (with DATABASE_URL=sqlite:///tmp/l.db)
#   scripts/measure-views.sh /tmp/l.db admin@synthetic-XXXXXX.test [PORT]
# The admin email is in the database (users table); the seeded password is "levelfield demo".
set -euo pipefail
cd "$(dirname "$0")/.."
DB=$1; ADMIN=$2; PORT=${3:-3400}
BIN=${LEVELFIELD_BIN:-target/debug/levelfield}
LEPTOS_OUTPUT_NAME=levelfield LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:$PORT DATABASE_URL=sqlite://$DB LEVELFIELD_WATCH_CONTENT=0 RUST_LOG=warn \
  "$BIN" serve > /dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.5; done
JAR=$(mktemp)
curl -s -c "$JAR" -o /dev/null -H "Origin: http://127.0.0.1:$PORT" \
  --data-urlencode "email=$ADMIN" --data-urlencode "password=levelfield demo" "http://127.0.0.1:$PORT/login"
for url in "/org/skills" "/org/skills?role=ml-engineer" "/teams/1/skills" "/teams/1/skills.csv" "/teams/1/gaps.csv" "/"; do
  for _ in 1 2 3; do
    curl -s --max-time 300 -b "$JAR" -o /dev/null -w "%{http_code} %{time_total}s %{size_download}B  $url\n" "http://127.0.0.1:$PORT$url"
  done
done
rm -f "$JAR"
