#!/usr/bin/env bash
# Builds (or reuses) the local control plane from the Go wrapper modules under modules/:
# kube-apiserver, kube-scheduler, kube-controller-manager, kubectl, etcd, kwok, helm, kubeconform,
# plus kwok's default Stage set (nodes and pods become Ready) from the same kwok release.
#
# The install directory is keyed by the versions the modules' go.mod files pin, so bumping a version
# builds once per machine and everything else is reused. Each binary is built into a temporary file
# and renamed into place, so an interrupted build never leaves a half-written binary behind.
#
#   MUSUBI_CACHE_DIR  cache root (default ~/.cache/musubi)
#   --print-dir       print the install directory (binaries in bin/) without building
#
# Progress goes to stderr; the last line on stdout is the install directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
modules="$here/modules"
command -v go >/dev/null || { echo "build.sh: Go is needed to build the control plane (the wrapper modules need go 1.26+): https://go.dev/dl" >&2; exit 1; }
command -v flock >/dev/null || { echo "build.sh: flock (util-linux) is needed: apt-get install -y util-linux" >&2; exit 1; }

# The version a wrapper module pins for <module path>, read from its go.mod (one source of truth).
pinned() {
  local version
  version="$(awk -v m="$2" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$modules/$1/go.mod")"
  [ -n "$version" ] || { echo "build.sh: $modules/$1/go.mod does not require $2" >&2; exit 1; }
  echo "$version"
}
k8s="$(pinned kubernetes k8s.io/kubernetes)"
etcd="$(pinned etcd go.etcd.io/etcd/server/v3)"
kwok="$(pinned kwok sigs.k8s.io/kwok)"
helm="$(pinned helm helm.sh/helm/v3)"
kubeconform="$(pinned kubeconform github.com/yannh/kubeconform)"

# Bump the layout number when the way binaries are built changes (flags, files installed).
layout=1
root="${MUSUBI_CACHE_DIR:-$HOME/.cache/musubi}/cp${layout}-k8s${k8s#v}-etcd${etcd#v}-kwok${kwok#v}-helm${helm#v}-kubeconform${kubeconform#v}"
if [ "${1:-}" = "--print-dir" ]; then echo "$root"; exit 0; fi
[ $# -eq 0 ] || { echo "usage: $0 [--print-dir]" >&2; exit 2; }

mkdir -p "$root/bin"
start=$SECONDS
log() { printf '[controlplane %4ss] %s\n' "$((SECONDS - start))" "$*" >&2; }

# Two builds at once (make test in two terminals) would compile everything twice; take turns.
exec 9>"$root/.lock"
flock 9

tmp=""
trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT

k8s_minor="${k8s#v1.}"; k8s_minor="${k8s_minor%%.*}"
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$k8s -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor"
done

# build <binary> <module> <package> <ldflags>
build() {
  local name="$1" module="$2" pkg="$3" ldflags="$4" t0=$SECONDS
  if [ -x "$root/bin/$name" ]; then log "$name: cached"; return; fi
  log "$name: building $pkg (the first build on a machine takes minutes)"
  tmp="$(mktemp "$root/bin/.$name.XXXXXX")"
  # CGO off: static binaries, as the Kubernetes release builds them.
  (cd "$modules/$module" && CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "$ldflags" -o "$tmp" "$pkg")
  chmod 0755 "$tmp"
  mv -f "$tmp" "$root/bin/$name"
  tmp=""
  log "$name: built in $((SECONDS - t0))s"
}

# kwok simulates nothing without Stages; install the release's own defaults (as kwokctl does):
# nodes initialise and heartbeat through a Lease, pods become Running/Ready, Job pods complete,
# deleted pods go away.
kwok_stages() {
  local out="$root/kwok-stages.yaml" dir f
  if [ -s "$out" ]; then log "kwok stages: cached"; return; fi
  dir="$(cd "$modules/kwok" && go mod download -json sigs.k8s.io/kwok | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir/kustomize/stage" ] || { echo "build.sh: kwok module source not found (go mod download sigs.k8s.io/kwok@$kwok)" >&2; exit 1; }
  tmp="$(mktemp "$root/.kwok-stages.XXXXXX")"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    printf -- '---\n' >>"$tmp"
    cat "$dir/kustomize/stage/$f" >>"$tmp"
  done
  chmod 0644 "$tmp"
  mv -f "$tmp" "$out"
  tmp=""
  log "kwok stages: installed from sigs.k8s.io/kwok@$kwok"
}

build kube-apiserver kubernetes k8s.io/kubernetes/cmd/kube-apiserver "$k8s_ldflags"
build kube-scheduler kubernetes k8s.io/kubernetes/cmd/kube-scheduler "$k8s_ldflags"
build kube-controller-manager kubernetes k8s.io/kubernetes/cmd/kube-controller-manager "$k8s_ldflags"
build kubectl kubernetes k8s.io/kubernetes/cmd/kubectl "$k8s_ldflags"
# server/v3's root package is etcd's main (server/main.go calls etcdmain.Main).
build etcd etcd go.etcd.io/etcd/server/v3 "-s -w"
build kwok kwok sigs.k8s.io/kwok/cmd/kwok "-s -w"
build helm helm helm.sh/helm/v3/cmd/helm "-s -w -X helm.sh/helm/v3/internal/version.version=$helm"
build kubeconform kubeconform github.com/yannh/kubeconform/cmd/kubeconform "-s -w -X main.version=$kubeconform"
kwok_stages

log "ready in $((SECONDS - start))s: $root"
echo "$root"
