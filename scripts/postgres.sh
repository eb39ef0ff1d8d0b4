#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1, for the store's tests and local runs.
#
#   scripts/postgres.sh start   # installs PostgreSQL from Debian's packages if missing (as root),
#                               # starts a cluster on a free port, prints its URL on stdout
#   scripts/postgres.sh url     # prints the URL of the running cluster
#   scripts/postgres.sh stop    # stops the cluster and deletes its files
#
# The cluster lives in $ROLEBOT_PG_DIR (default: $TMPDIR/rolebot-postgres). It runs as the
# postgres user when started by root (initdb refuses root), with fsync off: it is for tests only.
# Its superuser is "rolebot" with a random password (host connections need it), so that the
# tests also prove that a password never reaches an error or a log line.
#
#   export ROLEBOT_TEST_POSTGRES_URL=$(scripts/postgres.sh start)
#   go test ./internal/store/...
#   scripts/postgres.sh stop
set -euo pipefail

dir=${ROLEBOT_PG_DIR:-${TMPDIR:-/tmp}/rolebot-postgres}

log() { echo "postgres.sh: $*" >&2; }

bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; fi
  done | sort -V | tail -n 1
}

# as runs a command as the cluster's owner: postgres when we are root, ourselves otherwise.
as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_postgres() {
  if [ -n "$(bindir)" ]; then return; fi
  if [ "$(id -u)" != 0 ]; then
    log "PostgreSQL is not installed (apt-get install -y postgresql, as root)"; exit 1
  fi
  log "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
}

free_port() {
  local port tries
  for tries in $(seq 1 200); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  log "no free port found"; exit 1
}

url() {
  if [ ! -f "$dir/url" ]; then log "no cluster in $dir (run: $0 start)"; exit 1; fi
  cat "$dir/url"
}

running() {
  [ -f "$dir/url" ] && as "$(bindir)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

start() {
  install_postgres
  if running; then url; return; fi
  rm -rf "$dir"
  mkdir -p "$dir/socket"
  local bin port pw
  bin=$(bindir)
  port=$(free_port)
  pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pw" >"$dir/pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; fi
  as "$bin/initdb" -D "$dir/data" -U rolebot --pwfile="$dir/pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pwfile"
  as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >&2 || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgres://rolebot:$pw@127.0.0.1:$port/postgres?sslmode=disable" >"$dir/url"
  log "started on 127.0.0.1:$port (data in $dir)"
  url
}

stop() {
  if [ -d "$dir/data" ] && [ -n "$(bindir)" ]; then
    as "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: $0 start|url|stop" >&2; exit 2 ;;
esac
