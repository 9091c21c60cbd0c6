# shellcheck shell=bash
# Helpers shared by the scripts in this folder: messages, paths, port picking, pid files and polling.
# Sourced only (never executed); it starts no process and writes no file by itself.
# Callers set MIDAZ_SCRIPT (the prefix of their messages) before sourcing it.

MIDAZ_SCRIPT="${MIDAZ_SCRIPT:-midaz}"

msg() { printf '%s: %s\n' "$MIDAZ_SCRIPT" "$*" >&2; }
die() {
  msg "error: $*"
  exit 1
}

# The Debian interpreter when it is there (it has python3-yaml and starts faster than a pyenv shim).
midaz_python() {
  if [ -x /usr/bin/python3 ]; then
    printf '%s\n' /usr/bin/python3
  else
    command -v python3 || die "python3 is not installed (scripts/install-deps.sh installs it)"
  fi
}

# Absolute form of a path (relative ones are taken from the current directory); it need not exist.
midaz_abspath() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$(pwd -P)" "$1" ;;
  esac
}

# Where downloaded things (Kafka jars, venvs) are kept between runs.
midaz_cache_dir() {
  local home="${HOME:-}"
  [ -n "$home" ] || home="$(getent passwd "$(id -u)" | cut -d: -f6)"
  printf '%s\n' "${MIDAZ_CACHE:-${XDG_CACHE_HOME:-$home/.cache}/midaz-c}"
}

# ---- ports ---------------------------------------------------------------------------------------

# True when nothing holds 127.0.0.1:<port> (bind test with SO_REUSEADDR, as the servers bind).
port_is_free() {
  "$(midaz_python)" - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

# Prints one free port not listed in the arguments. It is drawn at random below the kernel's
# ephemeral range, so that no outgoing connection (which takes its local port from that range) can
# hold it between this check and the server's bind; the kernel's own pick is the fallback.
port_pick_free() {
  "$(midaz_python)" - "$@" <<'EOF'
import random, socket, sys
taken = {int(p) for p in sys.argv[1:] if p}
def free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()
lo, hi = 20000, 32767
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        eph_lo = int(f.read().split()[0])
    hi = min(hi, eph_lo - 1)
except (OSError, ValueError, IndexError):
    pass
rng = random.SystemRandom()
if hi - lo >= 1000:
    for _ in range(200):
        p = rng.randint(lo, hi)
        if p not in taken and free(p):
            print(p)
            sys.exit(0)
for _ in range(50):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    if p not in taken:
        print(p)
        sys.exit(0)
sys.exit(1)
EOF
}

# ---- pid files -----------------------------------------------------------------------------------
# A pid file holds "<pid> <start time>", the start time being field 22 of /proc/<pid>/stat, so that
# a recycled pid is never mistaken for the process that was started.

proc_start_time() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $stat
  # After "pid (comm) " the fields start at 3 (state); start time is field 22.
  [ "$1" != Z ] || return 1
  printf '%s\n' "${20}"
}

pidfile_write() { # <file> <pid>
  local st
  st="$(proc_start_time "$2")" || return 1
  printf '%s %s\n' "$2" "$st" >"$1.tmp" && mv -f "$1.tmp" "$1"
}

# Prints the pid recorded in <file> when that very process still runs; fails otherwise.
pidfile_alive() {
  local pid st now
  [ -f "$1" ] || return 1
  read -r pid st <"$1" || return 1
  [ -n "${pid:-}" ] || return 1
  now="$(proc_start_time "$pid")" || return 1
  [ -z "${st:-}" ] || [ "$st" = "$now" ] || return 1
  printf '%s\n' "$pid"
}

pid_alive() { # <pid> <start time>
  local now
  now="$(proc_start_time "$1")" || return 1
  [ "$now" = "$2" ]
}

# ---- polling -------------------------------------------------------------------------------------

# Monotonic-enough seconds for timeouts.
now_s() { date +%s; }

# Prints the last lines of each given log file under a header (files that do not exist are skipped).
log_tail() { # <lines> <file>...
  local n="$1" f
  shift
  for f in "$@"; do
    [ -s "$f" ] || continue
    printf -- '----- last %s lines of %s -----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2 || true
  done
}

# HTTP status of a GET (000 when nothing answered).
http_status() { # <url> [max seconds]
  curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-3}" "$1" 2>/dev/null || true
}
