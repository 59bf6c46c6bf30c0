#!/bin/sh
# Helm plugin install/update hook (plugin.yaml `hooks`): puts the helm-camunda-upgrade binary
# for this machine into bin/, then, on Helm 4 only, installs the `camunda-upgrade-check`
# post-renderer plugin (plugins/camunda-upgrade-check).
#
# Where the binary comes from, first match wins:
#   SKIP_BIN_INSTALL=1                 nothing is done (you put bin/helm-camunda-upgrade there)
#   HELM_CAMUNDA_UPGRADE_BIN_TGZ=FILE  a release archive already on disk (air-gapped installs);
#                                      checked against HELM_CAMUNDA_UPGRADE_BIN_SHA256 if set
#   cargo on PATH                      `cargo build --release --locked` from this checkout
#                                      (HELM_CAMUNDA_UPGRADE_DOWNLOAD=1 skips this and downloads)
#   otherwise                          download the release archive for this OS/arch and verify its
#                                      SHA-256 against the release's checksum file before use
# The download path is written with care but cannot be exercised in the project's CI (no
# network there apart from package registries); the cargo and archive paths are tested.
set -eu

event=${1:-install}
NAME=helm-camunda-upgrade
# The one place that says where releases live: <base>/v<version>/<asset>.
RELEASE_BASE=${HELM_CAMUNDA_UPGRADE_RELEASE_BASE:-\
https://github.com/camunda-community-hub/helm-camunda-upgrade/releases/download}

say() { echo "camunda-upgrade $event: $*" >&2; }
die() { say "$*"; exit 1; }

cd "${HELM_PLUGIN_DIR:-$(dirname "$0")/..}"
version=$(sed -n 's/^version:[[:space:]]*"\{0,1\}\([^"[:space:]]*\)"\{0,1\}[[:space:]]*$/\1/p' plugin.yaml | head -n 1)
[ -n "$version" ] || die "cannot read the version from $PWD/plugin.yaml"

platform() { # prints "<os> <arch> <exe suffix>" in release-asset spelling
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN*) os=windows ;;
    *) die "unsupported OS $(uname -s); build from source with cargo" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "unsupported CPU $(uname -m); build from source with cargo" ;;
  esac
  exe=""
  [ "$os" = windows ] && exe=.exe
  echo "$os $arch $exe"
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d' ' -f1
  elif command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 "$1" | sed 's/.*= *//'
  else die "need sha256sum, shasum or openssl to verify the download"
  fi
}

# Put FILE in place as bin/<name><exe> atomically (a running copy is never half-written).
place() {
  mkdir -p bin
  cp "$1" "bin/.$NAME$2.tmp.$$"
  chmod 755 "bin/.$NAME$2.tmp.$$"
  mv -f "bin/.$NAME$2.tmp.$$" "bin/$NAME$2"
}

# Unpack the single binary out of a release archive; refuse anything unexpected in it.
from_archive() { # archive exe
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/hcu-install.XXXXXX")
  tar --no-same-owner -xzf "$1" -C "$tmp" "$NAME$2" 2>/dev/null ||
    { rm -rf "$tmp"; die "$1 has no $NAME$2 at its root"; }
  [ -f "$tmp/$NAME$2" ] && [ ! -L "$tmp/$NAME$2" ] || { rm -rf "$tmp"; die "$1: $NAME$2 is not a file"; }
  place "$tmp/$NAME$2" "$2"
  rm -rf "$tmp"
}

fetch() { # url file
  if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then wget -q -O "$2" "$1"
  else die "need curl or wget to download $1"
  fi
}

install_binary() {
  p=$(platform) || exit 1
  # shellcheck disable=SC2086
  set -- $p
  os=$1 arch=$2 exe=${3:-}
  asset="$NAME-$os-$arch.tgz"
  if [ "${SKIP_BIN_INSTALL:-}" = 1 ]; then
    say "SKIP_BIN_INSTALL=1: leaving bin/ as it is"
    return 0
  fi
  if [ -n "${HELM_CAMUNDA_UPGRADE_BIN_TGZ:-}" ]; then
    [ -f "$HELM_CAMUNDA_UPGRADE_BIN_TGZ" ] || die "HELM_CAMUNDA_UPGRADE_BIN_TGZ: no file $HELM_CAMUNDA_UPGRADE_BIN_TGZ"
    if [ -n "${HELM_CAMUNDA_UPGRADE_BIN_SHA256:-}" ]; then
      got=$(sha256_of "$HELM_CAMUNDA_UPGRADE_BIN_TGZ")
      [ "$got" = "$HELM_CAMUNDA_UPGRADE_BIN_SHA256" ] ||
        die "checksum mismatch for $HELM_CAMUNDA_UPGRADE_BIN_TGZ: expected $HELM_CAMUNDA_UPGRADE_BIN_SHA256, got $got"
    fi
    say "installing from $HELM_CAMUNDA_UPGRADE_BIN_TGZ"
    from_archive "$HELM_CAMUNDA_UPGRADE_BIN_TGZ" "$exe"
    return 0
  fi
  if command -v cargo >/dev/null 2>&1 && [ -f Cargo.toml ] && [ "${HELM_CAMUNDA_UPGRADE_DOWNLOAD:-}" != 1 ]; then
    say "building with $(cargo --version) (a few minutes the first time)"
    cargo build --release --locked --quiet
    target=${CARGO_TARGET_DIR:-target}
    place "$target/release/$NAME$exe" "$exe"
    return 0
  fi
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/hcu-download.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  url="$RELEASE_BASE/v$version"
  say "downloading $url/$asset"
  fetch "$url/$asset" "$tmp/$asset" || die "download of $url/$asset failed"
  fetch "$url/$NAME-checksums.sha256" "$tmp/sums" || die "download of $url/$NAME-checksums.sha256 failed"
  # sha256sum format: "<64 hex>  <file name>"; the asset must be listed exactly once.
  want=$(awk -v f="$asset" '($2 == f || $2 == "*" f) { print $1 }' "$tmp/sums")
  [ "$(printf '%s\n' "$want" | grep -c '^[0-9a-f]\{64\}$')" = 1 ] || die "no single checksum for $asset in the release"
  got=$(sha256_of "$tmp/$asset")
  [ "$got" = "$want" ] || die "checksum mismatch for $asset: expected $want, got $got; not installed"
  from_archive "$tmp/$asset" "$exe"
}

# Helm 4 wants `--post-renderer <plugin name>`; Helm 3 would break on that manifest.
install_postrenderer_on_helm4() {
  helm=${HELM_BIN:-helm}
  major=$("$helm" version --short 2>/dev/null | sed -n 's/^v\([0-9][0-9]*\)\..*/\1/p')
  [ "${major:-3}" -ge 4 ] || return 0
  if "$helm" plugin list 2>/dev/null | awk 'NR > 1 { print $1 }' | grep -qx camunda-upgrade-check; then
    return 0
  fi
  say "Helm $major: installing the post-renderer plugin camunda-upgrade-check"
  "$helm" plugin install "$PWD/plugins/camunda-upgrade-check" >&2 ||
    say "could not install it; run: helm plugin install $PWD/plugins/camunda-upgrade-check"
}

install_binary
bin="bin/$NAME$(platform | cut -d' ' -f3)"
if [ "${SKIP_BIN_INSTALL:-}" != 1 ]; then
  "$bin" --version >/dev/null 2>&1 || die "$bin does not run on this machine"
  say "installed $("$bin" --version)"
fi
install_postrenderer_on_helm4
