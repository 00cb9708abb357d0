#!/bin/sh
# A throwaway PostgreSQL server for the tests: its own cluster in a fresh
# folder under /tmp, listening on a free port of 127.0.0.1 (written to
# FOLDER/port) and on a unix socket in that folder, with unsafe but fast
# settings (no fsync).
#
#   postgresql_cluster.sh start        prints the folder (the socket's host)
#   postgresql_cluster.sh stop FOLDER  stops the server and removes the folder
#
# Exits 3 where no PostgreSQL server is installed. initdb refuses to run as
# root, so as root the cluster belongs to the postgres user.
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "no PostgreSQL server installed (scripts/setup.sh installs it)" >&2
  exit 3
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$1" in
start)
  dir=$(mktemp -d /tmp/tunelab-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if ! as_owner "$bin/initdb" -D "$dir/data" -U tunelab -A trust --no-sync -E UTF8 \
    --locale=C >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    exit 1
  fi
  # A random port; another one when it is taken (the server then fails to
  # start, and says so in its log).
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null; then
      echo "$port" >"$dir/port"
      echo "$dir"
      exit 0
    fi
    grep -q "could not bind\|could not create listen socket" "$dir/server.log" || break
  done
  cat "$dir/server.log" >&2
  rm -rf "$dir"
  exit 1
  ;;
stop)
  dir="$2"
  case "$dir" in /tmp/tunelab-pg.*) ;; *) echo "not a test cluster: $dir" >&2; exit 2 ;; esac
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -s stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start | stop FOLDER" >&2
  exit 2
  ;;
esac
