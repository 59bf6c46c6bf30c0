#!/bin/sh
# Helm plugin install/update hook: builds the binary into bin/ with cargo.
set -eu
cd "${HELM_PLUGIN_DIR:-$(dirname "$0")/..}"
if ! command -v cargo >/dev/null 2>&1; then
  echo "camunda-upgrade: cargo is needed to build the plugin" >&2
  exit 1
fi
cargo build --release --locked --quiet
mkdir -p bin
cp target/release/helm-camunda-upgrade bin/helm-camunda-upgrade
