#!/usr/bin/env bash
# Installs what the build, the tests and the local stack need: the Debian packages (apt-get, as root
# only) and Apache Kafka's jars (scripts/fetch-kafka.sh, into the cache folder). On a machine that
# has everything it does nothing and prints nothing; it never upgrades or removes a package.
set -euo pipefail

MIDAZ_SCRIPT=install-deps
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib-common.sh
. "$SCRIPT_DIR/lib-common.sh"

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libevent-dev libpq-dev libhiredis-dev libjson-c-dev librdkafka-dev libcriterion-dev libcurl4-openssl-dev
  libssl-dev
  postgresql redis-server default-jre-headless maven
  python3 python3-yaml python3-venv curl docker-compose
)
# kubectl (`kubectl kustomize`, kustomize v4+) is preinstalled on the project's machines (package kubectl,
# from the Google Cloud SDK apt repository; Debian's kubernetes-client 1.20 is too old); asked for if missing.
command -v kubectl >/dev/null 2>&1 || PACKAGES+=(kubectl)

missing_packages() {
  local installed
  # One query for all: prints "<name> <status>" for the packages dpkg knows.
  installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)"
  local p
  for p in "${PACKAGES[@]}"; do
    if ! grep -qx "$p installed" <<<"$installed"; then
      printf '%s\n' "$p"
    fi
  done
}

if command -v dpkg-query >/dev/null 2>&1; then
  mapfile -t MISSING < <(missing_packages)
  if [ "${#MISSING[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      msg "missing Debian packages: ${MISSING[*]}"
      msg "install them with: sudo apt-get install -y ${MISSING[*]}"
      exit 1
    fi
    msg "installing missing Debian packages: ${MISSING[*]}"
    export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
    apt-get -o DPkg::Lock::Timeout=600 update -qq || die "apt-get update failed"
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${MISSING[@]}" </dev/null ||
      die "apt-get install failed for: ${MISSING[*]}"
    mapfile -t STILL < <(missing_packages)
    [ "${#STILL[@]}" -eq 0 ] || die "still missing after apt-get install: ${STILL[*]}"
  fi
else
  msg "not a Debian system (no dpkg-query): make sure these (or their equivalents) are installed: ${PACKAGES[*]}"
fi

"$SCRIPT_DIR/fetch-kafka.sh" >/dev/null
