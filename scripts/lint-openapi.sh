#!/usr/bin/env bash
# Validates the API contracts: api/openapi.yaml against the OpenAPI 3.1 rules (openapi-spec-validator
# from PyPI, in a private venv) and api/asyncapi.yaml as YAML declaring AsyncAPI 3.0.0.
# It installs nothing system-wide; the venv lives in the cache folder and is reused between runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MIDAZ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/midaz-c}"
VENV="$CACHE/venv-openapi"
VALIDATOR_VERSION="0.7.1"
MARKER="$VENV/.installed-openapi-spec-validator-$VALIDATOR_VERSION"
OPENAPI="$ROOT/api/openapi.yaml"
ASYNCAPI="$ROOT/api/asyncapi.yaml"

die() { echo "lint-openapi: $*" >&2; exit 1; }

command -v python3 >/dev/null 2>&1 || die "python3 is not installed"
[ -f "$OPENAPI" ] || die "missing $OPENAPI"
[ -f "$ASYNCAPI" ] || die "missing $ASYNCAPI"

if [ ! -f "$MARKER" ]; then
  mkdir -p "$CACHE"
  if [ ! -x "$VENV/bin/python" ]; then
    if ! out="$(python3 -m venv "$VENV" 2>&1)"; then
      rm -rf "$VENV"
      echo "$out" >&2
      die "cannot create a Python venv in $VENV (is the Debian package python3-venv installed? scripts/install-deps.sh installs it)"
    fi
  fi
  echo "lint-openapi: installing openapi-spec-validator==$VALIDATOR_VERSION into $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "openapi-spec-validator==$VALIDATOR_VERSION" "PyYAML>=6" \
    || die "pip install of openapi-spec-validator==$VALIDATOR_VERSION failed (is PyPI reachable?)"
  touch "$MARKER"
fi

"$VENV/bin/python" - "$OPENAPI" "$ASYNCAPI" <<'PY'
import sys

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

openapi_path, asyncapi_path = sys.argv[1], sys.argv[2]
failed = False

try:
    spec, _ = read_from_filename(openapi_path)
except Exception as e:  # YAML syntax error or unreadable file
    print(f"{openapi_path}: cannot parse: {e}", file=sys.stderr)
    sys.exit(1)
if str(spec.get("openapi", "")) != "3.1.0":
    print(f"{openapi_path}: 'openapi' must be 3.1.0, found {spec.get('openapi')!r}", file=sys.stderr)
    failed = True
# Every local $ref must resolve, including those the validator would not follow.
def walk(node, path):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and ("#/" in v):
                yield path, v
            else:
                yield from walk(v, path + [str(k)])
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + [str(i)])

def resolve(doc, ref):
    # "#/a/b" resolves in doc; "./openapi.yaml#/a/b" (the AsyncAPI payloads reuse the REST schemas)
    # resolves in the OpenAPI document; any other file is an error.
    target, _, pointer = ref.partition("#")
    if target in ("./openapi.yaml", "openapi.yaml"):
        doc = spec
    elif target:
        return False
    cur = doc
    for part in pointer[1:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(cur, dict) or part not in cur:
            return False
        cur = cur[part]
    return True

for where, ref in walk(spec, []):
    if not resolve(spec, ref):
        print(f"{openapi_path}: unresolved $ref {ref} at /{'/'.join(where)}", file=sys.stderr)
        failed = True

# The validator is run only when every local $ref resolves: a dangling one makes it crash with a
# traceback instead of a report.
if not failed:
    try:
        validate(spec)
        print(f"{openapi_path}: valid OpenAPI {spec.get('openapi')}")
    except OpenAPIValidationError as e:
        print(f"{openapi_path}: INVALID: {e}", file=sys.stderr)
        failed = True
    except Exception as e:  # the validator's own failures (e.g. a reference it cannot follow)
        msg = str(e)
        print(f"{openapi_path}: INVALID ({type(e).__name__}): {msg[:500]}", file=sys.stderr)
        failed = True

try:
    with open(asyncapi_path, encoding="utf-8") as f:
        adoc = yaml.safe_load(f)
except Exception as e:
    print(f"{asyncapi_path}: cannot parse: {e}", file=sys.stderr)
    sys.exit(1)
if not isinstance(adoc, dict) or str(adoc.get("asyncapi", "")) != "3.0.0":
    print(f"{asyncapi_path}: 'asyncapi' must be 3.0.0", file=sys.stderr)
    failed = True
else:
    for key in ("info", "channels", "operations", "components"):
        if key not in adoc:
            print(f"{asyncapi_path}: missing top-level '{key}'", file=sys.stderr)
            failed = True
    for where, ref in walk(adoc, []):
        if not resolve(adoc, ref):
            print(f"{asyncapi_path}: unresolved $ref {ref} at /{'/'.join(where)}", file=sys.stderr)
            failed = True
    if not failed:
        print(f"{asyncapi_path}: parses, AsyncAPI {adoc['asyncapi']}, $refs resolve (local and into openapi.yaml)")

sys.exit(1 if failed else 0)
PY
