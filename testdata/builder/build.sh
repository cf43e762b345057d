#!/usr/bin/env bash
# Builds the TEST DOUBLE builder image localhost/isoforge-testbuilder:TAG
# from Debian packages (no registry): a debootstrap rootfs imported into
# Podman, nix-bin and xorriso installed on top, then loaded into Docker.
# Then its variant with nixos/nix's build users (Containerfile.buildusers),
# localhost/isoforge-testbuilder-buildusers:TAG. Skipped when the tagged
# images exist in each engine. Prints the plain image's reference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The tag is the Containerfile's content hash, so an edit rebuilds the image.
tag=$(sha256sum "$here/Containerfile" | cut -c1-12)
image=localhost/isoforge-testbuilder:$tag
# The variant's tag hashes both Containerfiles: it is built FROM the plain one.
vtag=$(cat "$here/Containerfile" "$here/Containerfile.buildusers" | sha256sum | cut -c1-12)
variant=localhost/isoforge-testbuilder-buildusers:$vtag
base=localhost/isoforge-testbuilder-base:bookworm
log() { printf 'testbuilder: %s\n' "$*" >&2; }

mirror() {
  local uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

build_podman() {
  if podman image exists "$image"; then return; fi
  if ! podman image exists "$base"; then
    local root
    root=$(mktemp -d /tmp/isoforge-rootfs.XXXXXX)
    log "debootstrap bookworm into $root (about a minute)"
    debootstrap --variant=minbase bookworm "$root" "$(mirror)" >"$root.log" 2>&1 ||
      { tail -n 20 "$root.log" >&2; exit 1; }
    tar -C "$root" -c . | podman import -q - "$base" >/dev/null
    rm -rf "$root" "$root.log"
  fi
  log "building $image"
  podman build -q -t "$image" -f "$here/Containerfile" "$here" >/dev/null
}

build_variant() {
  if podman image exists "$variant"; then return; fi
  log "building $variant"
  podman build -q -t "$variant" --build-arg "BASE=$image" -f "$here/Containerfile.buildusers" "$here" >/dev/null
}

load_docker() { # image
  command -v dockerd >/dev/null || return 0
  local docker=/usr/bin/docker
  [ -x "$docker" ] || docker=docker
  "$docker" image inspect "$1" >/dev/null 2>&1 && return
  log "loading $1 into Docker"
  podman save --format docker-archive "$1" | "$docker" load -q >/dev/null
}

build_podman
load_docker "$image"
build_variant
load_docker "$variant"
echo "$image"
