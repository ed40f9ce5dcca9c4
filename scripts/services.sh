#!/usr/bin/env bash
# Starts and stops the servers the integration tests talk to (Redis, RabbitMQ,
# PostgreSQL, an S3 stand-in, ...), on loopback only, with state under
# build/services/. `make test` calls `start` before ctest and `stop` afterwards
# (from a trap, so servers stop even when tests fail).
#
# usage: scripts/services.sh start|stop|status
#
# To add a server: write start_<name>/stop_<name>/status_<name> functions below (start
# must wait until the server answers; stop must be safe to call when it is not
# running), add <name> to SERVICES, and add its Debian package to
# scripts/install-deps.sh. Ports are the stock ones, so the plugins' defaults work;
# STOQ_TEST_REDIS_PORT / STOQ_TEST_AMQP_PORT tell the tests where they are.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state_dir=${STOQ_SERVICES_DIR:-$root/build/services}

SERVICES=(redis rabbitmq postgres s3)

# Redis: no persistence, loopback only, state in $state_dir.
start_redis() {
  local dir=$1/redis
  mkdir -p "$dir"
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "services: redis already answers on 127.0.0.1:6379"
    return
  fi
  redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
  wait_until "redis" 20 redis-cli -h 127.0.0.1 -p 6379 ping
}
stop_redis() {
  local pid_file=$1/redis/redis.pid
  [[ -f $pid_file ]] || return 0
  kill "$(cat "$pid_file")" 2>/dev/null || true
  rm -f "$pid_file"
}
status_redis() { redis-cli -h 127.0.0.1 -p 6379 ping; }

# RabbitMQ (Debian's package runs it as the rabbitmq user, state in /var/lib/rabbitmq):
# AMQP and the Erlang ports on loopback. Besides guest/guest on "/", the tests use the
# original rabbitmq.stoq's credentials (user stoq, vhost stoq) unchanged.
export RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1
start_rabbitmq() {
  if rabbitmqctl -q status >/dev/null 2>&1; then
    echo "services: rabbitmq already running"
  else
    rabbitmq-server -detached
    # await_startup right after -detached can return before the node registers: retry.
    wait_until "rabbitmq" 90 rabbitmqctl -q await_startup
  fi
  rabbitmqctl -q add_vhost stoq 2>/dev/null || true
  rabbitmqctl -q add_user stoq stoq-password 2>/dev/null || true
  rabbitmqctl -q set_permissions -p stoq stoq '.*' '.*' '.*'
  rabbitmqctl -q set_permissions -p / guest '.*' '.*' '.*'
}
stop_rabbitmq() {
  rabbitmqctl -q status >/dev/null 2>&1 || return 0
  rabbitmqctl -q stop || true
  epmd -kill >/dev/null 2>&1 || true
}
status_rabbitmq() { rabbitmqctl -q status >/dev/null && echo "rabbitmq: running"; }

# PostgreSQL 15 (Debian's cluster 15/main, listening on localhost:5432 only): a superuser
# stoq/stoq and a database stoq for the postgres connector's tests.
start_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_ctlcluster 15 main start
    wait_until "postgres" 60 pg_isready -q -h 127.0.0.1 -p 5432
  else
    echo "services: postgres already answers on 127.0.0.1:5432"
  fi
  su postgres -c "psql -q -c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stoq') THEN CREATE ROLE stoq LOGIN SUPERUSER PASSWORD 'stoq'; END IF; END \\\$\\\$;\"" >/dev/null
  su postgres -c "psql -tAq -c \"SELECT 1 FROM pg_database WHERE datname = 'stoq'\"" | grep -q 1 ||
    su postgres -c "createdb -O stoq stoq"
}
stop_postgres() {
  pg_isready -q -h 127.0.0.1 -p 5432 || return 0
  pg_ctlcluster 15 main stop
}
status_postgres() { pg_isready -h 127.0.0.1 -p 5432; }

# An S3 stand-in: s3rver (npm registry, installed once under $state_dir/s3rver), bucket
# stoq, credentials S3RVER/S3RVER, on 127.0.0.1:4569, data in $state_dir/s3.
start_s3() {
  local dir=$1
  if port_open 4569; then
    echo "services: s3 already answers on 127.0.0.1:4569"
    return
  fi
  if [[ ! -f $dir/s3rver/node_modules/s3rver/bin/s3rver.js ]]; then
    command -v npm >/dev/null || { echo "services: npm not found (Node.js runs the S3 stand-in)" >&2; return 1; }
    mkdir -p "$dir/s3rver"
    npm install --prefix "$dir/s3rver" --no-audit --no-fund --loglevel=error s3rver@3.7.1 >/dev/null
  fi
  mkdir -p "$dir/s3"
  nohup node "$dir/s3rver/node_modules/s3rver/bin/s3rver.js" -a 127.0.0.1 -p 4569 -d "$dir/s3" \
    --configure-bucket stoq > "$dir/s3.log" 2>&1 &
  echo $! > "$dir/s3.pid"
  wait_until "s3" 30 port_open 4569
}
stop_s3() {
  local pid_file=$1/s3.pid
  [[ -f $pid_file ]] || return 0
  kill "$(cat "$pid_file")" 2>/dev/null || true
  rm -f "$pid_file"
}
status_s3() { port_open 4569 && echo "s3: running"; }

port_open() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until NAME SECONDS COMMAND...: runs COMMAND (quietly) every 0.2 s until it succeeds.
wait_until() {
  local name=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "services: $name did not answer within ${seconds}s" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "services: $name is up"
}

usage() {
  echo "usage: $0 start|stop|status" >&2
  exit 2
}

(($# == 1)) || usage
case $1 in
  start | stop | status) action=$1 ;;
  *) usage ;;
esac

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
