#!/usr/bin/env bash
# Benchmark `compat` on a generated ~100 KB Camunda 8.7 values file (the
# layer's merge, refusals and explanation all have work to do), against `cat`
# and `yq` (if installed) on the same input in the same run.
# Usage: scripts/bench-compat.sh [runs]   (default 30; prints medians in ms)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
bench_setup "${1:-30}"
python3 - "$work/values.yaml" <<'PY'
import sys
out = ["# Generated 8.7 values for the compat benchmark."]
out += ["global:", "  identity:", "    auth:", "      enabled: true", "      zeebe:", "        clientId: zeebe",
        "      connectors:", "        existingSecret: creds"]
out += ["zeebe:", "  enabled: true", "  clusterSize: \"3\"", "  partitionCount: \"6\"", "  pvcSize: 64Gi",
        "  javaOpts: -Xmx2g -XX:HeapDumpPath=/usr/local/zeebe/data", "  image:", "    tag: 8.7.21",
        "  resources:", "    requests:", "      cpu: 800m", "      memory: 1200Mi", "  podLabels:"]
out += [f"    label-{i}: value-{i}  # label {i}" for i in range(800)]
out += ["zeebeGateway:", "  enabled: true", "  contextPath: /zeebe", "  service:", "    restPort: 8088",
        "  ingress:", "    grpc:", "      enabled: true", "      host: grpc.example.com",
        "      tls:", "        enabled: false",
        "  podAnnotations:"]
out += [f"    annotation-{i}: \"on\"" for i in range(800)]
out += ["operate:", "  enabled: true", "  contextPath: /operate", "  podLabels:"]
out += [f"    op-{i}: x{i}" for i in range(400)]
for c in range(100):
    out += [f"extraComponent{c}:", "  enabled: yes", "  settings:"]
    out += [f"    key{i}: value {i}" for i in range(20)]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
baselines "$work/values.yaml"
printf '%-44s %8s ms\n' "helm-camunda-upgrade compat" "$(median "$bin" compat "$work/values.yaml")"
in=$work/values.yaml
printf '%-44s %8s ms\n' "helm-camunda-upgrade compat --output json" "$(median "$bin" compat --output json "$in")"
printf '%-44s %8s ms\n' "helm-camunda-upgrade compat --explain (+migrate)" "$(median "$bin" compat --explain "$in")"
