#!/usr/bin/env bash
# Prepares a Debian machine for isoforge's integration tests and runs a command
# inside that environment: installs the Debian packages, writes the Podman
# configuration our machines need, starts `podman system service` and
# `dockerd` when they are not already running (and stops what it started),
# registers QEMU's aarch64 interpreter in binfmt_misc (mounting it when it
# is not, and unmounting at exit only what it mounted), builds the local
# test builder images, then runs "$@".
#
#   scripts/test-env.sh go test ./...
#
# Idempotent: every step is skipped when its result is already there.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state=${ISOFORGE_TEST_STATE:-/tmp/isoforge-test-env}
mkdir -p "$state"
log() { printf 'test-env: %s\n' "$*" >&2; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    log "this step needs root (apt-get, /etc/containers, dockerd): run as root or with sudo"
    exit 1
  fi
}

install_packages() {
  # Recommended packages too (netavark, slirp4netns, uidmap, ...): that is
  # the install the tests were verified with.
  local pkgs=(podman runc docker.io nix-bin xorriso genisoimage debootstrap qemu-user-static binfmt-support pre-commit)
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  need_root
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$state/apt.log" 2>&1 ||
    { tail -n 30 "$state/apt.log"; exit 1; }
}

configure_podman() {
  local conf=/etc/containers/containers.conf
  grep -q 'isoforge' "$conf" 2>/dev/null && return
  if [ -s "$conf" ]; then
    log "$conf exists and was not written by isoforge: leaving it alone"
    return
  fi
  need_root
  local nofile
  nofile=$(ulimit -Hn)
  [ "$nofile" = unlimited ] && nofile=1048576
  log "writing $conf (runc, nofile=$nofile)"
  mkdir -p /etc/containers
  cat >"$conf" <<CONF
# Written by isoforge's scripts/test-env.sh: crun cannot run in hybrid cgroup
# mode here and the default nofile limit exceeds the hard limit.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=32768:32768"]
[engine]
runtime = "runc"
CONF
}

wait_for() { # socket, name
  for _ in $(seq 1 100); do
    [ -S "$1" ] && return 0
    sleep 0.1
  done
  log "$2 did not create $1; see $state/$2.log"
  tail -n 20 "$state/$2.log" >&2 || true
  exit 1
}

started=()
mounted=
stop_started() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$mounted" ]; then umount "$mounted" 2>/dev/null || true; fi
}
trap stop_started EXIT

# aarch64-linux variants build on this x86_64 machine through binfmt_misc:
# Debian's qemu-user-static registers qemu-aarch64 with the F flag (the
# kernel opens the interpreter at registration, so it works in containers)
# through binfmt-support, once binfmt_misc is mounted.
register_binfmt() {
  local dir=/proc/sys/fs/binfmt_misc
  [ "$(uname -m)" = aarch64 ] && return
  if [ ! -e "$dir/status" ]; then
    need_root
    log "mounting binfmt_misc on $dir"
    mount -t binfmt_misc binfmt_misc "$dir"
    mounted=$dir
  fi
  grep -q '^enabled' "$dir/qemu-aarch64" 2>/dev/null && return
  need_root
  log "registering qemu-aarch64 in binfmt_misc"
  update-binfmts --enable qemu-aarch64
}

start_podman() {
  local sock=/run/podman/podman.sock
  if podman --remote --url "unix://$sock" info >/dev/null 2>&1; then return; fi
  log "starting podman system service on $sock"
  mkdir -p /run/podman
  rm -f "$sock"
  podman system service --time=0 "unix://$sock" >"$state/podman.log" 2>&1 &
  started+=($!)
  wait_for "$sock" podman
}

start_docker() {
  local sock=/var/run/docker.sock
  if /usr/bin/docker -H "unix://$sock" version >/dev/null 2>&1; then return; fi
  log "starting dockerd on $sock"
  rm -f "$sock"
  dockerd >"$state/dockerd.log" 2>&1 &
  started+=($!)
  wait_for "$sock" dockerd
  for _ in $(seq 1 100); do
    /usr/bin/docker -H "unix://$sock" version >/dev/null 2>&1 && return
    sleep 0.1
  done
  log "dockerd is not answering; see $state/dockerd.log"
  exit 1
}

install_packages
configure_podman
register_binfmt
start_podman
start_docker
"$root/testdata/builder/build.sh"

export ISOFORGE_TEST_PODMAN_HOST=unix:///run/podman/podman.sock
export ISOFORGE_TEST_DOCKER_HOST=unix:///var/run/docker.sock
cd "$root"
"$@"
