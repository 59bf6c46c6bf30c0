#!/usr/bin/env bash
# Benchmark the openmetadata-deps-1.11 migration on a generated ~100 KB deps
# values file (the old airflow: block, a big config map, many annotations and
# extra env items), against `cat` and `yq` (if installed) in the same run.
# Usage: scripts/bench-migrate-om.sh [runs]   (default 30; prints medians in ms)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
bench_setup "${1:-30}"
python3 - "$work/values.yaml" <<'PY'
import sys
out = ["# Generated openmetadata-dependencies 1.11.2 values for the migrate benchmark.", "airflow:", "  enabled: true",
       "  airflow:", "    executor: KubernetesExecutor", "    config:"]
out += [f"      AIRFLOW__BENCH__OPTION_{i}: \"value {i}\"" for i in range(600)]
out += ["    extraPipPackages:"] + [f"      - \"bench-package-{i}==1.{i}\"" for i in range(50)]
out += ["    extraEnv:"] + [f"      - {{name: BENCH_ENV_{i}, value: \"v{i}\"}}" for i in range(300)]
out += ["  web:", "    replicas: 2", "    podAnnotations:"] + [f"      bench/annotation-{i}: \"on\"  # note {i}" for i in range(600)]
out += ["  externalDatabase:", "    type: postgres", "    host: pg.bench.internal", "    passwordSecret: bench-db"]
out += ["  dags:", "    persistence:", "      storageClass: efs", "      size: 10Gi"]
for c in range(40):
    out += [f"benchExtra{c}:", "  # left alone by the migration", "  settings:"] + [f"    key{i}: value {i}" for i in range(20)]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
baselines "$work/values.yaml"
printf '%-44s %8s ms\n' "migrate --migration openmetadata-deps-1.11" \
  "$(median "$bin" migrate -q --migration openmetadata-deps-1.11 "$work/values.yaml")"
