#!/bin/bash
# Regenerates every flake.lock under test-data/locks/ and test-data/example/ with Nix 2.8
# (Debian's nix-bin), offline. Run setup-upstream.sh first (as root).
# Each flake is locked in a fresh scratch copy (a plain directory, not a git repo), and
# only the flake.lock Nix wrote is copied back. Nothing is rewritten, except deep-fixed
# (see its NOTES.md): Nix 2.8 refuses that flake.nix.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
locks=$(dirname "$here")
example=$(dirname "$locks")/example

nixlock() { # DIR: lock a scratch copy of DIR, copy flake.lock back
  local src=$1 scratch
  scratch=$(mktemp -d)
  cp -r "$src"/. "$scratch"/
  rm -f "$scratch/flake.lock" "$scratch/NOTES.md"
  (cd "$scratch" && nix --extra-experimental-features 'nix-command flakes' --offline \
     --option substituters '' --option flake-registry /upstream/registry.json \
     flake lock 2>&1 | grep -v 'using cached version' || true)
  cp "$scratch/flake.lock" "$src/flake.lock"
  rm -rf "$scratch"
  echo "locked $src"
}

for s in no-follows follows deep deep-fixed-url deep-workaround root-follows empty-follows mixed more-forms; do
  nixlock "$locks/$s"
done
nixlock "$example"

# stale-*: the lock of the ORIGINAL flake.nix next to an edited flake.nix
cp "$locks/follows/flake.lock"    "$locks/stale-new-input/flake.lock"
cp "$locks/follows/flake.lock"    "$locks/stale-url/flake.lock"
cp "$locks/follows/flake.lock"    "$locks/stale-removed/flake.lock"
cp "$locks/no-follows/flake.lock" "$locks/stale-follows/flake.lock"

# deep-fixed: what Nix with working nested overrides (NixOS/nix#13400) writes, derived
# from Nix 2.8's own `deep` lock: b's nixpkgs follows the root's, so b's private
# nixpkgs node disappears and the root's nixpkgs is named plain "nixpkgs".
jq --indent 2 '
  .nodes.b.inputs.nixpkgs = ["nixpkgs"]
  | .nodes.nixpkgs = .nodes.nixpkgs_2
  | del(.nodes.nixpkgs_2)
  | .nodes.root.inputs.nixpkgs = "nixpkgs"
' "$locks/deep/flake.lock" > "$locks/deep-fixed/flake.lock"
echo "derived $locks/deep-fixed/flake.lock"
