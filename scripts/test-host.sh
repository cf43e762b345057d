#!/usr/bin/env bash
# Starts (or stops) a second "host" on this machine for isoforge's builder
# pool tests: a network namespace reached over a veth pair, a private mount
# namespace with its own /run, /var/lib/containers, /var/lib/docker, /nix and
# /tmp, its own `podman system service` and `dockerd`, and sshd (Debian
# openssh-server) on the veth address with host keys of its own. The test
# builder image is shipped to it with `podman save | ssh ... podman load`.
#
#   scripts/test-host.sh start IMAGE   # prints the env for the tests on stdout
#   scripts/test-host.sh stop
#   scripts/test-host.sh restart podman|dockerd   # after a test killed it
#
# Everything is stopped by pid. The local Podman and dockerd are never
# touched: the namespace has its own sockets, storage and network, and
# traffic goes only to the two addresses created here.
set -euo pipefail

name=${ISOFORGE_TEST_HOST_NAME:-isoforge-h2}
state=${ISOFORGE_TEST_HOST_STATE:-/var/tmp/isoforge-test-host}
host_addr=10.231.0.1
peer_addr=10.231.0.2
veth_host=isoforge-h2a
veth_peer=isoforge-h2b
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
log() { printf 'test-host: %s\n' "$*" >&2; }

ssh_opts() {
  printf '%s\n' -i "$state/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes \
    -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$state/known_hosts" -o ConnectTimeout=5
}

remote() { # command...
  local opts
  mapfile -t opts < <(ssh_opts)
  ssh "${opts[@]}" "root@$peer_addr" "$@"
}

install_sshd() {
  [ -x /usr/sbin/sshd ] && return
  log "installing openssh-server"
  apt-get update -qq
  # Debian's policy-rc.d keeps the package from starting the system sshd.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >"$state/apt.log" 2>&1 ||
    { tail -n 20 "$state/apt.log" >&2; exit 1; }
}

make_keys() {
  [ -s "$state/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C isoforge-test-client -f "$state/id_ed25519"
  [ -s "$state/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C isoforge-test-host -f "$state/ssh_host_ed25519_key"
  cp "$state/id_ed25519.pub" "$state/authorized_keys"
  chmod 600 "$state/authorized_keys"
  printf '%s %s\n' "$peer_addr" "$(cut -d' ' -f1,2 "$state/ssh_host_ed25519_key.pub")" >"$state/known_hosts"
  cat >"$state/sshd_config" <<CONF
# Written by isoforge's scripts/test-host.sh for the test host only.
ListenAddress $peer_addr
Port 22
HostKey $state/ssh_host_ed25519_key
PidFile /run/sshd.pid
AuthorizedKeysFile $state/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AllowStreamLocalForwarding yes
StrictModes no
CONF
}

make_network() {
  ip netns add "$name"
  ip link add "$veth_host" type veth peer name "$veth_peer"
  ip link set "$veth_peer" netns "$name"
  ip addr add "$host_addr/24" dev "$veth_host"
  ip link set "$veth_host" up
  nsenter --net="/run/netns/$name" ip addr add "$peer_addr/24" dev "$veth_peer"
  nsenter --net="/run/netns/$name" ip link set "$veth_peer" up
  nsenter --net="/run/netns/$name" ip link set lo up
}

# inner runs inside the namespaces: private directories over the engines'
# state, then the three services, each pid written for stop.
inner() {
  local d=$state/root
  for dir in run containers docker nix tmp; do mkdir -p "$d/$dir"; done
  mount --bind "$d/run" /run
  mount --bind "$d/containers" /var/lib/containers
  mount --bind "$d/docker" /var/lib/docker
  mount --bind "$d/nix" /nix
  mount --bind "$d/tmp" /tmp
  mkdir -p /run/podman /run/sshd
  start_engine podman
  start_engine dockerd
  /usr/sbin/sshd -D -f "$state/sshd_config" -E "$state/sshd.log" &
  echo $! >"$state/sshd.pid"
  wait
}

# start_engine runs inside the namespaces; its pid goes to $state/ENGINE.pid.
start_engine() { # podman | dockerd
  case "$1" in
    podman)
      rm -f /run/podman/podman.sock
      podman system service --time=0 unix:///run/podman/podman.sock >>"$state/podman.log" 2>&1 &
      ;;
    dockerd)
      # Own cgroup parent: the local dockerd's containers live under /docker.
      dockerd --bridge=none --iptables=false --ip6tables=false --cgroup-parent=/isoforge-h2 \
        --host unix:///run/docker.sock >>"$state/dockerd.log" 2>&1 &
      ;;
  esac
  echo $! >"$state/$1.pid"
}

# restart starts an engine again after a test killed it (the containers it
# left keep running; the restarted engine finds them).
restart() { # podman | dockerd
  local inner
  inner=$(cat "$state/inner.pid")
  kill_pidfile "$state/$1.pid"
  nsenter --net="/run/netns/$name" --mount="/proc/$inner/ns/mnt" "$self" start-engine "$1" </dev/null >/dev/null 2>&1
  for _ in $(seq 1 100); do
    if [ "$1" = podman ]; then
      remote 'podman --url unix:///run/podman/podman.sock info >/dev/null 2>&1' && return 0
    else
      remote 'docker -H unix:///run/docker.sock version >/dev/null 2>&1' && return 0
    fi
    sleep 0.2
  done
  log "$1 did not come back; see $state/$1.log"
  exit 1
}

wait_ready() {
  for _ in $(seq 1 150); do
    if remote 'podman --url unix:///run/podman/podman.sock info >/dev/null 2>&1 && docker -H unix:///run/docker.sock version >/dev/null 2>&1' 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  log "the test host did not come up; logs in $state"
  tail -n 5 "$state"/*.log >&2 || true
  stop
  exit 1
}

ship_image() { # image
  if ! remote podman image exists "$1"; then
    log "shipping $1 to podman on $peer_addr"
    podman save "$1" | remote podman load -q >/dev/null
  fi
  if ! remote docker image inspect "$1" >/dev/null 2>&1; then
    log "shipping $1 to dockerd on $peer_addr"
    podman save --format docker-archive "$1" | remote docker load -q >/dev/null
  fi
}

print_env() {
  cat <<ENV
export ISOFORGE_TEST_SSH_ADDR=$peer_addr
export ISOFORGE_TEST_SSH_USER=root
export ISOFORGE_TEST_SSH_KEY=$state/id_ed25519
export ISOFORGE_TEST_SSH_KNOWN_HOSTS=$state/known_hosts
export ISOFORGE_TEST_SSH_PODMAN_HOST=ssh://root@$peer_addr:22/run/podman/podman.sock
export ISOFORGE_TEST_SSH_DOCKER_HOST=ssh://root@$peer_addr:22
export ISOFORGE_TEST_SSH_STATE=$state  # podman.pid, dockerd.pid, sshd.pid
ENV
}

start() { # image
  mkdir -p "$state"
  if [ -e "/run/netns/$name" ] && remote true 2>/dev/null; then
    ship_image "$1"
    print_env
    return
  fi
  [ -e "/run/netns/$name" ] && stop
  install_sshd
  make_keys
  make_network
  log "starting podman, dockerd and sshd in $name ($peer_addr)"
  setsid nsenter --net="/run/netns/$name" unshare --mount --propagation private \
    "$self" inner </dev/null >"$state/inner.log" 2>&1 &
  echo $! >"$state/inner.pid"
  wait_ready
  ship_image "$1"
  print_env
}

kill_pidfile() { # file
  [ -s "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}

stop() {
  # Containers outlive their engine (conmon, containerd-shim): remove the
  # ones on this host while the engines still answer. All are ours.
  remote 'podman --url unix:///run/podman/podman.sock rm -af -t 0 >/dev/null 2>&1; ids=$(docker -H unix:///run/docker.sock ps -aq); [ -z "$ids" ] || docker -H unix:///run/docker.sock rm -f $ids >/dev/null' 2>/dev/null || true
  for p in sshd dockerd podman inner; do kill_pidfile "$state/$p.pid"; done
  ip link del "$veth_host" 2>/dev/null || true
  ip netns del "$name" 2>/dev/null || true
}

case "${1:-}" in
  start) start "${2:?usage: $0 start IMAGE}" ;;
  stop) stop ;;
  restart) restart "${2:?usage: $0 restart podman|dockerd}" ;;
  inner) inner ;;
  start-engine) start_engine "$2" ;;
  *) echo "usage: $0 start IMAGE | stop | restart podman|dockerd" >&2; exit 2 ;;
esac
