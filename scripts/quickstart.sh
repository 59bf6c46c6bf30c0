#!/usr/bin/env bash
# README set-up command 1: install the plugin into Helm (building it with cargo)
# and run its main job, `migrate`, on the example 8.7 values file.
# Uses `helm` from PATH, or installs Helm 3.17.3 into .tools/ when there is none.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v helm >/dev/null 2>&1; then
  HELM=helm
else
  scripts/install-helm.sh
  HELM="$PWD/.tools/helm-3.17.3/helm"
fi
if "$HELM" plugin list 2>/dev/null | awk 'NR>1 {print $1}' | grep -qx camunda-upgrade; then
  "$HELM" plugin update camunda-upgrade >&2
else
  "$HELM" plugin install "$PWD" >&2
fi
echo "--- helm camunda-upgrade migrate examples/camunda-8.7-values.yaml" >&2
rc=0
"$HELM" camunda-upgrade migrate examples/camunda-8.7-values.yaml || rc=$?
case $rc in
  0) ;;
  3) echo "--- done (exit 3: migrated, with the manual steps listed above)" >&2; rc=0 ;;
esac
exit $rc
