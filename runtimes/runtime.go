// Package runtimes declares the container runtime the engine builds with
// and a registry of adapters (podman, docker) chosen by name.
package runtimes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
)

// Labels every container isoforge starts carries, so leftovers of an
// interrupted run can be found and removed, and only those.
const (
	LabelVariant = "io.isoforge.variant"
	LabelRun     = "io.isoforge.run"
	LabelConfig  = "io.isoforge.config"
	// LabelProbe marks short probe containers (the KVM check of doctor
	// and plan), with what they probe as its value. They carry none of
	// the build labels above.
	LabelProbe = "io.isoforge.probe"
	// LabelVolume marks the store volumes isoforge created. runtime.nix_volume
	// may only name such a volume: mounting another application's volume
	// read-write at /nix would hand its data to every build.
	LabelVolume = "io.isoforge.volume"
)

// DefaultPidsLimit caps the processes of a builder when its spec sets no
// limit: a fork bomb in a nix body stops there instead of at the host's.
// nix-build with its default settings stays far below it.
const DefaultPidsLimit = 4096

// Runtime is what the engine needs from a container engine.
type Runtime interface {
	// Name is the engine's name ("podman", "docker"), known without a call.
	Name() string
	// SharesHostFS reports whether the engine runs on this machine, so
	// bind mounts of local paths reach the files meant. Remote engines
	// never bind-mount: files travel with CopyIn and CopyOut.
	SharesHostFS() bool
	// Info checks that the engine answers and describes it.
	Info(ctx context.Context) (Info, error)
	// EnsureImage makes sure ref exists locally, pulling it when missing.
	EnsureImage(ctx context.Context, ref string) error
	// EnsureVolume creates the named volume when it does not exist and
	// reports whether it did.
	EnsureVolume(ctx context.Context, name string) (created bool, err error)
	// ImageExists reports whether ref is present locally, without pulling.
	ImageExists(ctx context.Context, ref string) (bool, error)
	// ImageID is the content digest ("sha256:<hex>", the image ID: the
	// digest of its configuration, which names every layer) of the local
	// image ref. Two tags of the same image have the same ID.
	ImageID(ctx context.Context, ref string) (string, error)
	// Volume describes a named volume; Exists is false when it is absent.
	Volume(ctx context.Context, name string) (VolumeInfo, error)
	// Run creates a container, unpacks spec.CopyIn into it, starts it,
	// streams its output line by line to out, waits for it, hands
	// spec.CopyOut the requested paths when it exited with 0, and removes
	// it. Cancelling ctx stops and removes
	// the container. The returned code is the container's exit code.
	Run(ctx context.Context, spec ContainerSpec, out LineWriter) (int, error)
	// Containers lists the containers (running or not) carrying all labels.
	Containers(ctx context.Context, labels map[string]string) ([]Container, error)
	// Remove force-removes a container.
	Remove(ctx context.Context, id string) error
	// Close releases the connection.
	Close() error
}

// LineWriter receives one line of container output at a time, without
// its newline; stream is "stdout" or "stderr".
type LineWriter func(stream, line string)

// Info describes a reachable engine.
type Info struct {
	Engine     string `json:"engine"`
	Version    string `json:"version"`
	APIVersion string `json:"api_version"`
	Endpoint   string `json:"endpoint"`
}

// VolumeInfo describes a named volume.
type VolumeInfo struct {
	Exists     bool
	Mountpoint string
	Labels     map[string]string
}

// ContainerSpec is one build container.
type ContainerSpec struct {
	Name       string
	Image      string
	Command    []string
	Env        map[string]string
	WorkingDir string
	Binds      []Bind
	Volumes    []VolumeMount
	Devices    []string
	// Ports publishes container TCP ports on the engine's host.
	Ports  []Port
	Labels map[string]string
	// MemoryBytes limits memory when non-zero.
	MemoryBytes int64
	// CopyIn, when set, writes a tar stream that is unpacked at / in the
	// container before it starts. It may be called once per Run.
	CopyIn func(w io.Writer) error
	// CopyOut receives paths of the exited container, in order.
	CopyOut []*CopyOut
	// PidsLimit caps the container's processes; 0 means DefaultPidsLimit.
	// Every adapter also sets no-new-privileges on every container: no
	// builder may gain privileges through setuid programs in its image.
	PidsLimit int64
}

// Pids is the effective process limit of a spec.
func (cs ContainerSpec) Pids() int64 {
	if cs.PidsLimit > 0 {
		return cs.PidsLimit
	}
	return DefaultPidsLimit
}

// CopyOut asks for Path of a container that exited with code 0, before
// the container is removed. Receive gets the engine's tar stream of it.
type CopyOut struct {
	Path    string
	Receive func(tar io.Reader) error
}

// Endpoint says where an engine is and how to reach it.
type Endpoint struct {
	// Host is unix:///path, ssh://user@host:port[/socket], or "" for
	// the engine's usual local sockets.
	Host string
	// Identity is an SSH private key file for ssh:// hosts; "" uses
	// ssh-agent.
	Identity string
	// KnownHosts is the known_hosts file for ssh:// hosts; "" is
	// $HOME/.ssh/known_hosts.
	KnownHosts string
}

// IsSSH reports whether the endpoint is reached over SSH.
func (e Endpoint) IsSSH() bool { return strings.HasPrefix(e.Host, "ssh://") }

// LocalSocket reports whether an engine reached at uri sees this
// machine's files at their paths, so bind mounts may replace copies: only
// a unix socket on Linux. A tcp:// engine (DOCKER_HOST) may run anywhere;
// on macOS and Windows the engine runs in a VM (Docker Desktop, podman
// machine) that shares only some directories of the host.
func LocalSocket(uri string) bool {
	return runtime.GOOS == "linux" && strings.HasPrefix(uri, "unix://")
}

// Bind mounts a host path into the container.
type Bind struct {
	Source   string
	Target   string
	ReadOnly bool
}

// Port publishes a container's TCP port on HostIP:HostPort of the
// engine's host (isoforge test reaches a VM's sshd through one).
type Port struct {
	HostIP        string
	HostPort      uint16
	ContainerPort uint16
}

// VolumeMount mounts a named volume.
type VolumeMount struct {
	Name   string
	Target string
}

// Container is a container found by label.
type Container struct {
	ID     string
	Name   string
	State  string
	Labels map[string]string
}

// NormalizeImageID writes an engine's image ID as "sha256:<hex>" (Podman
// reports the bare hex, Docker the prefixed form).
func NormalizeImageID(id string) string {
	if id == "" || strings.HasPrefix(id, "sha256:") {
		return id
	}
	return "sha256:" + id
}

// ErrUnreachable wraps failures to reach an engine's service.
var ErrUnreachable = errors.New("container engine not reachable")

// ImageError reports an image that is missing and could not be pulled.
type ImageError struct {
	Engine string
	Image  string
	Err    error
}

func (e *ImageError) Error() string {
	return fmt.Sprintf("%s: image %s is not present and pulling it failed: %v (pull or load it by hand, or set runtime.image)",
		e.Engine, e.Image, e.Err)
}

func (e *ImageError) Unwrap() error { return e.Err }
