#!/usr/bin/env bash
# What `make test` runs: dependencies, a -Werror build, the unit tests, the API contract lint, then the
# integration tests against a fresh stack (temporary state folder, free ports) that is always stopped.
# Every step runs even when an earlier test step failed; the exit status is non-zero if any failed.
# Two runs at once are fine: each has its own state folder and ports, and the build step is locked.
# Env: BUILD_DIR (<repo>/build), INTEGRATION_TIMEOUT (seconds, default 2400), KEEP_STATE=1 (keep the
#   temporary state folder for inspection), LOG_TAIL (lines of each log printed on failure, 200).
set -uo pipefail

MIDAZ_SCRIPT="test"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib-common.sh
. "$SCRIPT_DIR/lib-common.sh"

BUILD_DIR="$(midaz_abspath "${BUILD_DIR:-$REPO/build}")"
export BUILD_DIR
INTEGRATION_TIMEOUT="${INTEGRATION_TIMEOUT:-2400}"
LOG_TAIL="${LOG_TAIL:-200}"

declare -a RESULTS=()
FAILED=0
record() { # <step> <status text> <failed 0|1>
  RESULTS+=("$(printf '%-22s %s' "$1" "$2")")
  [ "$3" = 0 ] || FAILED=1
}
section() { printf '\n==== %s ====\n' "$*"; }

summary() {
  section "summary"
  local r
  for r in "${RESULTS[@]}"; do printf '  %s\n' "$r"; done
  if [ "$FAILED" = 0 ]; then
    echo "make test: all steps passed"
  else
    echo "make test: FAILED"
  fi
}

# ---- 1. dependencies -------------------------------------------------------------------------------
section "dependencies (scripts/install-deps.sh)"
if ! "$SCRIPT_DIR/install-deps.sh"; then
  record deps "FAILED" 1
  summary
  exit 1
fi
record deps "ok" 0

# ---- 2. build (-Werror) ----------------------------------------------------------------------------
section "build ($BUILD_DIR, -DWERROR=ON)"
build() {
  local gen=()
  mkdir -p "$BUILD_DIR"
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
    gen=(-G Ninja)
  fi
  # Two test runs sharing one build folder must not run the build tool in it at the same time.
  exec 7>"$BUILD_DIR/.build.lock"
  flock -w 1800 7 || {
    msg "timed out waiting for another build in $BUILD_DIR"
    return 1
  }
  cmake -S "$REPO" -B "$BUILD_DIR" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWERROR=ON &&
    cmake --build "$BUILD_DIR" --parallel "$(nproc 2>/dev/null || echo 2)"
  local rc=$?
  exec 7>&-
  return "$rc"
}
if ! build; then
  record build "FAILED" 1
  summary
  exit 1
fi
record build "ok" 0

# ---- 3. unit tests ---------------------------------------------------------------------------------
section "unit tests ($BUILD_DIR/bin/unit_tests)"
if [ -x "$BUILD_DIR/bin/unit_tests" ]; then
  if timeout --kill-after=30 1200 "$BUILD_DIR/bin/unit_tests" </dev/null; then
    record "unit tests" "passed" 0
  else
    record "unit tests" "FAILED (exit $?)" 1
  fi
else
  record "unit tests" "FAILED: binary missing" 1
fi

# ---- 4. API contract lint --------------------------------------------------------------------------
section "API contract lint (scripts/lint-openapi.sh)"
if [ -x "$SCRIPT_DIR/lint-openapi.sh" ] || [ -f "$SCRIPT_DIR/lint-openapi.sh" ]; then
  if bash "$SCRIPT_DIR/lint-openapi.sh" </dev/null; then
    record "openapi lint" "passed" 0
  else
    record "openapi lint" "FAILED" 1
  fi
else
  record "openapi lint" "FAILED: scripts/lint-openapi.sh missing" 1
fi

# ---- 4b. deployment files: compose, kustomize, the environment each binary gets (no Docker engine) ---
section "deployment checks (docker-compose config, kubectl kustomize, scripts/check-env.sh)"
if docker-compose -f "$REPO/docker-compose.yml" config -q </dev/null; then
  record "compose config" "passed" 0
else
  record "compose config" "FAILED" 1
fi
if kubectl kustomize "$REPO/deploy/k8s/base" >/dev/null </dev/null &&
  kubectl kustomize "$REPO/deploy/k8s/overlays/dev" >/dev/null </dev/null; then
  record "kustomize base, dev" "passed" 0
else
  record "kustomize base, dev" "FAILED" 1
fi
if bash "$SCRIPT_DIR/check-env.sh" </dev/null; then
  record "deployment env check" "passed" 0
else
  record "deployment env check" "FAILED" 1
fi

# ---- 5. integration tests against a fresh stack ----------------------------------------------------
section "integration tests (fresh stack on free ports)"
STACK_STATE="$(mktemp -d "${TMPDIR:-/tmp}/midaz-test.XXXXXXXX")"
STACK_STARTED=0
INTEGRATION_FAILED=0

print_stack_logs() {
  local f
  section "stack logs ($STACK_STATE/logs)"
  for f in "$STACK_STATE"/logs/*; do
    [ -f "$f" ] || continue
    printf -- '----- %s (last %s lines) -----\n' "$(basename "$f")" "$LOG_TAIL"
    tail -n "$LOG_TAIL" "$f" || true
  done
}

cleanup() {
  trap - EXIT INT TERM
  if [ "$STACK_STARTED" = 1 ]; then
    section "stopping the test stack"
    STATE_DIR="$STACK_STATE" "$SCRIPT_DIR/stack.sh" down || msg "stack.sh down failed"
  fi
  if [ "${KEEP_STATE:-0}" = 1 ]; then
    msg "state kept in $STACK_STATE"
  else
    rm -rf "$STACK_STATE"
  fi
}
trap cleanup EXIT
trap 'msg "interrupted"; exit 130' INT TERM

STACK_STARTED=1
if ! env -u GATEWAY_PORT STATE_DIR="$STACK_STATE" FREE_PORTS=1 "$SCRIPT_DIR/stack.sh" up </dev/null; then
  record "stack up" "FAILED" 1
  INTEGRATION_FAILED=1
else
  record "stack up" "ok" 0
  if [ -x "$BUILD_DIR/bin/integration_tests" ]; then
    # The tests see the stack's endpoints and can stop/start one component through STACK_CTL.
    if (
      set -a
      # shellcheck disable=SC1091
      . "$STACK_STATE/stack.env"
      set +a
      export STACK_CTL="$SCRIPT_DIR/stack.sh" STATE_DIR="$STACK_STATE" FREE_PORTS=1
      exec timeout --kill-after=30 "$INTEGRATION_TIMEOUT" "$BUILD_DIR/bin/integration_tests" --jobs 1 </dev/null
    ); then
      record "integration tests" "passed" 0
    else
      rc=$?
      [ "$rc" != 124 ] || msg "integration tests timed out after ${INTEGRATION_TIMEOUT}s"
      record "integration tests" "FAILED (exit $rc)" 1
      INTEGRATION_FAILED=1
    fi
  else
    record "integration tests" "FAILED: binary missing" 1
    INTEGRATION_FAILED=1
  fi
fi
[ "$INTEGRATION_FAILED" = 0 ] || print_stack_logs

cleanup
summary
[ "$FAILED" = 0 ]
