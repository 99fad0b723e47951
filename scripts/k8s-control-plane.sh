#!/usr/bin/env bash
# A real Kubernetes control plane for the operator's end-to-end tests: etcd (Debian etcd-server),
# kube-apiserver and kube-controller-manager built once from Debian's kubernetes source package.
#
#   scripts/k8s-control-plane.sh build          install build deps, build and cache the binaries
#   scripts/k8s-control-plane.sh bin-dir        print the cache directory holding the binaries
#   scripts/k8s-control-plane.sh start DIR      start etcd + apiserver + controller-manager, state in DIR
#   scripts/k8s-control-plane.sh stop DIR       stop what `start DIR` started and remove DIR
#
# `start` listens on 127.0.0.1 only. Ports come from ETCD_PORT, ETCD_PEER_PORT and APISERVER_PORT
# (defaults 23790, 23800, 26443). It writes DIR/kubeconfig (cluster admin) and
# DIR/operator.kubeconfig (the operator's ServiceAccount in OPERATOR_NAMESPACE, default mgha-system:
# it can do only what the chart's RBAC grants, so the e2e run checks that RBAC; its requests are
# audited to DIR/audit.log).
set -euo pipefail

K8S_VERSION=1.20.2
CACHE_ROOT="${MGHA_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mgha-k8s}"
CACHE="$CACHE_ROOT/$K8S_VERSION"
BIN="$CACHE/bin"

log() { echo "k8s-control-plane: $*" >&2; }

have_binaries() { [[ -x "$BIN/kube-apiserver" && -x "$BIN/kube-controller-manager" ]]; }

apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# `apt-get source` needs a deb-src entry; add bookworm's if none is configured.
ensure_deb_src() {
  if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    log "adding a deb-src entry for bookworm"
    cat >/etc/apt/sources.list.d/mgha-deb-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  apt-get update -qq
}

build() {
  if have_binaries; then
    log "binaries cached in $BIN"
    return 0
  fi
  local started=$SECONDS
  apt_install golang-go rsync golang-github-modern-go-reflect2-dev dpkg-dev make etcd-server openssl
  ensure_deb_src
  local src="$CACHE/src"
  rm -rf "$src"
  mkdir -p "$src"
  (cd "$src" && apt-get source --download-only kubernetes >/dev/null 2>&1)
  local dsc
  dsc=$(ls "$src"/kubernetes_*.dsc)
  grep -q "really$K8S_VERSION" <<<"$dsc" || log "warning: Debian's source is $dsc, expected $K8S_VERSION"
  dpkg-source --no-check -x "$dsc" "$src/k8s" >/dev/null
  cd "$src/k8s"
  # The vendored reflect2 predates Go 1.18 and crashes the apiserver on the first custom-object
  # write under Debian's Go 1.19; Debian's packaged copy has the fix.
  rm -rf vendor/github.com/modern-go/reflect2
  cp -a /usr/share/gocode/src/github.com/modern-go/reflect2 vendor/github.com/modern-go/reflect2
  rm -f vendor/github.com/modern-go/reflect2/go.mod
  # GOPATH mode like Debian's packaging (hack/lib/init.sh sets GO111MODULE=off); `make` generates
  # the openapi and deepcopy code first.
  export KUBE_GIT_VERSION="v$K8S_VERSION" KUBE_GIT_TREE_STATE=clean CGO_ENABLED=0
  make generated_files >"$CACHE/build.log" 2>&1 || { tail -40 "$CACHE/build.log" >&2; exit 1; }
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >>"$CACHE/build.log" 2>&1 || { tail -40 "$CACHE/build.log" >&2; exit 1; }
  mkdir -p "$BIN"
  cp _output/bin/kube-apiserver _output/bin/kube-controller-manager "$BIN/"
  cd /
  # The source tree and Go build cache are several GB; only the binaries are kept.
  rm -rf "$src"
  log "built kube-apiserver and kube-controller-manager in $((SECONDS - started))s into $BIN"
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then log "timed out waiting for $what"; return 1; fi
    sleep 0.2
  done
}

kubeconfig() { # kubeconfig FILE SERVER CA USER TOKEN
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: $2
    certificate-authority: $3
users:
- name: $4
  user:
    token: $5
contexts:
- name: test
  context: {cluster: test, user: $4}
current-context: test
EOF
}

start() {
  local dir=$1
  have_binaries || { log "binaries missing; run: $0 build"; exit 2; }
  local etcd_port=${ETCD_PORT:-23790} etcd_peer_port=${ETCD_PEER_PORT:-23800} api_port=${APISERVER_PORT:-26443}
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local pki="$dir/pki"
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mgha-test-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
    -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n' >"$pki/san.ext"
  openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -extfile "$pki/san.ext" -out "$pki/apiserver.crt" 2>/dev/null
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  local admin_token operator_token cm_token operator_ns=${OPERATOR_NAMESPACE:-mgha-system}
  admin_token=$(openssl rand -hex 16)
  operator_token=$(openssl rand -hex 16)
  cm_token=$(openssl rand -hex 16)
  cat >"$pki/tokens.csv" <<EOF
$admin_token,admin,admin,system:masters
$cm_token,system:kube-controller-manager,kube-controller-manager
$operator_token,system:serviceaccount:$operator_ns:mgha-operator,mgha-operator,"system:serviceaccounts,system:serviceaccounts:$operator_ns"
EOF
  # The operator's requests go to DIR/audit.log, so a test can compare what it used with what
  # its RBAC grants.
  cat >"$dir/audit-policy.yaml" <<EOF
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  users: ["system:serviceaccount:$operator_ns:mgha-operator"]
- level: None
EOF
  local server="https://127.0.0.1:$api_port"
  kubeconfig "$dir/kubeconfig" "$server" "$pki/ca.crt" admin "$admin_token"
  kubeconfig "$dir/operator.kubeconfig" "$server" "$pki/ca.crt" "system:serviceaccount:$operator_ns:mgha-operator" "$operator_token"
  kubeconfig "$dir/controller-manager.kubeconfig" "$server" "$pki/ca.crt" system:kube-controller-manager "$cm_token"

  /usr/bin/etcd --name test --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "test=http://127.0.0.1:$etcd_peer_port" --unsafe-no-fsync \
    >"$dir/etcd.log" 2>&1 &
  echo $! >"$dir/etcd.pid"
  wait_for 30 etcd curl -sf "http://127.0.0.1:$etcd_port/health"

  # ServiceAccount admission is off: the test "kubelet" runs pods as local processes that never
  # mount a token, and no token controller has to race pod creation.
  "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" --insecure-port 0 \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" --token-auth-file "$pki/tokens.csv" \
    --authorization-mode RBAC --disable-admission-plugins ServiceAccount \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-account-issuer https://kubernetes.default.svc --api-audiences https://kubernetes.default.svc \
    --service-cluster-ip-range 10.96.0.0/16 --cert-dir "$pki" \
    --audit-policy-file "$dir/audit-policy.yaml" --audit-log-path "$dir/audit.log" --audit-log-format json \
    >"$dir/apiserver.log" 2>&1 &
  echo $! >"$dir/apiserver.pid"
  wait_for 90 "kube-apiserver" curl -sf --cacert "$pki/ca.crt" -H "Authorization: Bearer $admin_token" "$server/readyz"

  # Node lifecycle is off: the test kubelet is a stand-in and node eviction is not under test.
  # Each controller acts as its own ServiceAccount with the bootstrap RBAC, as kubeadm sets it up.
  "$BIN/kube-controller-manager" --kubeconfig "$dir/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$dir/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$dir/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 --port 0 --leader-elect=false \
    --controllers '*,-nodelifecycle,-nodeipam,-cloud-node-lifecycle,-route,-service,-ttl,-attachdetach,-persistentvolume-binder,-persistentvolume-expander,-csrsigning,-csrapproving,-csrcleaner,-bootstrapsigner,-tokencleaner' \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --use-service-account-credentials=true \
    >"$dir/controller-manager.log" 2>&1 &
  echo $! >"$dir/controller-manager.pid"
  log "control plane up at $server (kubeconfig $dir/kubeconfig)"
}

stop() {
  local dir=$1
  [[ -d "$dir" ]] || return 0
  local name pid
  for name in controller-manager apiserver etcd; do
    [[ -f "$dir/$name.pid" ]] || continue
    pid=$(cat "$dir/$name.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}

case "${1:-}" in
  build) build ;;
  bin-dir) echo "$BIN" ;;
  start) start "${2:?state directory}" ;;
  stop) stop "${2:?state directory}" ;;
  *) echo "usage: $0 build | bin-dir | start DIR | stop DIR" >&2; exit 64 ;;
esac
