#!/usr/bin/env bash
# Starts and stops the servers the integration tests talk to (Redis, RabbitMQ,
# PostgreSQL, an S3 stand-in, ...), on loopback only, with state under
# build/services/. `make test` calls `start` before ctest and `stop` afterwards
# (from a trap, so servers stop even when tests fail).
#
# usage: scripts/services.sh start|stop|status
#
# No plugin needs a server yet, so this currently starts nothing and says so.
# To add one: write start_<name>/stop_<name> functions below (start must wait until
# the server answers; stop must be safe to call when it is not running), add
# <name> to SERVICES, and add its Debian package to scripts/install-deps.sh.
# Start commands that work on this machine kind: /work/shared/reference/dependencies.md §3.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state_dir=${STOQ_SERVICES_DIR:-$root/build/services}

SERVICES=()

usage() {
  echo "usage: $0 start|stop|status" >&2
  exit 2
}

(($# == 1)) || usage
case $1 in
  start | stop | status) action=$1 ;;
  *) usage ;;
esac

if ((${#SERVICES[@]} == 0)); then
  echo "services: none configured yet ($action: nothing to do)"
  exit 0
fi

mkdir -p "$state_dir"
status=0
for service in "${SERVICES[@]}"; do
  if [[ $action == stop ]]; then
    "stop_$service" "$state_dir" || status=1  # stop the others even if one fails
  else
    "${action}_$service" "$state_dir"
  fi
done
exit $status
