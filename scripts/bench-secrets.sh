#!/usr/bin/env bash
# Benchmark `secrets plan` and `migrate --secret-name` on a generated ~100 KB Camunda 8.7 values
# file full of env vars and plaintext secrets, against `cat` and `yq` (if installed) and plain
# `migrate` on the same input in the same run. With --cluster, also `secrets extract` on a real
# kube-apiserver (scripts/kube-apiserver.sh) against the two calls it makes (`helm get values`,
# `kubectl get secret`), run by hand.
# Usage: scripts/bench-secrets.sh [--cluster] [runs]   (default 20; prints medians in ms)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cluster=no
if [ "${1:-}" = "--cluster" ]; then cluster=yes; shift; fi
runs=${1:-20}
cargo build --release --quiet
bin=$PWD/target/release/helm-camunda-upgrade
work=$(mktemp -d)
cleanup() {
  [ -f "$work/kapi/apiserver.pid" ] && sh "$root/scripts/kube-apiserver.sh" stop "$work/kapi" || true
  rm -rf "$work"
}
trap cleanup EXIT
python3 - "$work/values.yaml" <<'PY'
import sys
out = ["# Generated 8.7 values for the secrets benchmark."]
out += ["global:", "  identity:", "    auth:", "      zeebe:", "        existingSecret: zeebe-client-plain",
        "  elasticsearch:", "    auth:", "      password: es-plain"]
out += ["identity:", "  firstUser:", "    password: first-plain"]
out += ["identityKeycloak:", "  auth:", "    adminPassword: kc-plain"]
for comp in ["zeebe", "zeebeGateway", "operate", "tasklist", "connectors"]:
    out += [f"{comp}:", "  env:"]
    for i in range(200):
        name = f"APP_{comp.upper()}_SETTING_{i}" if i % 10 else f"APP_{comp.upper()}_DB_{i}_PASSWORD"
        out += [f"    - name: {name}", f"      value: \"value-{comp}-{i}\""]
for c in range(60):
    out += [f"extraComponent{c}:", "  settings:"]
    out += [f"    key{i}: value {i}" for i in range(20)]
    out += ["  apiToken: tok-%d" % c]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
size=$(wc -c < "$work/values.yaml")
median() { # command...
  local t=()
  for _ in $(seq "$runs"); do
    local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    t+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}
row() { printf '%-48s %8s ms\n' "$1" "$2"; }
v=$work/values.yaml
echo "input: $size bytes, $(wc -l < "$v") lines; median of $runs runs (wall, ms)"
row "cat" "$(median cat "$v")"
if command -v yq >/dev/null 2>&1; then
  row "yq . (parse + re-emit)" "$(median yq . "$v")"
else
  echo "yq                                           (not installed; apt-get install yq for this baseline)"
fi
row "helm-camunda-upgrade secrets plan" "$(median "$bin" secrets plan "$v")"
row "helm-camunda-upgrade secrets plan --output json" "$(median "$bin" secrets plan --output json "$v")"
row "helm-camunda-upgrade migrate" "$(median "$bin" migrate -q "$v")"
row "helm-camunda-upgrade migrate --secret-name" "$(median "$bin" migrate -q --secret-name camunda-credentials "$v")"

[ "$cluster" = yes ] || exit 0
scripts/install-helm.sh
helm=$PWD/.tools/helm-3.17.3/helm
kapi=$(scripts/kube-apiserver.sh build)
kubectl=$kapi/kubectl
eval "$(HCU_KAPI_BIN=$kapi KAPI_PORT=${KAPI_PORT:-16543} ETCD_PORT=${ETCD_PORT:-23890} \
  sh scripts/kube-apiserver.sh start "$work/kapi")"
export HELM_CACHE_HOME=$work/helm/cache HELM_CONFIG_HOME=$work/helm/config HELM_DATA_HOME=$work/helm/data
export HELM_BIN=$helm KUBECTL=$kubectl HELM_NAMESPACE=bench
"$helm" install r tests/secrets/charts/camunda-12 -n bench --create-namespace \
  --set webModeler.enabled=true,postgresql.enabled=true,identityPostgresql.enabled=true,console.enabled=true >/dev/null
names=$("$kubectl" get secret -n bench -o name | grep -v sh.helm | sed 's|secret/||' | tr '\n' ' ')
cd "$work"
echo "extract on a real kube-apiserver (release with 11 generated secrets); median of $runs runs (wall, ms)"
# shellcheck disable=SC2086
row "helm get values + kubectl get secret (by hand)" \
  "$(median sh -c "'$helm' get values r -n bench -o yaml && '$kubectl' get secret -n bench -o json $names")"
row "helm-camunda-upgrade secrets extract" "$(median "$bin" secrets extract --release r --overlay o1.yaml)"
rm -f o1.yaml
row "helm-camunda-upgrade secrets extract --apply" \
  "$(median "$bin" secrets extract --release r --apply --overlay o1.yaml)"
