#!/usr/bin/env bash
# Installs kubectl 1.20.2 for the `secrets` tests into .tools/kubectl-1.20.2/kubectl, from
# Debian bookworm's `kubernetes-client` package (built from the same source package as the
# tests' kube-apiserver 1.20.2, so client and server match). `apt-get download` with a private
# list directory and `dpkg-deb -x`: no root, the system's apt state is untouched. Idempotent.
# Prints nothing on success unless -v is given.
#
# Users need no such step: `secrets extract` runs the kubectl already on their PATH (or
# $HELM_CAMUNDA_UPGRADE_KUBECTL), which speaks every kubeconfig auth method they use.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version=1.20.5+really1.20.2-1.1+deb12u1
dest="$root/.tools/kubectl-1.20.2"
verbose=${1:-}
log() { [ "$verbose" = "-v" ] && echo "install-kubectl: $*" >&2 || true; }
[ -x "$dest/kubectl" ] && exit 0
for t in apt-get dpkg-deb; do command -v $t >/dev/null 2>&1 || { echo "install-kubectl: needs $t" >&2; exit 1; }; done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hcu-kubectl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/apt/lists/partial" "$tmp/apt/cache/archives/partial" "$tmp/root"
echo 'deb http://deb.debian.org/debian bookworm main' > "$tmp/apt/sources.list"
A=(-o "Dir::Etc::SourceList=$tmp/apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
   -o "Dir::State::Lists=$tmp/apt/lists" -o "Dir::Cache=$tmp/apt/cache")
log "downloading kubernetes-client=$version from deb.debian.org (private apt lists)"
apt-get "${A[@]}" -qq update >&2
(cd "$tmp" && apt-get "${A[@]}" -qq download "kubernetes-client=$version" >&2)
dpkg-deb -x "$tmp"/kubernetes-client_*.deb "$tmp/root"
mkdir -p "$dest"
cp "$tmp/root/usr/bin/kubectl" "$dest/kubectl.tmp"
chmod +x "$dest/kubectl.tmp"
"$dest/kubectl.tmp" version --client >/dev/null
mv "$dest/kubectl.tmp" "$dest/kubectl"
log "ok: $("$dest/kubectl" version --client --short 2>/dev/null || true)"
