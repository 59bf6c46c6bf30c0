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
# `helm plugin install DIR` links DIR into the plugins folder under DIR's own name.
ours=""
for link in "$("$HELM" env HELM_PLUGINS | cut -d: -f1)"/*; do
  if [ -L "$link" ] && [ "$(cd "$link" && pwd -P)" = "$(pwd -P)" ]; then ours=$link; fi
done
if [ -n "$ours" ]; then
  # Installed from this checkout already: rebuild, as the update hook would
  # (`helm plugin update` cannot update a local directory install on Helm 3.17).
  HELM_PLUGIN_DIR="$PWD" HELM_BIN="$HELM" sh scripts/install.sh update >&2
elif "$HELM" plugin list 2>/dev/null | awk 'NR>1 {print $1}' | grep -qx camunda-upgrade; then
  echo "quickstart: another camunda-upgrade plugin is installed; run 'helm plugin uninstall camunda-upgrade' first" >&2
  exit 1
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
