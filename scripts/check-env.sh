#!/usr/bin/env bash
# Checks that the deployment files give each binary exactly the environment it reads: every variable of
# a binary's configuration table (its --help; the C tables when the binaries are not built) is set for
# every container running that binary in docker-compose.yml and in the rendered kustomizations
# deploy/k8s/base and deploy/k8s/overlays/dev (env, envFrom ConfigMaps/Secrets), and nothing else is.
# It also validates the rendered manifests' structure (references, selectors, ports, probes, security
# context), that docs/operations.md names every variable, and that the dev overlay's init.sql is a copy
# of deploy/postgres/init.sql. It changes nothing; it exits 1 listing every mismatch.
# Env: BUILD_DIR (<repo>/build, where bin/midaz-* are looked for), KUBECTL (kubectl).
set -euo pipefail

MIDAZ_SCRIPT=check-env
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib-common.sh
. "$SCRIPT_DIR/lib-common.sh"

BUILD_DIR="$(midaz_abspath "${BUILD_DIR:-$REPO/build}")"
KUBECTL="${KUBECTL:-kubectl}"
BINARIES=(midaz-onboarding midaz-portfolio midaz-transaction midaz-gateway)
KUSTOMIZATIONS=(base overlays/dev)

command -v "$KUBECTL" >/dev/null 2>&1 || die "$KUBECTL is not installed (scripts/install-deps.sh installs it)"
PY="$(midaz_python)"
"$PY" -c 'import yaml' 2>/dev/null || die "$PY has no PyYAML (install python3-yaml)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/midaz-check-env.XXXXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# The configuration table of each built binary, printed by --help in an empty environment (--help
# exits 0 before validating anything and connects nowhere).
for b in "${BINARIES[@]}"; do
  if [ -x "$BUILD_DIR/bin/$b" ]; then
    env -i PATH=/usr/bin:/bin "$BUILD_DIR/bin/$b" --help >"$WORK/help.$b" 2>&1 </dev/null ||
      die "$BUILD_DIR/bin/$b --help failed: $(head -n 3 "$WORK/help.$b")"
  fi
done

for k in "${KUSTOMIZATIONS[@]}"; do
  out="$WORK/k8s.${k//\//_}.yaml"
  if ! "$KUBECTL" kustomize "$REPO/deploy/k8s/$k" >"$out" 2>"$out.err" </dev/null; then
    cat "$out.err" >&2
    die "kubectl kustomize deploy/k8s/$k failed"
  fi
done

"$PY" - "$REPO" "$WORK" "$BUILD_DIR" "${KUSTOMIZATIONS[@]}" <<'PYEOF'
import os
import re
import shlex
import sys

import yaml

repo, work, build_dir = sys.argv[1], sys.argv[2], sys.argv[3]
kustomizations = sys.argv[4:]
BINARIES = ["midaz-onboarding", "midaz-portfolio", "midaz-transaction", "midaz-gateway"]
SERVICES = BINARIES[:3]
problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def read(path):
    with open(os.path.join(repo, path), encoding="utf-8") as f:
        return f.read()


# ---- what each binary reads -------------------------------------------------------------------------
# "  NAME  TYPE  DEFAULT  DESCRIPTION": any type word (int, string, http-url, host:port,..., ip-address...)
# so that a new config type cannot hide a variable; the header line is skipped by its TYPE column.
HELP_ROW = re.compile(r"^\s+([A-Z][A-Z0-9_]*)\s+(?!TYPE\s)([a-z][a-z0-9:,.\-]*)\s")
C_ROW = re.compile(r'\{\s*"([A-Z][A-Z0-9_]*)"\s*,\s*CFG_[A-Z]+')


def c_table(path, start_marker):
    """Names of the config_var rows of the first table after start_marker in a C file."""
    text = read(path)
    at = text.find(start_marker)
    if at < 0:
        return None
    end = text.find("};", at)
    return C_ROW.findall(text[at:end])


tables = {}
origin = {}
for b in BINARIES:
    help_file = os.path.join(work, "help." + b)
    if os.path.exists(help_file):
        with open(help_file, encoding="utf-8") as f:
            names = [m.group(1) for m in map(HELP_ROW.match, f.read().splitlines()) if m]
        origin[b] = os.path.join(build_dir, "bin", b) + " --help"
    elif b in SERVICES:
        names = c_table("common/service/service.c", "const config_var rows[]")
        origin[b] = "common/service/service.c (service_config_table_init)"
    else:
        names = c_table("gateway/main.c", "config_var table[]")
        origin[b] = "gateway/main.c (main)"
    if not names:
        problem(b, f"no configuration table found in {origin[b]}")
        names = []
    tables[b] = set(names)
    if origin[b].endswith("--help"):
        src = c_table("common/service/service.c", "const config_var rows[]") if b in SERVICES \
            else c_table("gateway/main.c", "config_var table[]")
        if src is not None and set(src) != tables[b]:
            print(f"check-env: warning: {b} --help and its C table differ (a stale build?): "
                  f"{', '.join(sorted(set(src) ^ tables[b]))}", file=sys.stderr)

# The image's default binary (a container without a command runs it).
cmd = re.findall(r'^CMD\s+\[\s*"([^"]+)"', read("deploy/Dockerfile"), re.M)
image_default = os.path.basename(cmd[-1]) if cmd else None
if image_default not in BINARIES:
    problem("deploy/Dockerfile", f"CMD names no midaz binary ({image_default})")


def binary_of(command, args, image):
    """The midaz binary a container runs, or None when it is not one of ours."""
    for argv in (command, args):
        if argv:
            first = shlex.split(argv)[0] if isinstance(argv, str) else str(argv[0])
            name = os.path.basename(first)
            return name if name.startswith("midaz-") else None
    if image and re.match(r"^([^/]+/)*midaz-c(:|@|$)", image):
        return image_default
    return None


def compare(where, binary, given):
    if binary not in tables:
        problem(where, f"runs {binary}, which is not one of {', '.join(BINARIES)}")
        return
    reads = tables[binary]
    missing = sorted(reads - set(given))
    extra = sorted(set(given) - reads)
    if missing:
        problem(where, f"does not set {', '.join(missing)} (read by {binary})")
    if extra:
        problem(where, f"sets {', '.join(extra)}, which {binary} does not read")


URL_VARS = {"ONBOARDING_URL": "midaz-onboarding", "PORTFOLIO_URL": "midaz-portfolio",
            "TRANSACTION_URL": "midaz-transaction"}


def check_urls(where, values, endpoints):
    """Each service URL must name a host:port where the binary it is meant for listens.
    endpoints: {(host, port): set of binaries listening there}."""
    for var, target in URL_VARS.items():
        url = values.get(var)
        if url is None:
            continue
        m = re.match(r"^http://([^/:]+):(\d+)/?$", str(url))
        if not m:
            problem(where, f"{var}={url} is not http://host:port")
        elif target not in endpoints.get((m.group(1), int(m.group(2))), set()):
            problem(where, f"{var}={url}: {target} does not listen there")


# ---- docker-compose.yml -----------------------------------------------------------------------------
def check_compose():
    doc = yaml.safe_load(read("docker-compose.yml")) or {}
    seen = set()
    endpoints, url_checks = {}, []
    for name, svc in sorted((doc.get("services") or {}).items()):
        svc = svc or {}
        build = svc.get("build")
        ours_image = isinstance(build, dict) and str(build.get("dockerfile", "")).endswith("deploy/Dockerfile")
        binary = binary_of(svc.get("entrypoint") or svc.get("command"), None,
                           svc.get("image") or ("midaz-c" if ours_image else None))
        if binary is None:
            continue
        where = f"docker-compose.yml: service {name} ({binary})"
        seen.add(binary)
        if svc.get("env_file"):
            problem(where, "uses env_file, which this check cannot follow: set the variables in environment")
        env = svc.get("environment") or {}
        if isinstance(env, list):
            env = dict(e.split("=", 1) if "=" in e else (e, None) for e in env)
        compare(where, binary, env.keys())
        port = str(env.get("PORT", ""))
        if port.isdigit():
            endpoints.setdefault((name, int(port)), set()).add(binary)
        url_checks.append((where, env))
        test = svc.get("healthcheck", {}).get("test")
        test = " ".join(test) if isinstance(test, list) else str(test or "")
        if not test.strip():
            problem(where, "has no healthcheck")
        elif port and f"127.0.0.1:{port}/" not in test and "${PORT" not in test:
            problem(where, f"healthcheck does not probe its PORT {port}")
        for p in svc.get("ports") or []:
            target = str(p).rsplit(":", 1)[-1] if not isinstance(p, dict) else str(p.get("target"))
            if port and target.split("/")[0] != port:
                problem(where, f"publishes container port {target}, but PORT is {port}")
        if binary != "midaz-gateway" and svc.get("ports"):
            problem(where, "publishes a port: only the gateway is published")
    for b in BINARIES:
        if b not in seen:
            problem("docker-compose.yml", f"no service runs {b}")
    for where, env in url_checks:
        check_urls(where, env, endpoints)


# ---- rendered kustomizations ------------------------------------------------------------------------
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")


def pod_spec(doc):
    return (((doc.get("spec") or {}).get("template") or {}).get("spec")) or {}


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_kustomization(k):
    where_k = f"deploy/k8s/{k}"
    with open(os.path.join(work, "k8s." + k.replace("/", "_") + ".yaml"), encoding="utf-8") as f:
        try:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        except yaml.YAMLError as e:
            problem(where_k, f"kustomize output is not valid YAML: {e}")
            return
    by_kind = {}
    for d in docs:
        if not isinstance(d, dict) or not d.get("apiVersion") or not d.get("kind") \
                or not (d.get("metadata") or {}).get("name"):
            problem(where_k, f"an object without apiVersion, kind or metadata.name: {str(d)[:80]}")
            continue
        by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
    configmaps = by_kind.get("ConfigMap", {})
    secrets = by_kind.get("Secret", {})

    def keys_of(kind, name):
        obj = (configmaps if kind == "ConfigMap" else secrets).get(name)
        if obj is None:
            return None
        fields = ("data", "binaryData") if kind == "ConfigMap" else ("data", "stringData")
        return {key for fld in fields for key in (obj.get(fld) or {})}

    workloads = [d for kind in WORKLOADS for d in by_kind.get(kind, {}).values()]
    seen = set()
    url_checks = []
    for w in workloads:
        wname = f"{w['kind']}/{w['metadata']['name']}"
        spec = pod_spec(w)
        tmpl_labels = ((w["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
        sel = (w["spec"].get("selector") or {}).get("matchLabels") or {}
        if w["kind"] != "Job" and not matches(sel, tmpl_labels):
            problem(f"{where_k}: {wname}", "selector.matchLabels do not match the pod template's labels")
        for vol in spec.get("volumes") or []:
            if "configMap" in vol and not vol["configMap"].get("optional") \
                    and vol["configMap"].get("name") not in configmaps:
                problem(f"{where_k}: {wname}", f"volume {vol.get('name')}: no ConfigMap {vol['configMap'].get('name')}")
            if "secret" in vol and not vol["secret"].get("optional") \
                    and vol["secret"].get("secretName") not in secrets:
                problem(f"{where_k}: {wname}", f"volume {vol.get('name')}: no Secret {vol['secret'].get('secretName')}")
        pod_sc = spec.get("securityContext") or {}
        for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
            where = f"{where_k}: {wname} container {c.get('name')}"
            if not c.get("image"):
                problem(where, "has no image")
            names, values = [], {}
            for e in c.get("env") or []:
                names.append(e["name"])
                values[e["name"]] = e.get("value")
                vf = e.get("valueFrom") or {}
                for ref_kind, field in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                    ref = vf.get(field)
                    if ref and not ref.get("optional"):
                        keys = keys_of(ref_kind, ref.get("name"))
                        if keys is None:
                            problem(where, f"{e['name']}: no {ref_kind} {ref.get('name')} in the output")
                        elif ref.get("key") not in keys:
                            problem(where, f"{e['name']}: {ref_kind} {ref.get('name')} has no key {ref.get('key')}")
            for ef in c.get("envFrom") or []:
                for ref_kind, field in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    ref = ef.get(field)
                    if not ref:
                        continue
                    keys = keys_of(ref_kind, ref.get("name"))
                    if keys is None:
                        if not ref.get("optional"):
                            problem(where, f"envFrom: no {ref_kind} {ref.get('name')} in the output")
                        continue
                    names.extend(ef.get("prefix", "") + key for key in keys)
                    if ref_kind == "ConfigMap":
                        for key in keys:
                            values.setdefault(ef.get("prefix", "") + key,
                                              (configmaps[ref["name"]].get("data") or {}).get(key))
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                problem(where, f"sets {', '.join(dup)} more than once (env and envFrom overlap)")
            binary = binary_of(c.get("command"), c.get("args"), c.get("image"))
            if binary is None:
                continue
            seen.add(binary)
            where = f"{where} ({binary})"
            compare(where, binary, names)
            check_app_container(where, c, pod_sc, values.get("PORT"))
            url_checks.append((where, values))
    for b in BINARIES:
        if b not in seen:
            problem(where_k, f"no workload runs {b}")

    def workloads_selected(selector):
        return [w for w in workloads if matches(selector, ((w["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {})]

    for name, svc in sorted(by_kind.get("Service", {}).items()):
        spec = svc.get("spec") or {}
        if spec.get("type", "ClusterIP") != "ClusterIP":
            problem(f"{where_k}: Service/{name}", f"is of type {spec.get('type')}: expose the gateway in an overlay")
        targets = workloads_selected(spec.get("selector") or {})
        if not targets:
            problem(f"{where_k}: Service/{name}", "selects no workload")
            continue
        for p in spec.get("ports") or []:
            tp = p.get("targetPort", p.get("port"))
            ok = any(tp in (cp.get("name"), cp.get("containerPort"))
                     for w in targets for c in pod_spec(w).get("containers") or [] for cp in c.get("ports") or [])
            if not ok:
                problem(f"{where_k}: Service/{name}", f"targetPort {tp} is no container port of the selected pods")
    # Where each binary listens: Service name and port -> the binaries of the pods behind it.
    endpoints = {}
    for name, svc in by_kind.get("Service", {}).items():
        for w in workloads_selected((svc.get("spec") or {}).get("selector") or {}):
            for c in pod_spec(w).get("containers") or []:
                b = binary_of(c.get("command"), c.get("args"), c.get("image"))
                cports = {cp.get("name"): cp.get("containerPort") for cp in c.get("ports") or []}
                for p in (svc.get("spec") or {}).get("ports") or []:
                    tp = p.get("targetPort", p.get("port"))
                    if b and (tp in cports or tp in cports.values()):
                        endpoints.setdefault((name, p.get("port")), set()).add(b)
    for where, values in url_checks:
        check_urls(where, values, endpoints)
    for name, pdb in sorted(by_kind.get("PodDisruptionBudget", {}).items()):
        if not workloads_selected(((pdb.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}):
            problem(f"{where_k}: PodDisruptionBudget/{name}", "selects no workload")
    for name, hpa in sorted(by_kind.get("HorizontalPodAutoscaler", {}).items()):
        ref = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        if ref.get("name") not in by_kind.get(ref.get("kind"), {}):
            problem(f"{where_k}: HorizontalPodAutoscaler/{name}", f"targets no {ref.get('kind')}/{ref.get('name')}")
        target = by_kind.get(ref.get("kind"), {}).get(ref.get("name"))
        if target is not None and "replicas" in (target.get("spec") or {}) and k == "base":
            problem(f"{where_k}: {ref.get('kind')}/{ref.get('name')}", "sets replicas although an autoscaler owns it")
    for b in ("midaz-gateway", "midaz-transaction"):
        owners = [w["metadata"]["name"] for w in workloads
                  if any(binary_of(c.get("command"), c.get("args"), c.get("image")) == b
                         for c in pod_spec(w).get("containers") or [])]
        if not any((h.get("spec") or {}).get("scaleTargetRef", {}).get("name") in owners
                   for h in by_kind.get("HorizontalPodAutoscaler", {}).values()):
            problem(where_k, f"no HorizontalPodAutoscaler scales {b}")
    for b in BINARIES:
        owners = [w for w in workloads
                  if any(binary_of(c.get("command"), c.get("args"), c.get("image")) == b
                         for c in pod_spec(w).get("containers") or [])]
        for w in owners:
            labels = ((w["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
            if not any(matches(((p.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}, labels)
                       for p in by_kind.get("PodDisruptionBudget", {}).values()):
                problem(f"{where_k}: {w['kind']}/{w['metadata']['name']}", "no PodDisruptionBudget covers it")


def check_app_container(where, c, pod_sc, port):
    ports = {cp.get("name"): cp.get("containerPort") for cp in c.get("ports") or []}
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/health")):
        get = (c.get(probe) or {}).get("httpGet")
        if not get or get.get("path") != path:
            problem(where, f"{probe} is not an httpGet of {path}")
            continue
        p = get.get("port")
        number = ports.get(p) if isinstance(p, str) else p
        if port is not None and str(number) != str(port):
            problem(where, f"{probe} probes port {p} ({number}), but PORT is {port}")
    res = c.get("resources") or {}
    for kind in ("requests", "limits"):
        for r in ("cpu", "memory"):
            if r not in (res.get(kind) or {}):
                problem(where, f"resources.{kind}.{r} is not set")
    sc = c.get("securityContext") or {}

    def eff(key):
        return sc.get(key, pod_sc.get(key))

    if eff("runAsNonRoot") is not True:
        problem(where, "runAsNonRoot is not true")
    if eff("runAsUser") != 10001:
        problem(where, "runAsUser is not 10001 (the image's user)")
    if sc.get("readOnlyRootFilesystem") is not True:
        problem(where, "readOnlyRootFilesystem is not true")
    if sc.get("allowPrivilegeEscalation") is not False:
        problem(where, "allowPrivilegeEscalation is not false")
    if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
        problem(where, "capabilities.drop does not hold ALL")


# ---- docs and the dev overlay's copy of init.sql ----------------------------------------------------
def check_docs():
    try:
        text = read("docs/operations.md")
    except OSError:
        problem("docs/operations.md", "missing")
        return
    for name in sorted(set().union(*tables.values())):
        if f"`{name}`" not in text:
            problem("docs/operations.md", f"does not document `{name}`")


def check_init_copy():
    try:
        same = read("deploy/postgres/init.sql") == read("deploy/k8s/overlays/dev/init.sql")
    except OSError as e:
        problem("deploy/k8s/overlays/dev/init.sql", str(e))
        return
    if not same:
        problem("deploy/k8s/overlays/dev/init.sql",
                "differs from deploy/postgres/init.sql (run: cp deploy/postgres/init.sql deploy/k8s/overlays/dev/)")


check_compose()
for k in kustomizations:
    check_kustomization(k)
check_docs()
check_init_copy()

for b in BINARIES:
    print(f"check-env: {b}: {len(tables[b])} variables, from {origin[b]}")
if problems:
    print(f"check-env: {len(problems)} mismatch(es):", file=sys.stderr)
    for p in problems:
        print(f"  {p}", file=sys.stderr)
    sys.exit(1)
print("check-env: docker-compose.yml and deploy/k8s/{" + ",".join(kustomizations) + "} set exactly the "
      "variables each binary reads; manifests, docs and init.sql copy consistent")
PYEOF
