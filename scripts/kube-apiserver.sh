#!/bin/sh
# kube-apiserver.sh — a real, throw-away Kubernetes API server for the integration tests:
# kube-apiserver 1.20.2 built offline from Debian bookworm's `kubernetes` source package and
# etcd 3.4 from Debian's `etcd-server`, bound to 127.0.0.1 only. No kubelet, controllers or
# scheduler run: objects are stored, validated and served, nothing is ever executed.
#
#   scripts/kube-apiserver.sh build          # build once, cache; prints the folder with the binaries
#   scripts/kube-apiserver.sh start DIR      # prints "export KUBECONFIG=DIR/kubeconfig"
#   scripts/kube-apiserver.sh stop DIR       # kills exactly the two PIDs recorded in DIR
#   scripts/kube-apiserver.sh clean DIR      # stop, then rm -rf DIR
#   scripts/kube-apiserver.sh status DIR
#
# Build: about 5-8 minutes on 2 cores from a cold cache (measured figures in docs/plugin.md),
# ~2.5 GB of scratch disk, ~0.1 GB downloaded from the Debian archive this machine's apt uses, with a private
# list directory (no root, the system's apt state is untouched). The result (kube-apiserver
# ~110 MB, etcd, and kubectl 1.20 from Debian's kubernetes-client) is cached in $HCU_KAPI_CACHE, default
# ${XDG_CACHE_HOME:-$HOME/.cache}/helm-camunda-upgrade/kube-apiserver-1.20.2, so later runs
# and other checkouts reuse it; keep that directory in the CI cache.
#
# Environment for start: HCU_KAPI_BIN (folder from `build`; default: the cache), KAPI_PORT
# (default 16443), ETCD_PORT (default 23790), ETCD_PEER_PORT (default ETCD_PORT+10), KAPI_TIMEOUT
# (seconds, default 60).
# Needs: sh, openssl, curl (readiness probe). Adapted from the recipe in the project's research
# notes (Debian source package 1.20.5+really1.20.2-1.1+deb12u1, Go 1.19 from Debian).
set -eu

K8S_SRC_VERSION=1.20.5+really1.20.2-1.1+deb12u1
CACHE=${HCU_KAPI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/helm-camunda-upgrade/kube-apiserver-1.20.2}
log() { echo "kube-apiserver.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# The apt options for a private state directory (bookworm main, binaries and sources): no root
# needed and the system's apt state stays untouched.
private_apt() { # dir
  mkdir -p "$1/apt/lists/partial" "$1/apt/cache/archives/partial"
  mirror=$(debian_archive)
  printf 'deb %s bookworm main\ndeb-src %s bookworm main\n' "$mirror" "$mirror" \
    > "$1/apt/sources.list"
  A="-o Dir::Etc::SourceList=$1/apt/sources.list -o Dir::Etc::SourceParts=/nonexistent"
  A="$A -o Dir::State::Lists=$1/apt/lists -o Dir::Cache=$1/apt/cache"
  # shellcheck disable=SC2086
  apt-get $A -qq update >&2
}

# kubectl 1.20 from Debian's kubernetes-client (same source package), for the tests' own use
# of kubectl and for `upgrade`, which asks kubectl whether flagged objects still exist.
ensure_kubectl() {
  [ -x "$CACHE/bin/kubectl" ] && return 0
  K=$(mktemp -d "${TMPDIR:-/tmp}/hcu-kubectl.XXXXXX")
  private_apt "$K"
  # shellcheck disable=SC2086
  (cd "$K" && apt-get $A -qq download "kubernetes-client=$K8S_SRC_VERSION" >&2)
  dpkg-deb -x "$K"/kubernetes-client_*.deb "$K/root"
  mkdir -p "$CACHE/bin"
  cp "$K/root/usr/bin/kubectl" "$CACHE/bin/.kubectl.tmp" && mv "$CACHE/bin/.kubectl.tmp" "$CACHE/bin/kubectl"
  rm -rf "$K"
}

# The Debian archive that this machine's apt is configured with (bookworm main), so that
# the build names no host of its own.
debian_archive() {
  uri=$(awk '/^URIs:/ {u=$2} /^Suites:/ {for (i = 2; i <= NF; i++) if ($i == "bookworm") {print u; exit}}' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
  [ -n "$uri" ] || die "no Debian bookworm archive in this machine's apt sources"
  echo "$uri"
}

build() {
  if [ -x "$CACHE/bin/kube-apiserver" ] && [ -x "$CACHE/bin/etcd" ] && [ -x "$CACHE/bin/kubectl" ]; then
    echo "$CACHE/bin"; return 0
  fi
  mkdir -p "$CACHE"
  # One build at a time per cache (two checkouts may run their tests at once).
  if command -v flock >/dev/null 2>&1 && [ -z "${HCU_KAPI_LOCKED:-}" ]; then
    HCU_KAPI_LOCKED=1 exec flock "$CACHE/.lock" sh "$0" build
  fi
  for t in apt-get dpkg-deb tar; do command -v $t >/dev/null 2>&1 || die "building needs $t"; done
  if [ -x "$CACHE/bin/kube-apiserver" ] && [ -x "$CACHE/bin/etcd" ]; then
    ensure_kubectl; echo "$CACHE/bin"; return 0
  fi
  t0=$(date +%s)
  W=$(mktemp -d "${TMPDIR:-/tmp}/hcu-kapi-build.XXXXXX")
  trap 'rm -rf "$W"' EXIT
  mkdir -p "$W/debs" "$W/root"
  log "downloading the Debian source and build packages (private apt lists in $W)"
  private_apt "$W"
  # shellcheck disable=SC2086
  (cd "$W" && apt-get $A -qq source --download-only "kubernetes=$K8S_SRC_VERSION" >&2)
  # shellcheck disable=SC2086
  (cd "$W/debs" && apt-get $A -qq download golang-1.19-go=1.19.8-2 golang-1.19-src=1.19.8-2 \
    golang-github-modern-go-reflect2-dev=1.0.2-2 rsync libpopt0 make etcd-server=3.4.23-4+b4 >&2)
  for d in "$W"/debs/*.deb; do dpkg-deb -x "$d" "$W/root"; done
  tar -xzf "$W"/kubernetes_*.orig.tar.gz -C "$W"
  cd "$W"/kubernetes-1.20.2
  # The vendored reflect2 1.0.1 crashes at run time under Go >= 1.18; Debian's 1.0.2 is a drop-in.
  rm -rf vendor/github.com/modern-go/reflect2
  cp -r "$W/root/usr/share/gocode/src/github.com/modern-go/reflect2" vendor/github.com/modern-go/
  rm -f vendor/github.com/modern-go/reflect2/go.mod
  # make, rsync (hack/lib/golang.sh copies the code generators with it) and Go come from the
  # unpacked debs, so a fresh machine needs nothing installed beyond apt and dpkg.
  GOROOT="$W/root/usr/lib/go-1.19" PATH="$W/root/usr/lib/go-1.19/bin:$W/root/usr/bin:$PATH" \
    LD_LIBRARY_PATH="$W/root/usr/lib/x86_64-linux-gnu" GOPATH="$W/gopath" GOCACHE="$W/gocache" \
    GOFLAGS=-mod=vendor GOPROXY=off CGO_ENABLED=0 \
    "$W/root/usr/bin/make" WHAT=cmd/kube-apiserver >&2 || die "make failed (log above)"
  mkdir -p "$CACHE/bin"
  for b in _output/bin/kube-apiserver "$W/root/usr/bin/etcd"; do
    n=$(basename "$b")
    cp "$b" "$CACHE/bin/.$n.tmp" && mv "$CACHE/bin/.$n.tmp" "$CACHE/bin/$n"
  done
  ensure_kubectl
  cd / && rm -rf "$W"
  log "built $("$CACHE/bin/kube-apiserver" --version) in $(( $(date +%s) - t0 )) s; cached in $CACHE/bin"
  echo "$CACHE/bin"
}

# --- running ---------------------------------------------------------------------------------
DIR=${2:-${KAPI_DIR:-${TMPDIR:-/tmp}/hcu-kapi-run}}
KAPI_PORT=${KAPI_PORT:-16443}
ETCD_PORT=${ETCD_PORT:-23790}
ETCD_PEER_PORT=${ETCD_PEER_PORT:-$((ETCD_PORT + 10))}
KAPI_TIMEOUT=${KAPI_TIMEOUT:-60}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() { # pidfile: TERM, wait up to 5 s, then KILL that one PID
  [ -f "$1" ] || return 0
  pid=$(cat "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$1"
}

gen_certs() {
  c="$DIR/certs"
  mkdir -p "$c"
  [ -f "$c/serving.crt" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=hcu-kapi-ca" \
    -keyout "$c/ca.key" -out "$c/ca.crt" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
    -keyout "$c/serving.key" -out "$c/serving.csr" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$c/ext.cnf"
  openssl x509 -req -in "$c/serving.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" \
    -CAcreateserial -days 30 -extfile "$c/ext.cnf" -out "$c/serving.crt" >/dev/null 2>&1
  # Service-account signing key pair: required flags since Kubernetes 1.20.
  openssl genrsa -out "$c/sa.key" 2048 >/dev/null 2>&1
  openssl rsa -in "$c/sa.key" -pubout -out "$c/sa.pub" >/dev/null 2>&1
  # A random static bearer token in system:masters (full access under RBAC).
  echo "$(openssl rand -hex 16),hcu-admin,hcu-admin,system:masters" > "$c/tokens.csv"
  chmod 600 "$c"/*.key "$c/tokens.csv"
}

write_kubeconfig() {
  tok=$(cut -d, -f1 "$DIR/certs/tokens.csv")
  ca=$(base64 < "$DIR/certs/ca.crt" | tr -d '\n')
  umask 077
  cat > "$DIR/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: hcu-kapi
  cluster:
    server: https://127.0.0.1:$KAPI_PORT
    certificate-authority-data: $ca
users:
- name: hcu-admin
  user:
    token: $tok
contexts:
- name: hcu-kapi
  context:
    cluster: hcu-kapi
    user: hcu-admin
    namespace: default
current-context: hcu-kapi
EOF
}

ready() {
  tok=$(cut -d, -f1 "$DIR/certs/tokens.csv")
  [ "$(curl -s --max-time 2 --cacert "$DIR/certs/ca.crt" -H "Authorization: Bearer $tok" \
    "https://127.0.0.1:$KAPI_PORT/readyz" 2>/dev/null || true)" = "ok" ]
}

start() {
  bin=${HCU_KAPI_BIN:-$CACHE/bin}
  [ -x "$bin/kube-apiserver" ] && [ -x "$bin/etcd" ] ||
    die "no kube-apiserver/etcd in $bin; run: scripts/kube-apiserver.sh build (5-8 min once)"
  for t in openssl curl; do command -v $t >/dev/null 2>&1 || die "start needs $t"; done
  mkdir -p "$DIR/etcd-data" "$DIR/log"
  if alive "$DIR/apiserver.pid"; then die "already running in $DIR"; fi
  t0=$(date +%s%N)
  gen_certs
  write_kubeconfig
  "$bin/etcd" --name hcu-kapi --data-dir "$DIR/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "hcu-kapi=http://127.0.0.1:$ETCD_PEER_PORT" \
    >"$DIR/log/etcd.log" 2>&1 </dev/null &
  echo $! > "$DIR/etcd.pid"
  c="$DIR/certs"
  # --insecure-port=0: on 1.20 the unauthenticated port otherwise defaults to 8080 on localhost.
  # --endpoint-reconciler-type=none: 127.0.0.1 is not allowed in the `kubernetes` Endpoints.
  "$bin/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$KAPI_PORT" --insecure-port=0 \
    --cert-dir="$c" --tls-cert-file="$c/serving.crt" --tls-private-key-file="$c/serving.key" \
    --client-ca-file="$c/ca.crt" --token-auth-file="$c/tokens.csv" --authorization-mode=RBAC \
    --service-account-key-file="$c/sa.pub" --service-account-signing-key-file="$c/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-cluster-ip-range=10.0.0.0/16 --endpoint-reconciler-type=none \
    --enable-priority-and-fairness=false --profiling=false \
    >"$DIR/log/kube-apiserver.log" 2>&1 </dev/null &
  echo $! > "$DIR/apiserver.pid"
  i=0
  until ready; do
    if ! alive "$DIR/apiserver.pid" || ! alive "$DIR/etcd.pid"; then
      log "a server exited; see $DIR/log/"; tail -n 20 "$DIR/log/kube-apiserver.log" "$DIR/log/etcd.log" >&2
      stop; exit 1
    fi
    i=$((i + 1))
    if [ $i -gt $((KAPI_TIMEOUT * 5)) ]; then log "not ready after ${KAPI_TIMEOUT}s; see $DIR/log/"; stop; exit 1; fi
    sleep 0.2
  done
  log "ready on https://127.0.0.1:$KAPI_PORT in $(( ($(date +%s%N) - t0) / 1000000 )) ms (logs: $DIR/log)"
  echo "export KUBECONFIG=$DIR/kubeconfig"
}

stop() {
  stop_pid "$DIR/apiserver.pid"
  stop_pid "$DIR/etcd.pid"
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  clean) stop; rm -rf "$DIR" ;;
  status)
    for p in etcd apiserver; do
      if alive "$DIR/$p.pid"; then echo "$p running (pid $(cat "$DIR/$p.pid"))"; else echo "$p stopped"; fi
    done ;;
  *) sed -n '2,24p' "$0" >&2; exit 2 ;;
esac
