#!/usr/bin/env bash
# Compare `helm-camunda-upgrade compat` with the real chart: render a local
# checkout of chart 13.x (with its dependency charts in <chart>/charts/) with a
# probe template that dumps the values the chart's templates receive after the
# compatibility layer, and check every key `compat` prints against them. Also
# compares the first render error. A development tool: the tests do not need a
# chart checkout.
#
#   scripts/compat-oracle.sh <chart-dir> <chart-version> values.yaml [more.yaml ...]
#
# Env: HELM (default .tools/helm-3.17.3/helm), BIN (default target/debug/helm-camunda-upgrade).
# Exit 0 when `compat` agrees with the chart, 1 otherwise.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
chart=$1 version=$2
shift 2
helm=${HELM:-$root/.tools/helm-3.17.3/helm}
bin=${BIN:-$root/target/debug/helm-camunda-upgrade}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp -r "$chart" "$work/chart"
cat > "$work/chart/templates/zz-compat-oracle-probe.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: compat-oracle-probe
data:
  {{- $v := dict "orchestration" .Values.orchestration "connectors" .Values.connectors "global" .Values.global }}
  values.json: {{ $v | toJson | quote }}
EOF

fargs=()
for f in "$@"; do fargs+=(-f "$f"); done
set +e
"$helm" template oracle "$work/chart" "${fargs[@]}" --show-only templates/zz-compat-oracle-probe.yaml \
  > "$work/helm.out" 2> "$work/helm.err"
helm_rc=$?
"$bin" compat --chart-version "$version" --output json "$@" > "$work/compat.json" 2> "$work/compat.err"
compat_rc=$?
set -e

python3 - "$work" "$helm_rc" "$compat_rc" <<'PY'
import json, sys, re
work, helm_rc, compat_rc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
helm_err = open(f"{work}/helm.err").read()
compat_err = open(f"{work}/compat.err").read()
if helm_rc != 0:
    # Helm: "Error: <where>: <message>" with the chart's own message on the
    # following lines (the last one counts), or Go's error after ">: ".
    lines = helm_err.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("Error:"))
    block = [l for l in lines[start + 1:] if l.strip() and not l.startswith("Use --debug")]
    key = block[-1] if block else lines[start].rsplit(">: ", 1)[-1].rsplit("): ", 1)[-1]
    ok = key.strip() in compat_err
    print(("agree" if ok else "DIFFER") + f": helm fails: {key.strip()}")
    if not ok:
        print("compat stderr:\n" + compat_err)
    sys.exit(0 if ok else 1)
if compat_rc not in (0, 4) or not open(f"{work}/compat.json").read().strip():
    print("DIFFER: helm renders, compat says it would fail:\n" + compat_err)
    sys.exit(1)
text = open(f"{work}/helm.out").read()
m = re.search(r'values.json: (".*")\s*$', text, re.S)
real = json.loads(json.loads(m.group(1)))
ours = json.load(open(f"{work}/compat.json"))
bad = []
def walk(o, r, path):
    if isinstance(o, dict) and o:
        if not isinstance(r, dict):
            bad.append((path, o, r)); return
        for k, v in o.items():
            walk(v, r.get(k, "<missing>"), path + [k])
    elif o != r and o != "<redacted>":
        bad.append((path, o, r))
walk(ours, real, [])
for p, o, r in bad:
    print("DIFFER: %s: compat %s, chart %s" % (".".join(p), json.dumps(o), json.dumps(r)))
print(("agree" if not bad else "DIFFER") + ": %d keys compared" % sum(1 for _ in re.finditer(":", json.dumps(ours))))
sys.exit(1 if bad else 0)
PY
