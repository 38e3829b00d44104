#!/usr/bin/env bash
# The protocol is linted and the committed generated code matches the .proto files.
set -euo pipefail
cd "$(dirname "$0")/../proto"
pnpm exec buf lint
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pnpm exec buf generate -o "$tmp"
if ! diff -r "$tmp/src/gen" src/gen >/dev/null; then
  echo "proto/src/gen is out of date: run 'pnpm proto:gen'" >&2
  exit 1
fi
