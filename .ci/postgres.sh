#!/usr/bin/env bash
# Starts a throwaway PostgreSQL (Debian's, version 15 where available) on a loopback
# port in a temp folder, and prints its URL. Usage: .ci/postgres.sh start PORT | stop
set -euo pipefail
dir="${PG_TEMP_DIR:-/tmp/champions-pg}"
case "${1:-}" in
start)
	port="${2:-55432}"
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | head -n 1)
	[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql-15)" >&2; exit 1; }
	"$0" stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	install -d -o postgres -g postgres "$dir"
	runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
	runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" start >/dev/null
	echo "postgres://postgres@127.0.0.1:$port/postgres"
	;;
stop)
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | head -n 1)
	[ -d "$dir/data" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start [port] | stop" >&2
	exit 2
	;;
esac
