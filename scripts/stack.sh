#!/usr/bin/env bash
# The local stack: PostgreSQL, Redis, Kafka (one KRaft node), the three services and the gateway, run
# from one state folder with a pid file per process. It builds nothing, and it never signals a process
# it did not start (pid files carry the process start time, so a recycled pid is not mistaken for ours).
#
# Usage: stack.sh up | run | down | status | stop <component> | start <component>
#   component: postgres | redis | kafka | onboarding | portfolio | transaction | gateway
# Env: STATE_DIR (<repo>/.run), GATEWAY_PORT (3000), BUILD_DIR (<repo>/build; `up` records it in the
#   state folder and later commands default to it), FREE_PORTS=1 (every
#   port, the gateway's included, is a free random one: test mode), MIDAZ_CACHE (Kafka jars),
#   LOG_LEVEL (services and gateway, default info), STACK_TIMEOUT (seconds per component, default 120).
set -euo pipefail

MIDAZ_SCRIPT=stack
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib-common.sh
. "$SCRIPT_DIR/lib-common.sh"

# Canonical (symlinks resolved): it is compared with /proc/<pid>/cwd.
STATE_DIR="$(realpath -m "${STATE_DIR:-$REPO/.run}")"
# The build a stack was brought up from is remembered in its state folder, so that a later
# `start <component>` without BUILD_DIR restarts that build's binary, not the default one.
BUILD_DIR_FILE="$STATE_DIR/build_dir"
if [ -z "${BUILD_DIR:-}" ] && [ -s "$BUILD_DIR_FILE" ]; then
  BUILD_DIR="$(cat "$BUILD_DIR_FILE")"
fi
BUILD_DIR="$(midaz_abspath "${BUILD_DIR:-$REPO/build}")"
BIN_DIR="$BUILD_DIR/bin"
KAFKA_VERSION=3.9.1
KAFKA_LIBS="$(midaz_cache_dir)/kafka-$KAFKA_VERSION/libs"
TIMEOUT="${STACK_TIMEOUT:-120}"
STOP_GRACE=15
POLL=0.25
TAIL_LINES=40

SERVICES=(onboarding portfolio transaction)
COMPONENTS=(postgres redis kafka onboarding portfolio transaction gateway)
# Port keys in the ports file, each with its usual port.
PORT_KEYS=(POSTGRES_PORT REDIS_PORT KAFKA_PORT KAFKA_CONTROLLER_PORT ONBOARDING_PORT PORTFOLIO_PORT TRANSACTION_PORT GATEWAY_PORT)
declare -A USUAL_PORT=([POSTGRES_PORT]=5432 [REDIS_PORT]=6379 [KAFKA_PORT]=9092 [KAFKA_CONTROLLER_PORT]=9093
  [ONBOARDING_PORT]=3001 [PORTFOLIO_PORT]=3002 [TRANSACTION_PORT]=3003 [GATEWAY_PORT]=3000)
declare -A PORT_OWNER=([POSTGRES_PORT]=postgres [REDIS_PORT]=redis [KAFKA_PORT]=kafka [KAFKA_CONTROLLER_PORT]=kafka
  [ONBOARDING_PORT]=onboarding [PORTFOLIO_PORT]=portfolio [TRANSACTION_PORT]=transaction [GATEWAY_PORT]=gateway)
declare -A PORTS_OF=()

PORTS_FILE="$STATE_DIR/ports"
ENV_FILE="$STATE_DIR/stack.env"
PID_DIR="$STATE_DIR/pids"
LOG_DIR="$STATE_DIR/logs"
PG_DATA="$STATE_DIR/postgres"
PG_SUPERUSER=postgres
IS_ROOT=0
[ "$(id -u)" -ne 0 ] || IS_ROOT=1

usage() {
  sed -n '6,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

is_component() {
  local c
  for c in "${COMPONENTS[@]}"; do [ "$c" = "$1" ] && return 0; done
  return 1
}

# ---- state folder, lock ----------------------------------------------------------------------------

prepare_state_dir() {
  mkdir -p "$STATE_DIR" "$PID_DIR" "$LOG_DIR" "$STATE_DIR/env" "$STATE_DIR/redis" "$STATE_DIR/kafka"
  if [ "$IS_ROOT" = 1 ]; then
    # PostgreSQL runs as the postgres user: it must be able to reach its folders (mktemp -d is 0700).
    chmod o+x "$STATE_DIR" "$LOG_DIR"
  fi
}

# One stack.sh at a time per state folder. The lock fd is closed in every process we start, or a
# long-running server would hold the lock forever.
LOCK_HELD=0
lock_state() {
  exec 9>"$STATE_DIR/.lock"
  flock -w 600 9 || die "another stack.sh is still working on $STATE_DIR"
  LOCK_HELD=1
}
unlock_state() {
  if [ "$LOCK_HELD" = 1 ]; then
    flock -u 9 || true
    exec 9>&-
    LOCK_HELD=0
  fi
}

# ---- ports -----------------------------------------------------------------------------------------

load_ports() {
  local k v
  PORTS_OF=()
  [ -f "$PORTS_FILE" ] || return 0
  while IFS='=' read -r k v; do
    case "$k" in '' | \#*) continue ;; esac
    PORTS_OF[$k]="$v"
  done <"$PORTS_FILE"
}

save_ports() {
  local k
  {
    echo "# Ports chosen by scripts/stack.sh for this state folder; reused by every later start."
    for k in "${PORT_KEYS[@]}"; do echo "$k=${PORTS_OF[$k]:-}"; done
  } >"$PORTS_FILE.tmp"
  mv -f "$PORTS_FILE.tmp" "$PORTS_FILE"
}

taken_ports_except() { # <key>: the ports assigned to every other key
  local k
  for k in "${PORT_KEYS[@]}"; do
    [ "$k" = "$1" ] || [ -z "${PORTS_OF[$k]:-}" ] || echo "${PORTS_OF[$k]}"
  done
}

port_in_list() { # <port> <list...>
  local p="$1" q
  shift
  for q in "$@"; do [ "$q" = "$p" ] && return 0; done
  return 1
}

# A port may be kept when it is free or held by our own running component.
port_usable() { # <key> <port>
  component_running "${PORT_OWNER[$1]}" >/dev/null && return 0
  port_is_free "$2"
}

# Decides every port for `up`: saved ones when still usable, else the usual port when free, else a
# free random one (always random with FREE_PORTS=1). The gateway is 3000 unless GATEWAY_PORT says
# otherwise, and a busy gateway port is an error (not silently moved) outside FREE_PORTS mode.
assign_ports() {
  local k p others changed=0
  load_ports
  for k in "${PORT_KEYS[@]}"; do
    mapfile -t others < <(taken_ports_except "$k")
    p="${PORTS_OF[$k]:-}"
    if [ "$k" = GATEWAY_PORT ] && [ "${FREE_PORTS:-0}" != 1 ]; then
      p="${GATEWAY_PORT:-${USUAL_PORT[$k]}}"
      port_in_list "$p" "${others[@]}" && die "gateway port $p is already used by another component of this stack"
      port_usable "$k" "$p" || die "gateway port $p is busy (another program listens on it); set GATEWAY_PORT to a free port"
    fi
    if [ -n "$p" ] && { port_in_list "$p" "${others[@]}" || ! port_usable "$k" "$p"; }; then
      msg "port $p ($k) is busy now; choosing another one"
      p=""
    fi
    if [ -z "$p" ]; then
      if [ "${FREE_PORTS:-0}" != 1 ] && ! port_in_list "${USUAL_PORT[$k]}" "${others[@]}" &&
        port_is_free "${USUAL_PORT[$k]}"; then
        p="${USUAL_PORT[$k]}"
      else
        p="$(port_pick_free "${others[@]}")" || die "found no free port for $k"
      fi
    fi
    if [ "${PORTS_OF[$k]:-}" != "$p" ]; then
      PORTS_OF[$k]="$p"
      changed=1
    fi
  done
  [ "$changed" = 0 ] && [ -f "$PORTS_FILE" ] || save_ports
}

# For start/stop of one component: the ports must already be known.
require_ports() {
  load_ports
  local k
  for k in "${PORT_KEYS[@]}"; do
    [ -n "${PORTS_OF[$k]:-}" ] || die "no ports recorded in $PORTS_FILE: run 'stack.sh up' first"
  done
}

# ---- environment files -----------------------------------------------------------------------------

svc_url() { # <service>
  local k="${1^^}_PORT"
  echo "http://127.0.0.1:${PORTS_OF[$k]}"
}

db_url() { # <service>
  echo "postgresql://$1:$1@127.0.0.1:${PORTS_OF[POSTGRES_PORT]}/midaz"
}

kv() { printf '%s=%q\n' "$1" "$2"; }

# stack.env (for people and tests) and env/<component>.env (the exact environment of each process,
# so that `start <component>` restarts it as `up` did).
# Like PostgreSQL, Redis and Kafka here, the services and the gateway listen on 127.0.0.1 only
# (BIND_ADDRESS): the services' /internal routes must not be reachable from other machines.
write_env_files() {
  local s tmp
  tmp="$ENV_FILE.tmp"
  {
    echo "# Written by scripts/stack.sh: the endpoints of the stack in $STATE_DIR."
    kv GATEWAY_URL "http://127.0.0.1:${PORTS_OF[GATEWAY_PORT]}"
    kv ONBOARDING_URL "$(svc_url onboarding)"
    kv PORTFOLIO_URL "$(svc_url portfolio)"
    kv TRANSACTION_URL "$(svc_url transaction)"
    kv KAFKA_BROKERS "127.0.0.1:${PORTS_OF[KAFKA_PORT]}"
    kv REDIS_URL "redis://127.0.0.1:${PORTS_OF[REDIS_PORT]}/0"
    kv ONBOARDING_DATABASE_URL "$(db_url onboarding)"
    kv PORTFOLIO_DATABASE_URL "$(db_url portfolio)"
    kv TRANSACTION_DATABASE_URL "$(db_url transaction)"
    kv STATE_DIR "$STATE_DIR"
  } >"$tmp"
  mv -f "$tmp" "$ENV_FILE"

  for s in "${SERVICES[@]}"; do
    {
      kv PORT "${PORTS_OF[${s^^}_PORT]}"
      kv BIND_ADDRESS 127.0.0.1
      kv DATABASE_URL "$(db_url "$s")"
      kv REDIS_URL "redis://127.0.0.1:${PORTS_OF[REDIS_PORT]}/0"
      kv KAFKA_BROKERS "127.0.0.1:${PORTS_OF[KAFKA_PORT]}"
      kv ONBOARDING_URL "$(svc_url onboarding)"
      kv PORTFOLIO_URL "$(svc_url portfolio)"
      kv TRANSACTION_URL "$(svc_url transaction)"
      kv LOG_LEVEL "${LOG_LEVEL:-info}"
    } >"$STATE_DIR/env/$s.env.tmp"
    mv -f "$STATE_DIR/env/$s.env.tmp" "$STATE_DIR/env/$s.env"
  done
  {
    kv PORT "${PORTS_OF[GATEWAY_PORT]}"
    kv BIND_ADDRESS 127.0.0.1
    kv ONBOARDING_URL "$(svc_url onboarding)"
    kv PORTFOLIO_URL "$(svc_url portfolio)"
    kv TRANSACTION_URL "$(svc_url transaction)"
    kv LOG_LEVEL "${LOG_LEVEL:-info}"
  } >"$STATE_DIR/env/gateway.env.tmp"
  mv -f "$STATE_DIR/env/gateway.env.tmp" "$STATE_DIR/env/gateway.env"
}

# ---- processes -------------------------------------------------------------------------------------

pid_file() { echo "$PID_DIR/$1.pid"; }

# Prints the pid of the component when the process we started still runs.
component_running() {
  if [ "$1" = postgres ]; then
    # The postmaster named by its own lock file, alive (not a zombie) and working in our data folder
    # (a recycled pid, even another cluster's postmaster, has another working folder).
    local pid
    [ -f "$PG_DATA/postmaster.pid" ] || return 1
    pid="$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null)" || return 1
    [ -n "$pid" ] && proc_start_time "$pid" >/dev/null || return 1
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$PG_DATA" ] || return 1
    echo "$pid"
    return 0
  fi
  pidfile_alive "$(pid_file "$1")"
}

# A line in the log at each start, so that a log tail shows where this run begins.
log_marker() { # <component> <log file>
  printf '===== %s stack.sh: starting %s =====\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" >>"$2"
}

# Starts a command detached from the terminal (its own session, so Ctrl-C in `run` reaches only this
# script, which then stops everything in order), output to a log file, pid recorded with start time.
spawn() { # <component> <log file> <command...>
  local comp="$1" log="$2" pid
  shift 2
  rm -f "$(pid_file "$comp")"
  log_marker "$comp" "$log"
  # The child writes its own pid before exec, whether setsid forked or not.
  # shellcheck disable=SC2016 # expanded by the child shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$(pid_file "$comp").new" "$@" </dev/null >>"$log" 2>&1 9>&- &
  local i
  for i in $(seq 1 100); do
    [ -s "$(pid_file "$comp").new" ] && break
    sleep 0.05
  done
  pid="$(cat "$(pid_file "$comp").new" 2>/dev/null || true)"
  rm -f "$(pid_file "$comp").new"
  [ -n "$pid" ] || die "could not start $comp"
  # The pid is the same before and after the exec, and so is its start time.
  pidfile_write "$(pid_file "$comp")" "$pid" || {
    log_tail "$TAIL_LINES" "$log"
    die "$comp exited at once"
  }
}

# Polls <check> (a function taking the component) until it succeeds; fails early when the process
# died, and after TIMEOUT seconds. On failure prints the component's log tail.
wait_ready() { # <component> <check> <what> [timeout]
  local comp="$1" check="$2" what="$3" limit="${4:-$TIMEOUT}" start
  start="$(now_s)"
  while :; do
    if "$check" "$comp"; then
      return 0
    fi
    if ! component_running "$comp" >/dev/null; then
      msg "$comp exited while starting"
      component_logs_tail "$comp"
      return 1
    fi
    if [ $(($(now_s) - start)) -ge "$limit" ]; then
      msg "$comp is not ready after ${limit}s ($what)"
      component_logs_tail "$comp"
      return 1
    fi
    sleep "$POLL"
  done
}

component_logs_tail() {
  case "$1" in
    kafka) log_tail "$TAIL_LINES" "$LOG_DIR/kafka.out" "$LOG_DIR/kafka.log" ;;
    *) log_tail "$TAIL_LINES" "$LOG_DIR/$1.log" ;;
  esac
}

# Stops the given components together: SIGTERM by pid, up to STOP_GRACE seconds, then SIGKILL.
stop_processes() { # <component...>
  local c pid st deadline
  local -a pids=() starts=() names=()
  for c in "$@"; do
    if pid="$(pidfile_alive "$(pid_file "$c")")"; then
      st="$(proc_start_time "$pid")" || continue
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      starts+=("$st")
      names+=("$c")
    fi
  done
  deadline=$(($(now_s) + STOP_GRACE))
  local i alive
  while :; do
    alive=0
    for i in "${!pids[@]}"; do
      pid_alive "${pids[$i]}" "${starts[$i]}" && alive=1
    done
    [ "$alive" = 1 ] || break
    if [ "$(now_s)" -ge "$deadline" ]; then
      for i in "${!pids[@]}"; do
        if pid_alive "${pids[$i]}" "${starts[$i]}"; then
          msg "${names[$i]} (pid ${pids[$i]}) did not stop within ${STOP_GRACE}s: killing it"
          kill -KILL "${pids[$i]}" 2>/dev/null || true
        fi
      done
      sleep 0.2
      break
    fi
    sleep 0.1
  done
  for c in "$@"; do rm -f "$(pid_file "$c")"; done
}

# ---- PostgreSQL ------------------------------------------------------------------------------------

PG_BIN=""
pg_bindir() {
  if [ -z "$PG_BIN" ]; then
    local d
    # The newest server installed by Debian's postgresql package, else initdb from PATH.
    for d in /usr/lib/postgresql/*/bin; do
      [ -x "$d/postgres" ] || continue
      if [ -z "$PG_BIN" ] || [ "$(printf '%s\n%s\n' "$PG_BIN" "$d" | sort -V | tail -n 1)" = "$d" ]; then
        PG_BIN="$d"
      fi
    done
    if [ -z "$PG_BIN" ] && command -v initdb >/dev/null 2>&1; then
      PG_BIN="$(dirname "$(command -v initdb)")"
    fi
    [ -n "$PG_BIN" ] || die "PostgreSQL server binaries not found (scripts/install-deps.sh installs postgresql)"
  fi
  echo "$PG_BIN"
}

as_pg() {
  if [ "$IS_ROOT" = 1 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Unix socket folder: inside the state folder unless that path is too long for a socket name.
pg_sockdir() {
  local d="$STATE_DIR/pgsock"
  if [ $((${#d} + 20)) -gt 100 ]; then
    d="/tmp/midaz-pgsock-$(id -u)-$(printf '%s' "$STATE_DIR" | cksum | cut -d' ' -f1)"
  fi
  echo "$d"
}

pg_ready() {
  "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "${PORTS_OF[POSTGRES_PORT]}" -t 2 >/dev/null 2>&1
}

# True when a live process (zombies have no cwd) works inside the data folder: a postmaster or its
# backends, which keep running briefly after the postmaster is killed.
pg_data_in_use() {
  local d
  for d in /proc/[0-9]*; do
    [ "$(readlink "$d/cwd" 2>/dev/null)" = "$PG_DATA" ] && return 0
  done
  return 1
}

# After a crash or kill -9, postmaster.pid may name a zombie or a recycled pid, which postgres takes
# for a running server. Once nothing uses the data folder any more, such a lock file is stale.
pg_clear_stale_lock() {
  local lock="$PG_DATA/postmaster.pid" pid deadline
  [ -f "$lock" ] || return 0
  pid="$(head -n 1 "$lock" 2>/dev/null || true)"
  [ -n "$pid" ] && [ -e "/proc/$pid" ] || return 0
  deadline=$(($(now_s) + 30))
  while pg_data_in_use; do
    [ "$(now_s)" -lt "$deadline" ] || die "processes still use $PG_DATA although its postmaster is gone; stop them first"
    sleep "$POLL"
  done
  msg "postgres: removing the stale lock files (pid $pid is not our postmaster)"
  rm -f "$lock" "$(pg_sockdir)"/.s.PGSQL.*
}

start_postgres() {
  local bin sock log
  bin="$(pg_bindir)"
  sock="$(pg_sockdir)"
  log="$LOG_DIR/postgres.log"
  if [ "$IS_ROOT" = 1 ]; then
    id postgres >/dev/null 2>&1 || die "user postgres does not exist (install the Debian package postgresql)"
    runuser -u postgres -- test -x "$STATE_DIR" ||
      die "user postgres cannot reach $STATE_DIR: make every parent folder traversable (chmod o+x) or use another STATE_DIR"
  fi
  mkdir -p "$PG_DATA" "$sock"
  touch "$log"
  if [ "$IS_ROOT" = 1 ]; then
    chown postgres:postgres "$PG_DATA" "$sock" "$log"
  fi
  chmod 700 "$PG_DATA" "$sock"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    msg "postgres: creating the database cluster in $PG_DATA"
    as_pg "$bin/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" -A trust --encoding=UTF8 --locale=C \
      >>"$log" 2>&1 9>&- || {
      log_tail "$TAIL_LINES" "$log"
      die "initdb failed"
    }
    # Superuser only through the socket (its folder is private); services log in over TCP with passwords.
    as_pg tee "$PG_DATA/pg_hba.conf" >/dev/null <<'EOF'
# Written by scripts/stack.sh.
local   all all                trust
host    all all 127.0.0.1/32   scram-sha-256
host    all all ::1/128        scram-sha-256
EOF
  fi
  if component_running postgres >/dev/null; then
    return 0
  fi
  port_is_free "${PORTS_OF[POSTGRES_PORT]}" || die "postgres port ${PORTS_OF[POSTGRES_PORT]} is busy"
  log_marker postgres "$log"
  # A stale postmaster.pid whose pid is gone is removed by postgres itself; the other cases here.
  pg_clear_stale_lock
  as_pg "$bin/pg_ctl" start -D "$PG_DATA" -l "$log" -w -t "$TIMEOUT" -s \
    -o "-c listen_addresses=127.0.0.1 -p ${PORTS_OF[POSTGRES_PORT]} -c unix_socket_directories='$sock' -c max_connections=200" \
    9>&- </dev/null >/dev/null 2>&1 || {
    log_tail "$TAIL_LINES" "$log"
    die "postgres did not start"
  }
  local pid
  pid="$(head -n 1 "$PG_DATA/postmaster.pid")"
  pidfile_write "$(pid_file postgres)" "$pid" || die "postgres exited at once"
  wait_ready postgres pg_check "pg_isready" || exit 1
  "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "${PORTS_OF[POSTGRES_PORT]}" -U "$PG_SUPERUSER" -d postgres \
    -f "$REPO/deploy/postgres/init.sql" >>"$LOG_DIR/postgres-init.log" 2>&1 </dev/null || {
    log_tail "$TAIL_LINES" "$LOG_DIR/postgres-init.log"
    die "applying deploy/postgres/init.sql failed"
  }
}
pg_check() { pg_ready; }

stop_postgres() {
  local bin
  bin="$(pg_bindir)"
  if [ -s "$PG_DATA/PG_VERSION" ] && component_running postgres >/dev/null; then
    if ! as_pg "$bin/pg_ctl" stop -D "$PG_DATA" -m fast -w -t "$STOP_GRACE" -s 9>&- >/dev/null 2>&1; then
      msg "postgres did not stop within ${STOP_GRACE}s: killing it"
      local pid
      pid="$(component_running postgres)" && kill -KILL "$pid" 2>/dev/null || true
      # Its children notice the postmaster's death and exit; give them a moment.
      sleep 1
    fi
  fi
  rm -f "$(pid_file postgres)"
}

# ---- Redis -----------------------------------------------------------------------------------------

redis_check() {
  [ "$(redis-cli -h 127.0.0.1 -p "${PORTS_OF[REDIS_PORT]}" ping 2>/dev/null)" = PONG ]
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || die "redis-server is not installed (scripts/install-deps.sh installs it)"
  component_running redis >/dev/null && return 0
  port_is_free "${PORTS_OF[REDIS_PORT]}" || die "redis port ${PORTS_OF[REDIS_PORT]} is busy"
  mkdir -p "$STATE_DIR/redis"
  spawn redis "$LOG_DIR/redis.log" redis-server --port "${PORTS_OF[REDIS_PORT]}" --bind 127.0.0.1 \
    --dir "$STATE_DIR/redis" --daemonize no --appendonly no --dbfilename dump.rdb \
    --save "60 1" --protected-mode yes --logfile ""
}

# ---- Kafka -----------------------------------------------------------------------------------------

# A Metadata request (v0, all topics): ready once the broker answers with itself in the broker list.
kafka_check() {
  "$(midaz_python)" - "${PORTS_OF[KAFKA_PORT]}" <<'EOF'
import socket, struct, sys
port = int(sys.argv[1])
client = b"midaz-stack"
body = struct.pack(">hhih", 3, 0, 7, len(client)) + client + struct.pack(">i", 0)
try:
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.settimeout(3)
    s.sendall(struct.pack(">i", len(body)) + body)
    def read(n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                raise OSError("closed")
            buf += chunk
        return buf
    size = struct.unpack(">i", read(4))[0]
    resp = read(size)
    corr, nbrokers = struct.unpack(">ii", resp[:8])
    sys.exit(0 if corr == 7 and nbrokers >= 1 else 1)
except (OSError, struct.error):
    sys.exit(1)
EOF
}

kafka_write_config() {
  local dir="$STATE_DIR/kafka"
  mkdir -p "$dir/data"
  if [ ! -s "$dir/cluster.id" ]; then
    # Kafka's Uuid text form: 16 random bytes, URL-safe base64 without padding. Like Kafka's own
    # Uuid.randomUuid, never start with '-': StorageTool would read such an id as an option (1 in 64).
    "$(midaz_python)" -c '
import base64, os
while True:
    s = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
    if not s.startswith("-"):
        print(s)
        break' >"$dir/cluster.id"
  fi
  cat >"$dir/server.properties" <<EOF
# Written by scripts/stack.sh at every start (ports may change); edits are lost.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${PORTS_OF[KAFKA_CONTROLLER_PORT]}
listeners=PLAINTEXT://127.0.0.1:${PORTS_OF[KAFKA_PORT]},CONTROLLER://127.0.0.1:${PORTS_OF[KAFKA_CONTROLLER_PORT]}
advertised.listeners=PLAINTEXT://127.0.0.1:${PORTS_OF[KAFKA_PORT]}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=8650752
replica.fetch.max.bytes=8650752
auto.create.topics.enable=false
log.retention.hours=168
EOF
  cat >"$dir/log4j.properties" <<EOF
# Written by scripts/stack.sh: Kafka logs to one size-bounded file.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$LOG_DIR/kafka.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
}

kafka_java() {
  KAFKA_JAVA=(java -Xms256m -Xmx512m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    -cp "$KAFKA_LIBS/*" "-Dlog4j.configuration=file:$STATE_DIR/kafka/log4j.properties")
}

# Launches the broker without waiting (Kafka is the slowest to start; the others start meanwhile).
launch_kafka() {
  command -v java >/dev/null 2>&1 || die "java is not installed (scripts/install-deps.sh installs default-jre-headless)"
  component_running kafka >/dev/null && return 0
  if [ ! -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]; then
    "$SCRIPT_DIR/fetch-kafka.sh" >/dev/null || die "Kafka is not available"
  fi
  local p
  for p in "${PORTS_OF[KAFKA_PORT]}" "${PORTS_OF[KAFKA_CONTROLLER_PORT]}"; do
    port_is_free "$p" || die "kafka port $p is busy"
  done
  kafka_write_config
  if [ ! -f "$STATE_DIR/kafka/data/meta.properties" ]; then
    msg "kafka: formatting the log folder $STATE_DIR/kafka/data"
    kafka_java
    "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$(cat "$STATE_DIR/kafka/cluster.id")" \
      -c "$STATE_DIR/kafka/server.properties" --ignore-formatted >>"$LOG_DIR/kafka.out" 2>&1 9>&- </dev/null || {
      log_tail "$TAIL_LINES" "$LOG_DIR/kafka.out"
      die "formatting Kafka's storage failed"
    }
  fi
  kafka_java
  spawn kafka "$LOG_DIR/kafka.out" "${KAFKA_JAVA[@]}" kafka.Kafka "$STATE_DIR/kafka/server.properties"
}

# ---- services and gateway --------------------------------------------------------------------------

binary_of() { # <component>
  echo "$BIN_DIR/midaz-$1"
}

require_binaries() {
  local c missing=()
  for c in "${SERVICES[@]}" gateway; do
    [ -x "$(binary_of "$c")" ] || missing+=("$(binary_of "$c")")
  done
  [ "${#missing[@]}" -eq 0 ] || die "missing binaries (run 'make build' first): ${missing[*]}"
}

launch_app() { # <component>
  local comp="$1" bin
  bin="$(binary_of "$comp")"
  [ -x "$bin" ] || die "missing binary $bin (run 'make build' first)"
  component_running "$comp" >/dev/null && return 0
  local port_key="${comp^^}_PORT"
  port_is_free "${PORTS_OF[$port_key]}" || die "$comp port ${PORTS_OF[$port_key]} is busy"
  [ -f "$STATE_DIR/env/$comp.env" ] || write_env_files
  # The env file is sourced by the process itself just before it execs the binary (same pid).
  # shellcheck disable=SC2016 # expanded by the child shell
  spawn "$comp" "$LOG_DIR/$comp.log" bash -c 'set -a; . "$0"; set +a; exec "$1"' "$STATE_DIR/env/$comp.env" "$bin"
}

# A service is up once its /readyz answers at all (it may report a dependency as down).
service_check() {
  local code
  code="$(http_status "http://127.0.0.1:${PORTS_OF[${1^^}_PORT]}/readyz" 2)"
  [ -n "$code" ] && [ "$code" != 000 ]
}

# The gateway is ready when its /readyz says 200 (it checks the services behind it).
gateway_check() {
  [ "$(http_status "http://127.0.0.1:${PORTS_OF[GATEWAY_PORT]}/readyz" 3)" = 200 ]
}

# ---- one component ---------------------------------------------------------------------------------

start_component() { # <component>: start (if not running) and wait until ready
  case "$1" in
    postgres) start_postgres ;;
    redis)
      start_redis
      wait_ready redis redis_check "redis-cli ping" || exit 1
      ;;
    kafka)
      launch_kafka
      wait_ready kafka kafka_check "metadata request on port ${PORTS_OF[KAFKA_PORT]}" || exit 1
      ;;
    gateway)
      launch_app gateway
      wait_ready gateway gateway_check "GET /readyz = 200" || exit 1
      ;;
    *)
      launch_app "$1"
      wait_ready "$1" service_check "GET /readyz answering" || exit 1
      ;;
  esac
}

stop_component() {
  case "$1" in
    postgres) stop_postgres ;;
    *) stop_processes "$1" ;;
  esac
}

# ---- commands --------------------------------------------------------------------------------------

print_gateway() {
  echo "Gateway: http://127.0.0.1:${PORTS_OF[GATEWAY_PORT]}"
}

cmd_up() {
  require_binaries
  prepare_state_dir
  printf '%s\n' "$BUILD_DIR" >"$BUILD_DIR_FILE"
  lock_state
  assign_ports
  write_env_files
  launch_kafka
  start_postgres
  start_redis
  wait_ready redis redis_check "redis-cli ping" || exit 1
  wait_ready kafka kafka_check "metadata request on port ${PORTS_OF[KAFKA_PORT]}" || exit 1
  local s
  for s in "${SERVICES[@]}"; do launch_app "$s"; done
  for s in "${SERVICES[@]}"; do wait_ready "$s" service_check "GET /readyz answering" || exit 1; done
  launch_app gateway
  wait_ready gateway gateway_check "GET /readyz = 200" || exit 1
  unlock_state
  msg "stack is up (state: $STATE_DIR, logs: $LOG_DIR, env: $ENV_FILE)"
  print_gateway
}

cmd_down() {
  [ -d "$STATE_DIR" ] || return 0
  [ -d "$PID_DIR" ] || mkdir -p "$PID_DIR"
  lock_state
  stop_processes gateway
  stop_processes "${SERVICES[@]}"
  stop_processes kafka redis
  stop_postgres
  unlock_state
  msg "stack is down (state kept in $STATE_DIR)"
}

cmd_status() {
  local c pid rc=0
  load_ports
  for c in "${COMPONENTS[@]}"; do
    local ports=""
    case "$c" in
      kafka) ports="${PORTS_OF[KAFKA_PORT]:-?},${PORTS_OF[KAFKA_CONTROLLER_PORT]:-?}" ;;
      *) ports="${PORTS_OF[${c^^}_PORT]:-?}" ;;
    esac
    if pid="$(component_running "$c")"; then
      printf '%-12s running  pid %-8s port %s\n' "$c" "$pid" "$ports"
    else
      printf '%-12s stopped  %-12s port %s\n' "$c" "" "$ports"
      rc=3
    fi
  done
  [ -z "${PORTS_OF[GATEWAY_PORT]:-}" ] || print_gateway
  return "$rc"
}

cmd_start() {
  is_component "${1:-}" || usage
  prepare_state_dir
  lock_state
  load_ports
  if [ ! -f "$PORTS_FILE" ]; then
    # A fresh state folder: choose the ports once, as `up` would.
    assign_ports
    write_env_files
  fi
  require_ports
  [ -f "$ENV_FILE" ] || write_env_files
  start_component "$1"
  unlock_state
  msg "$1 is ready"
}

cmd_stop() {
  is_component "${1:-}" || usage
  [ -d "$STATE_DIR" ] || return 0
  mkdir -p "$PID_DIR"
  lock_state
  stop_component "$1"
  unlock_state
  msg "$1 stopped"
}

# Foreground: up, then wait for Ctrl-C (or SIGTERM) and stop everything. A component that dies is
# reported once; the others keep running. Exits when everything was stopped from elsewhere.
cmd_run() {
  STOPPING=0
  on_signal() {
    [ "$STOPPING" = 0 ] || return 0
    STOPPING=1
    trap '' INT TERM
    echo >&2
    msg "stopping"
    unlock_state
    cmd_down
    exit 0
  }
  trap on_signal INT TERM
  # `up` runs as a child process: its own `set -e`, and Ctrl-C during the start reaches it too.
  if ! "${BASH_SOURCE[0]}" up; then
    msg "start failed: stopping what did start"
    cmd_down
    exit 1
  fi
  load_ports
  msg "running in the foreground; Ctrl-C stops everything (logs: $LOG_DIR)"
  local c any
  declare -A reported=()
  while :; do
    any=0
    for c in "${COMPONENTS[@]}"; do
      if component_running "$c" >/dev/null; then
        any=1
      elif [ -z "${reported[$c]:-}" ]; then
        reported[$c]=1
        msg "$c is no longer running; its log:"
        component_logs_tail "$c"
      fi
    done
    if [ "$any" = 0 ]; then
      msg "every component has stopped (stack.sh down?): exiting"
      exit 0
    fi
    sleep 1 &
    wait $! || true
  done
}

case "${1:-}" in
  up) cmd_up ;;
  run) cmd_run ;;
  down) cmd_down ;;
  status) cmd_status ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  *) usage ;;
esac
