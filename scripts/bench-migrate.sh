#!/usr/bin/env bash
# Benchmark `migrate` on a generated ~100 KB Camunda 8.7 values file, against
# `cat` and `yq` (if installed) on the same input in the same run.
# Usage: scripts/bench-migrate.sh [runs]   (default 30; prints medians in ms)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
bench_setup "${1:-30}"
python3 - "$work/values.yaml" <<'PY'
import sys
out = ["# Generated 8.7 values for the migrate benchmark."]
out += ["global:", "  ingress:", "    enabled: true", "    host: camunda.example.com"]
out += ["zeebe:", "  enabled: true", "  clusterSize: 3", "  partitionCount: 6", "  javaOpts: -Xmx2g -XX:HeapDumpPath=/usr/local/zeebe/data",
        "  image:", "    repository: camunda/zeebe", "    tag: 8.7.21", "  resources:", "    requests:", "      cpu: 800m", "      memory: 1200Mi",
        "  podLabels:"]
out += [f"    label-{i}: value-{i}  # label {i}" for i in range(800)]
out += ["zeebeGateway:", "  contextPath: /zeebe", "  service:", "    restPort: 8088", "  podAnnotations:"]
out += [f"    annotation-{i}: \"on\"" for i in range(800)]
out += ["operate:", "  enabled: true", "  contextPath: /operate"]
for c in range(130):
    out += [f"extraComponent{c}:", "  # a component the migration leaves alone", "  enabled: yes", "  settings:"]
    out += [f"    key{i}: value {i}" for i in range(20)]
text = "\n".join(out) + "\n"
open(sys.argv[1], "w").write(text)
PY
baselines "$work/values.yaml"
printf '%-44s %8s ms\n' "helm-camunda-upgrade migrate" "$(median "$bin" migrate -q "$work/values.yaml")"
printf '%-44s %8s ms\n' "helm-camunda-upgrade migrate --diff" "$(median "$bin" migrate -q --diff "$work/values.yaml")"
