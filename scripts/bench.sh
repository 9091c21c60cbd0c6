#!/usr/bin/env bash
# What `make bench` runs: builds the binaries (RelWithDebInfo, no sanitizers), starts a fresh stack on
# free loopback ports in a temporary state folder, creates and funds accounts through the gateway, drives
# concurrent transfers with wrk (tests/load/transfer.lua), then runs the same SQL through pgbench
# (tests/load/transfer.pgbench) and prints our throughput as a ratio of it, with the CPU each component
# spent per transfer. Reported, never pass/fail on the numbers: exit 1 when it could not measure (or money
# was not conserved), 3 when requests failed during the runs. The stack and its folder are always removed.
#
# Env: BUILD_DIR (<repo>/build), BENCH_SKIP_BUILD=1 (use the binaries already in BUILD_DIR),
#   BENCH_ACCOUNTS (200), BENCH_FUNDING (1000, per account), BENCH_AMOUNT (0.01, per transfer),
#   BENCH_CONNECTIONS (32), BENCH_WRK_THREADS (2), BENCH_WARMUP (5 s), BENCH_DURATION (20 s),
#   BENCH_PGBENCH_CLIENTS (32), BENCH_PGBENCH_JOBS (2), BENCH_PGBENCH_DURATION (20 s),
#   BENCH_IDEMPOTENCY=1 (every transfer carries its own X-Idempotency key, and pgbench writes the record),
#   BENCH_KEEP_STATE=1 (keep the stack's folder, stopped, for inspection), BENCH_OUT (also write the
#   result lines to this file).
set -euo pipefail

MIDAZ_SCRIPT=bench
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib-common.sh
. "$SCRIPT_DIR/lib-common.sh"

BUILD_DIR="$(midaz_abspath "${BUILD_DIR:-$REPO/build}")"
ACCOUNTS="${BENCH_ACCOUNTS:-200}"
FUNDING="${BENCH_FUNDING:-1000}"
AMOUNT="${BENCH_AMOUNT:-0.01}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
WARMUP="${BENCH_WARMUP:-5}"
DURATION="${BENCH_DURATION:-20}"
PG_CLIENTS="${BENCH_PGBENCH_CLIENTS:-32}"
PG_JOBS="${BENCH_PGBENCH_JOBS:-2}"
PG_DURATION="${BENCH_PGBENCH_DURATION:-20}"
IDEMPOTENCY="${BENCH_IDEMPOTENCY:-0}"
ASSET=USD
PREFIX="@bench-"
SETUP_PARALLEL=8
LUA="$REPO/tests/load/transfer.lua"
PGB_SCRIPT="$REPO/tests/load/transfer.pgbench"
START_S="$(now_s)"

for v in ACCOUNTS FUNDING CONNECTIONS WRK_THREADS WARMUP DURATION PG_CLIENTS PG_JOBS PG_DURATION; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
[ "$ACCOUNTS" -ge 2 ] || die "BENCH_ACCOUNTS must be at least 2"
[ "$DURATION" -ge 1 ] && [ "$PG_DURATION" -ge 1 ] || die "durations must be at least 1 s"
[[ "$AMOUNT" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "BENCH_AMOUNT must be a plain decimal, not '$AMOUNT'"
[[ "$IDEMPOTENCY" =~ ^[01]$ ]] || die "BENCH_IDEMPOTENCY must be 0 or 1"

section() { printf '\n==== %s ====\n' "$*"; }
elapsed() { echo $(($(now_s) - START_S)); }

# ---- tools -----------------------------------------------------------------------------------------

PGBENCH="$(command -v pgbench || true)"
[ -n "$PGBENCH" ] || PGBENCH="$(ls -1 /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -n 1 || true)"
PSQL="$(command -v psql || true)"
[ -n "$PSQL" ] || PSQL="$(ls -1 /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -n 1 || true)"
if ! command -v wrk >/dev/null 2>&1; then
  # wrk is Debian's package; install it the same way scripts/install-deps.sh installs the rest.
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    msg "installing wrk (Debian package)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null; } ||
      die "could not install wrk"
  else
    die "wrk is not installed (apt-get install wrk)"
  fi
fi
[ -n "$PGBENCH" ] || die "pgbench is not installed (it comes with the postgresql-15 package)"
[ -n "$PSQL" ] || die "psql is not installed (postgresql-client)"
command -v curl >/dev/null 2>&1 || die "curl is not installed"
[ -f "$LUA" ] && [ -f "$PGB_SCRIPT" ] || die "tests/load/transfer.lua or transfer.pgbench is missing"

# ---- build -----------------------------------------------------------------------------------------

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  section "build ($BUILD_DIR, RelWithDebInfo, no sanitizers)"
  gen=()
  mkdir -p "$BUILD_DIR"
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
    gen=(-G Ninja)
  fi
  # Same lock as scripts/test.sh: one build tool at a time in a build folder.
  exec 7>"$BUILD_DIR/.build.lock"
  flock -w 1800 7 || die "timed out waiting for another build in $BUILD_DIR"
  cmake -S "$REPO" -B "$BUILD_DIR" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANITIZE=OFF >/dev/null ||
    die "cmake configure failed"
  # Only the four binaries: the benchmark needs no test binary.
  cmake --build "$BUILD_DIR" --parallel "$(nproc 2>/dev/null || echo 2)" \
    --target midaz-onboarding midaz-portfolio midaz-transaction midaz-gateway || die "build failed"
  exec 7>&-
fi
for b in midaz-onboarding midaz-portfolio midaz-transaction midaz-gateway; do
  [ -x "$BUILD_DIR/bin/$b" ] || die "$BUILD_DIR/bin/$b is missing (build first, or unset BENCH_SKIP_BUILD)"
done
if grep -qs '^SANITIZE:BOOL=ON' "$BUILD_DIR/CMakeCache.txt"; then
  die "$BUILD_DIR is configured with SANITIZE=ON: sanitized binaries are not benchmarked"
fi
BUILD_TYPE="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)"
case "$BUILD_TYPE" in
  Release | RelWithDebInfo) ;;
  *) die "$BUILD_DIR is a '$BUILD_TYPE' build; the benchmark needs Release or RelWithDebInfo" ;;
esac

# ---- the stack -------------------------------------------------------------------------------------

# Never the state folder of `make up` (the Makefile exports STATE_DIR): always a fresh one.
BENCH_STATE="$(mktemp -d "${TMPDIR:-/tmp}/midaz-bench.XXXXXXXX")"
STACK_STARTED=0
WORK="$BENCH_STATE/bench"
mkdir -p "$WORK"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$STACK_STARTED" = 1 ]; then
    section "stopping the bench stack"
    env -u GATEWAY_PORT STATE_DIR="$BENCH_STATE" BUILD_DIR="$BUILD_DIR" "$SCRIPT_DIR/stack.sh" down </dev/null ||
      msg "stack.sh down failed"
  fi
  if [ "${BENCH_KEEP_STATE:-0}" = 1 ]; then
    msg "state kept in $BENCH_STATE"
  else
    rm -rf "$BENCH_STATE"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'msg "interrupted"; exit 130' INT TERM

stack() { env -u GATEWAY_PORT STATE_DIR="$BENCH_STATE" BUILD_DIR="$BUILD_DIR" FREE_PORTS=1 STACK_TIMEOUT=90 \
  "$SCRIPT_DIR/stack.sh" "$@" </dev/null; }

section "stack (state $BENCH_STATE, free loopback ports)"
STACK_STARTED=1
if ! stack up; then
  # One more try on a clean folder: a start can fail for reasons unrelated to the code measured
  # (a port taken between pick and bind, an unlucky Kafka cluster id); a second failure is final.
  msg "the stack did not start; retrying once in a clean folder"
  stack down || true
  find "$BENCH_STATE" -mindepth 1 -maxdepth 1 ! -name bench -exec rm -rf {} +
  stack up || {
    log_tail 40 "$BENCH_STATE"/logs/*.log
    die "the stack did not start"
  }
fi
set -a
# shellcheck disable=SC1091
. "$BENCH_STATE/stack.env"
set +a
case "$GATEWAY_URL" in
  http://127.0.0.1:* | http://localhost:*) ;;
  *) die "the gateway is not on a loopback address ($GATEWAY_URL)" ;;
esac
case "$TRANSACTION_DATABASE_URL" in
  *@127.0.0.1:* | *@localhost:*) ;;
  *) die "PostgreSQL is not on a loopback address" ;;
esac

# ---- accounts --------------------------------------------------------------------------------------

# POST <path> <json>: prints the body of a 201, else reports status and body and fails.
api_post() {
  local out code
  out="$(mktemp "$WORK/post.XXXXXX")"
  code="$(curl -s -o "$out" -w '%{http_code}' --max-time 15 -X POST "$GATEWAY_URL$1" \
    -H 'Content-Type: application/json' --data-binary "$2" || true)"
  if [ "$code" != 201 ]; then
    msg "POST $1 answered ${code:-nothing}: $(head -c 400 "$out")"
    rm -f "$out"
    return 1
  fi
  cat "$out"
  rm -f "$out"
}
# The first "id" member of a JSON answer (the entity's own id comes before any nested one).
json_id() { grep -o '"id":"[0-9a-f-]\{36\}"' | head -n 1 | cut -d'"' -f4; }

section "setup: organization, ledger, asset $ASSET, $((ACCOUNTS + 1)) accounts funded with $FUNDING each"
ORG_ID="$(api_post /v1/organizations '{"legalName":"Bench Org","legalDocument":"bench"}' | json_id)" || true
[ -n "$ORG_ID" ] || die "could not create the organization"
LEDGER_ID="$(api_post "/v1/organizations/$ORG_ID/ledgers" '{"name":"bench"}' | json_id)" || true
[ -n "$LEDGER_ID" ] || die "could not create the ledger"
LPATH="/v1/organizations/$ORG_ID/ledgers/$LEDGER_ID"
api_post "$LPATH/assets" "{\"name\":\"US Dollar\",\"type\":\"currency\",\"code\":\"$ASSET\"}" >/dev/null ||
  die "could not create the asset"

# One account (alias <prefix><i>) and its inflow; account 0 is the hot account of scenario (b).
setup_account() {
  local i="$1"
  api_post "$LPATH/accounts" "{\"assetCode\":\"$ASSET\",\"type\":\"deposit\",\"alias\":\"$PREFIX$i\"}" >/dev/null ||
    return 1
  api_post "$LPATH/transactions/inflow" \
    "{\"description\":\"bench funding\",\"send\":{\"asset\":\"$ASSET\",\"value\":\"$FUNDING\",\"distribute\":{\"to\":[{\"accountAlias\":\"$PREFIX$i\",\"amount\":{\"asset\":\"$ASSET\",\"value\":\"$FUNDING\"}}]}}}" \
    >/dev/null || return 1
}
export -f setup_account api_post msg
export GATEWAY_URL LPATH ASSET PREFIX FUNDING WORK MIDAZ_SCRIPT
t0="$(date +%s.%N)"
seq 0 "$ACCOUNTS" | xargs -P "$SETUP_PARALLEL" -I{} bash -c 'setup_account {} || exit 255' ||
  die "account setup failed"
msg "created and funded $((ACCOUNTS + 1)) accounts in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"

sql() { "$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 "$TRANSACTION_DATABASE_URL" -c "$1"; }

# ---- CPU accounting --------------------------------------------------------------------------------
# Where the time goes: CPU ticks (utime + stime, /proc/<pid>/stat) of each component of our stack,
# sampled before and after each run. PostgreSQL is the postmaster, its live children and its reaped
# children (cutime); the load generator is this script's reaped children (wrk and pgbench run in the
# foreground, so their CPU lands in our cutime when they exit).
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"
COMPONENTS=(gateway transaction onboarding portfolio postgres redis kafka client)

proc_ticks() { # <pid> [with reaped children 0|1]
  local s with_children="${2:-0}"
  s="$(cat "/proc/$1/stat" 2>/dev/null)" || {
    echo 0
    return
  }
  s="${s##*) }"
  # shellcheck disable=SC2086
  set -- $s
  # after "pid (comm) ": $1 = field 3 (state), so utime = $12, stime = $13, cutime = $14, cstime = $15
  if [ "$with_children" = 1 ]; then echo $((${12} + ${13} + ${14} + ${15})); else echo $((${12} + ${13})); fi
}

postgres_ticks() {
  local pm total f s
  pm="$(head -n 1 "$BENCH_STATE/postgres/postmaster.pid" 2>/dev/null)" || {
    echo 0
    return
  }
  total="$(proc_ticks "$pm" 1)"
  for f in /proc/[0-9]*/stat; do
    s="$(cat "$f" 2>/dev/null)" || continue
    s="${s##*) }"
    # shellcheck disable=SC2086
    set -- $s
    [ "$2" = "$pm" ] && total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

# cpu_snapshot <file>: one "<component> <ticks>" line per component.
cpu_snapshot() {
  local c pid
  {
    for c in gateway transaction onboarding portfolio redis kafka; do
      pid="$(pidfile_alive "$BENCH_STATE/pids/$c.pid" 2>/dev/null)" || pid=""
      echo "$c $([ -n "$pid" ] && proc_ticks "$pid" || echo 0)"
    done
    echo "postgres $(postgres_ticks)"
    echo "client $(proc_ticks $$ 1)"
  } >"$1"
}

# cpu_report <label> <before> <after> <units> <seconds>: CPU ms per unit of work for each component,
# as one "CPU_RESULT" line (also appended to the results) and a readable line.
cpu_report() {
  local label="$1" before="$2" after="$3" units="$4" secs="$5" c b a line="CPU_RESULT label=$1" total=0 readable=""
  for c in "${COMPONENTS[@]}"; do
    b="$(awk -v c="$c" '$1 == c {print $2}' "$before")"
    a="$(awk -v c="$c" '$1 == c {print $2}' "$after")"
    local ms
    ms="$(awk -v d="$((${a:-0} - ${b:-0}))" -v u="$units" -v t="$CLK_TCK" 'BEGIN{ if (u > 0) printf "%.3f", d * 1000 / t / u; else print "?" }')"
    line="$line ${c}_ms=$ms"
    readable="$readable $c $ms,"
    total=$((total + ${a:-0} - ${b:-0}))
  done
  local busy
  busy="$(awk -v d="$total" -v t="$CLK_TCK" -v s="$secs" -v n="$(nproc)" 'BEGIN{ printf "%.0f", d / t / s / n * 100 }')"
  line="$line total_ms=$(awk -v d="$total" -v u="$units" -v t="$CLK_TCK" 'BEGIN{ if (u > 0) printf "%.3f", d * 1000 / t / u; else print "?" }') busy_pct=$busy"
  echo "$line" >>"$RESULTS"
  echo "CPU ms per transfer:${readable%,} (our processes used ${busy}% of the $(nproc) cores)"
}
funded="$(sql "SELECT count(*) FROM balances WHERE organization_id = '$ORG_ID' AND ledger_id = '$LEDGER_ID'
  AND alias LIKE '@bench-%' AND available = $FUNDING")"
[ "$funded" = "$((ACCOUNTS + 1))" ] || die "expected $((ACCOUNTS + 1)) funded balances, found $funded"

# ---- HTTP scenarios --------------------------------------------------------------------------------

RESULTS="$WORK/results.txt"
: >"$RESULTS"
# Other programs on the machine skew every number: the load average is reported with them.
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
URL="$GATEWAY_URL$LPATH/transactions/json"

# run_wrk <label> <mode> <seconds>: one wrk run; its result line goes to $WORK/<label>.out.
run_wrk() {
  local label="$1" mode="$2" secs="$3"
  BENCH_MODE="$mode" BENCH_ACCOUNTS="$ACCOUNTS" BENCH_PREFIX="$PREFIX" BENCH_ASSET="$ASSET" \
    BENCH_AMOUNT="$AMOUNT" BENCH_IDEMPOTENCY="$IDEMPOTENCY" BENCH_LABEL="$label" \
    timeout --kill-after=10 $((secs + 30)) \
    wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${secs}s" --timeout 10s -s "$LUA" "$URL" >"$WORK/$label.out" 2>&1 || {
    cat "$WORK/$label.out" >&2
    die "wrk failed ($label)"
  }
  grep -q '^BENCH_RESULT ' "$WORK/$label.out" || {
    cat "$WORK/$label.out" >&2
    die "wrk printed no result ($label)"
  }
}

# field <line> <key>: the value of key=value in a result line.
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n 1; }

scenario() { # <label> <mode> <title>
  section "scenario $3: warm-up ${WARMUP}s, then ${DURATION}s, $CONNECTIONS connections"
  if [ "$WARMUP" -gt 0 ]; then
    run_wrk "warmup-$1" "$2" "$WARMUP"
    local w
    w="$(grep '^BENCH_RESULT ' "$WORK/warmup-$1.out")"
    msg "warm-up: $(field "$w" ok) transfers, $(field "$w" non201) non-201"
  fi
  cpu_snapshot "$WORK/cpu-$1.before"
  run_wrk "$1" "$2" "$DURATION"
  cpu_snapshot "$WORK/cpu-$1.after"
  grep -v '^BENCH_' "$WORK/$1.out" | sed -n '/Latency\|Req\/Sec\|requests in\|Socket errors\|Non-2xx/p'
  grep '^BENCH_' "$WORK/$1.out"
  local r
  r="$(grep '^BENCH_RESULT ' "$WORK/$1.out")"
  echo "$r" >>"$RESULTS"
  cpu_report "$1" "$WORK/cpu-$1.before" "$WORK/cpu-$1.after" "$(field "$r" ok)" "$(field "$r" duration_s)"
}

scenario random random "(a) random pairs among $ACCOUNTS accounts"
scenario hot hot "(b) every transfer to one hot account (${PREFIX}0)"

section "consistency after the HTTP runs"
zero="$(sql "SELECT COALESCE(sum(available + on_hold), 0) FROM balances WHERE organization_id = '$ORG_ID'
  AND ledger_id = '$LEDGER_ID' AND asset_code = '$ASSET'")"
negative="$(sql "SELECT count(*) FROM balances WHERE organization_id = '$ORG_ID' AND ledger_id = '$LEDGER_ID'
  AND account_type <> 'external' AND available < 0")"
posted="$(sql "SELECT count(*) FROM transactions WHERE organization_id = '$ORG_ID' AND ledger_id = '$LEDGER_ID'
  AND description = 'bench'")"
echo "sum of balances of $ASSET: $zero (must be 0); non-external balances below zero: $negative (must be 0)"
echo "bench transfers committed (warm-ups included): $posted"
CONSISTENT=yes
[ "$(awk -v z="$zero" 'BEGIN{print (z + 0 == 0) ? "0" : "1"}')" = 0 ] && [ "$negative" = 0 ] || CONSISTENT=NO

# ---- pgbench ---------------------------------------------------------------------------------------

# run_pgbench <label> <hot 0|1> <protocol>
run_pgbench() {
  local label="$1" hot="$2" proto="$3"
  section "pgbench $label: -M $proto -c $PG_CLIENTS -j $PG_JOBS -T $PG_DURATION (transaction role, its schema)"
  local rc=0
  cpu_snapshot "$WORK/cpu-pgbench-$label.before"
  timeout --kill-after=10 $((PG_DURATION + 60)) "$PGBENCH" -n -M "$proto" -c "$PG_CLIENTS" -j "$PG_JOBS" \
    -T "$PG_DURATION" -f "$PGB_SCRIPT" -D org="$ORG_ID" -D ledger="$LEDGER_ID" -D naccounts="$ACCOUNTS" \
    -D prefix="$PREFIX" -D hot="$hot" -D amount="$AMOUNT" -D idem="$IDEMPOTENCY" \
    "$TRANSACTION_DATABASE_URL" >"$WORK/pgbench-$label.out" 2>&1 || rc=$?
  cpu_snapshot "$WORK/cpu-pgbench-$label.after"
  grep -v '^pgbench: client [0-9]* ' "$WORK/pgbench-$label.out" | tail -n 12 || true
  local tps lat failed
  tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$WORK/pgbench-$label.out" | head -n 1)"
  lat="$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$WORK/pgbench-$label.out" | head -n 1)"
  failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$WORK/pgbench-$label.out" | head -n 1)"
  [ -n "$tps" ] || {
    tail -n 30 "$WORK/pgbench-$label.out" >&2
    die "pgbench printed no tps ($label, exit $rc)"
  }
  [ "$rc" = 0 ] || msg "pgbench exited with status $rc ($label): see the lines above"
  echo "PGBENCH_RESULT label=$label protocol=$proto tps=$tps latency_avg_ms=${lat:-?} failed=${failed:-?} exit=$rc" |
    tee -a "$RESULTS"
  local n
  n="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/pgbench-$label.out" | head -n 1)"
  cpu_report "pgbench-$label" "$WORK/cpu-pgbench-$label.before" "$WORK/cpu-pgbench-$label.after" "${n:-0}" "$PG_DURATION"
}

run_pgbench random 0 prepared
run_pgbench hot 1 prepared
# The service sends every statement as an unnamed extended-protocol query (PQexecParams), parsed and
# planned each time: this run shows what that costs against prepared statements.
run_pgbench random-extended 0 extended

# ---- report ----------------------------------------------------------------------------------------

result_line() { grep "^$1 label=$2 " "$RESULTS" | head -n 1; }
COMMIT="$(git -C "$REPO" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ]; then
  COMMIT="$COMMIT+dirty"
fi
MEM="$(free -g 2>/dev/null | awk '/^Mem:/{print $2 " GiB"}')"

section "results"
{
  echo "machine: $(nproc) cores, ${MEM:-? GiB} memory, $(uname -m); date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit: $COMMIT; build: $BUILD_TYPE"
  echo "load: wrk -t $WRK_THREADS -c $CONNECTIONS, ${WARMUP}s warm-up + ${DURATION}s measured per scenario; $ACCOUNTS accounts (+1 hot), transfers of $AMOUNT $ASSET; idempotency keys: $([ "$IDEMPOTENCY" = 1 ] && echo yes || echo no)"
  printf '%-34s %12s %9s %9s %9s %8s %8s\n' "scenario (through the gateway)" "transfers/s" "p50 ms" "p99 ms" "max ms" "non-201" "sockerr"
  for s in random hot; do
    l="$(result_line BENCH_RESULT "$s")"
    se=$(($(field "$l" connect_errors) + $(field "$l" read_errors) + $(field "$l" write_errors) + $(field "$l" timeouts)))
    printf '%-34s %12s %9s %9s %9s %8s %8s\n' \
      "$([ "$s" = random ] && echo "(a) random pairs" || echo "(b) hot account")" \
      "$(field "$l" tps)" "$(field "$l" p50_ms)" "$(field "$l" p99_ms)" "$(field "$l" max_ms)" \
      "$(field "$l" non201)" "$se"
    [ "$(field "$l" non201)" = 0 ] || echo "    non-201 answers by status: $(field "$l" statuses)"
  done
  printf '%-34s %12s %9s %9s %14s %18s\n' "pgbench (same SQL, -c $PG_CLIENTS -j $PG_JOBS)" "tps" "avg ms" "failed" \
    "ours/pgbench" "server CPU ratio"
  for p in random:random hot:hot random-extended:random; do
    pl="$(result_line PGBENCH_RESULT "${p%%:*}")"
    ours="$(field "$(result_line BENCH_RESULT "${p##*:}")" tps)"
    # CPU of everything but the load generator, per transfer: pgbench's over ours (1 = as cheap as raw SQL).
    oc="$(result_line CPU_RESULT "${p##*:}")"
    pc="$(result_line CPU_RESULT "pgbench-${p%%:*}")"
    printf '%-34s %12.1f %9s %9s %14s %18s\n' "${p%%:*} (-M $(field "$pl" protocol))" "$(field "$pl" tps)" \
      "$(field "$pl" latency_avg_ms)" "$(field "$pl" failed)" \
      "$(awk -v o="$ours" -v p="$(field "$pl" tps)" 'BEGIN{ if (p > 0) printf "%.2f", o / p; else print "?" }')" \
      "$(awk -v ot="$(field "$oc" total_ms)" -v oc="$(field "$oc" client_ms)" -v pt="$(field "$pc" total_ms)" \
        -v pcl="$(field "$pc" client_ms)" 'BEGIN{ if (ot - oc > 0) printf "%.2f", (pt - pcl) / (ot - oc); else print "?" }')"
  done
  printf '%-26s' "CPU ms per transfer"
  for c in "${COMPONENTS[@]}" total; do printf ' %8s' "$([ "$c" = client ] && echo "wrk/pgb" || echo "${c:0:8}")"; done
  printf ' %6s\n' "busy%"
  for l in random hot pgbench-random pgbench-hot pgbench-random-extended; do
    cl="$(result_line CPU_RESULT "$l")"
    [ -n "$cl" ] || continue
    printf '%-26s' "  $l"
    for c in "${COMPONENTS[@]}" total; do printf ' %8s' "$(field "$cl" "${c}_ms")"; done
    printf ' %6s\n' "$(field "$cl" busy_pct)"
  done
  echo "load average (1, 5, 15 min) before the HTTP runs: $LOAD_BEFORE; at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
  echo "consistency after the HTTP runs (zero-sum, no negative balance): $CONSISTENT"
  echo "elapsed: $(elapsed) s (build included)"
} | tee "$WORK/report.txt"
if [ -n "${BENCH_OUT:-}" ]; then
  cat "$WORK/report.txt" "$RESULTS" >"$BENCH_OUT"
fi
[ "$CONSISTENT" = yes ] || die "money was not conserved during the benchmark: see the consistency lines above"
# Errors do not stop the measurement, but they must not pass unnoticed: exit 3 after the report.
ERRORS=0
for s in random hot; do
  l="$(result_line BENCH_RESULT "$s")"
  ERRORS=$((ERRORS + $(field "$l" non201) + $(field "$l" connect_errors) + $(field "$l" read_errors) +
    $(field "$l" write_errors) + $(field "$l" timeouts)))
done
for s in random hot random-extended; do
  f="$(field "$(result_line PGBENCH_RESULT "$s")" failed)"
  [[ "$f" =~ ^[0-9]+$ ]] && ERRORS=$((ERRORS + f))
  [ "$(field "$(result_line PGBENCH_RESULT "$s")" exit)" = 0 ] || ERRORS=$((ERRORS + 1))
done
if [ "$ERRORS" -gt 0 ]; then
  msg "WARNING: $ERRORS requests or pgbench transactions failed (see non-201 / sockerr / failed above); the throughput counts successes only"
  exit 3
fi
