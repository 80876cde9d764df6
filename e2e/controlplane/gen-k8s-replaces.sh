#!/usr/bin/env bash
# Regenerates modules/kubernetes/go.mod for a Kubernetes release (default: the one it pins now).
#   e2e/controlplane/gen-k8s-replaces.sh [v1.X.Y]
# k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/client-go, ...) at v0.0.0 and
# replaces them with ./staging paths that only exist in its own repository, so a module depending on
# it must replace each one with the published v0.X.Y. The list is read from the release's own go.mod,
# so a release that adds or drops a staging module is followed without editing anything by hand.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
module="$here/modules/kubernetes"
current="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$module/go.mod")"
version="${1:-$current}"
[[ "$version" =~ ^v1\.[0-9]+\.[0-9]+$ ]] || { echo "usage: $0 [v1.X.Y] (got '$version')" >&2; exit 2; }
staging="v0.${version#v1.}"

release_gomod="$(cd "$module" && go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^\s*"GoMod": "\(.*\)",$/\1/p')"
[ -f "$release_gomod" ] || { echo "could not download k8s.io/kubernetes@$version" >&2; exit 1; }
replaces="$(awk '$1 ~ /^k8s\.io\// && $2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$release_gomod" | sort -u)"
[ -n "$replaces" ] || { echo "no staging replaces found in $release_gomod" >&2; exit 1; }
go_directive="$(awk '$1 == "go" { print $2; exit }' "$release_gomod")"

{
  echo "// Wrapper module: builds the Kubernetes control-plane binaries from k8s.io/kubernetes $version."
  echo "// Regenerate the replace block with e2e/controlplane/gen-k8s-replaces.sh after a version bump."
  echo "module musubi.dev/controlplane/kubernetes"
  echo
  echo "go $go_directive"
  echo
  echo "require k8s.io/kubernetes $version"
  echo
  echo "replace ("
  for m in $replaces; do printf '\t%s => %s %s\n' "$m" "$m" "$staging"; done
  echo ")"
} >"$module/go.mod"

cd "$module"
for cmd in kube-apiserver kube-scheduler kube-controller-manager kubectl; do
  go get -tool "k8s.io/kubernetes/cmd/$cmd@$version"
done
go mod tidy
echo "modules/kubernetes/go.mod now builds k8s.io/kubernetes $version ($(echo "$replaces" | wc -l) staging modules at $staging)" >&2
