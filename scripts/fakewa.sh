#!/usr/bin/env bash
# Runs fakewa, the wire-level stand-in for WhatsApp's chat server (src/test/go/fakewa), with the arguments given,
# e.g. scripts/fakewa.sh --listen 127.0.0.1:0 --refs 6. Builds target/fakewa/fakewa first when a source is newer.
# Once serving it prints one JSON line on stdout: {"listen":"127.0.0.1:PORT","rootKey":"<base64>"}.
set -euo pipefail

source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

src="$WAW_ROOT/src/test/go/fakewa"
bin="$WAW_ROOT/target/fakewa/fakewa"

needs_build() {
  [ -x "$bin" ] || return 0
  [ -n "$(find "$src" -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) -newer "$bin" -print -quit)" ]
}

if needs_build; then
  command -v go >/dev/null 2>&1 || ensure_go
  say "building fakewa into ${bin#"$WAW_ROOT"/}"
  mkdir -p "$(dirname "$bin")"
  (cd "$src" && GOTOOLCHAIN="${GOTOOLCHAIN:-local}" go build -o "$bin" .)
fi

exec "$bin" "$@"
