#!/usr/bin/env bash
# Runs the main job on a machine without internet: `isoforge apply` on a
# copy of examples/fleet, with the TEST DOUBLE builder image and the
# miniature nixpkgs stand-in from testdata/ (real nix-build, real ISO9660
# files, but not bootable NixOS). With internet and Docker or Podman, run
# `isoforge apply` in examples/fleet instead for real NixOS ISOs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export CGO_ENABLED=0
export GOFLAGS="-tags=remote,exclude_graphdriver_btrfs,btrfs_noversion,exclude_graphdriver_devicemapper,containers_image_openpgp"
demo=${ISOFORGE_DEMO_DIR:-/tmp/isoforge-demo}
cd "$root"
go build -o bin/isoforge ./cmd/isoforge
rm -rf "$demo" && mkdir -p "$demo" && cp -r examples/fleet/. "$demo"
image=localhost/isoforge-testbuilder:$(sha256sum testdata/builder/Containerfile | cut -c1-12)
# The stand-in evaluates with the real nixpkgs lib/ copied in beside its
# nixos/ (as runtimetest.StandinPath assembles it for the tests).
shared=${ISOFORGE_SHARED:-$root/../shared}
standin=$root/testdata/nixpkgs-standin
if [ -f "$shared/nixpkgs-lib/lib/default.nix" ]; then
  standin=$demo-nixpkgs
  rm -rf "$standin" && cp -r "$root/testdata/nixpkgs-standin" "$standin"
  cp -r "$shared/nixpkgs-lib/lib" "$standin/lib"
else
  echo "demo: no nixpkgs lib at $shared/nixpkgs-lib/lib (set ISOFORGE_SHARED): the stand-in falls back to its hand-written evaluator, which accepts any option" >&2
fi
ISOFORGE_IMAGE=$image ISOFORGE_NIXPKGS_PATH=$standin \
  scripts/test-env.sh "$root/bin/isoforge" -chdir "$demo" apply "$@"
echo
echo "Artifacts in $demo/out; verify them with: (cd $demo/out && sha256sum -c SHA256SUMS)"
