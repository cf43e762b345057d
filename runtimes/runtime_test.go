package runtimes

import (
	"runtime"
	"testing"
)

func TestLocalSocket(t *testing.T) {
	linux := runtime.GOOS == "linux"
	for uri, want := range map[string]bool{
		"unix:///var/run/docker.sock":      linux,
		"unix:///run/podman/podman.sock":   linux,
		"tcp://10.0.0.5:2375":              false, // DOCKER_HOST of another machine
		"tcp://127.0.0.1:2375":             false, // may be a VM's forwarded port
		"ssh://root@rack1/run/podman.sock": false,
		"npipe:////./pipe/docker_engine":   false,
		"":                                 false,
	} {
		if got := LocalSocket(uri); got != want {
			t.Errorf("LocalSocket(%q) = %v, want %v", uri, got, want)
		}
	}
}
