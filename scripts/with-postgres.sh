#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster on loopback, exported as TEST_POSTGRES_URL.
# Installs PostgreSQL from the system's packages when no server binaries are found (CI runs as
# root on Debian). PostgreSQL refuses to run as root, so the cluster runs as `postgres`.
set -euo pipefail

if [ -n "${TEST_POSTGRES_URL:-}" ]; then exec "$@"; fi

find_bin() {
  local on_path
  on_path=$(command -v pg_ctl 2>/dev/null || true)
  for dir in ${on_path:+"$(dirname "$(readlink -f "$on_path")")"} /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/createdb" ]; then
      echo "$dir"; return 0
    fi
  done
  return 1
}

PGBIN=$(find_bin || true)
if [ -z "$PGBIN" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "PostgreSQL not found: installing it from the system's packages" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PGBIN=$(find_bin)
  else
    echo "PostgreSQL server binaries not found; tests will run on SQLite only" >&2
    exec "$@"
  fi
fi

RUN=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  RUN=(runuser -u postgres --)
  cd_safe() { (cd / && "$@"); }  # postgres may not enter the caller's directory
else
  cd_safe() { "$@"; }
fi

PGDATA=$(mktemp -d /tmp/canbot-pg.XXXXXX)
chmod 700 "$PGDATA"
[ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cleanup() {
  cd_safe "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap cleanup EXIT

cd_safe "${RUN[@]}" "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 >/dev/null
cd_safe "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -w -l "$PGDATA/log" \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
cd_safe "${RUN[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres canbot_test

export TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/canbot_test"
export CANBOT_REQUIRE_POSTGRES=1
set +e
"$@"
status=$?
exit $status
