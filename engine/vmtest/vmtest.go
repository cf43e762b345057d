// Package vmtest boots built artifacts in QEMU, in a container on the
// builder, logs in over SSH with the variant's test key and runs the
// checks of its test block (isoforge test, apply -test).
//
// SSH runs in isoforge itself (golang.org/x/crypto/ssh) over a port the
// engine publishes on its host's loopback, not in the container: the
// private key never enters a container, an image or an engine's API (a
// key passed to a container would show in its inspect output), and for
// a remote engine the same port is reached through the engine's own SSH
// connection rather than a second login.
package vmtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
	"golang.org/x/crypto/ssh"
	"golang.org/x/sync/errgroup"
)

// Outcomes of a test, as the views and -json print them.
const (
	Passed  = "passed"
	Failed  = "failed"
	Skipped = "skipped"
)

// Target is one built artifact to test.
type Target struct {
	Variant spec.Variant
	// Artifact is the artifact's path on the engine's host.
	Artifact string
}

// Result is the outcome of one test.
type Result struct {
	Variant string
	Outcome string
	// Err says why it failed, or why it was skipped.
	Err error
	// Boot is the time from starting QEMU to a working SSH login.
	Boot     time.Duration
	Duration time.Duration
	Accel    string
	// LogPath is the serial console log, written when the test failed.
	LogPath string
}

// Event is progress of one VM: Phase is "booting", "ssh up", "checks",
// a final outcome, or "warning".
type Event struct {
	Variant string
	Phase   string
	Detail  string
	// Result is set with a final outcome.
	Result *Result
}

// Tester boots artifacts on one engine.
type Tester struct {
	Runtime runtimes.Runtime
	// Image provides qemu-system-x86_64 (and OVMF for EFI images).
	Image string
	// Dir is the configuration directory: key files are read and serial
	// logs written only inside it.
	Dir   string
	RunID string
	// KVM reports that the engine's host has /dev/kvm to pass through.
	KVM bool
	// Events is called from several goroutines.
	Events func(Event)
	// Nixpkgs, when set, lets a builder image without QEMU build
	// nixpkgs' qemu_kvm from the pinned nixpkgs (qemuScript).
	Nixpkgs *apply.NixpkgsAccess
}

// TestAll tests the targets, parallelism at a time, and returns their
// results in the targets' order.
func (t *Tester) TestAll(ctx context.Context, targets []Target, parallelism int) []Result {
	out := make([]Result, len(targets))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, parallelism))
	for i, tg := range targets {
		g.Go(func() error {
			out[i] = t.Test(gctx, tg)
			return nil
		})
	}
	_ = g.Wait()
	return out
}

// Test boots one artifact and runs its checks.
func (t *Tester) Test(ctx context.Context, tg Target) Result {
	start := time.Now()
	r := t.test(ctx, tg)
	r.Variant, r.Duration = tg.Variant.Name, time.Since(start)
	switch {
	case r.Outcome == Skipped:
	case r.Err != nil:
		r.Outcome = Failed
	default:
		r.Outcome = Passed
	}
	if t.Events != nil {
		t.Events(Event{Variant: r.Variant, Phase: r.Outcome, Result: &r})
	}
	return r
}

func (t *Tester) emit(variant, phase, detail string) {
	if t.Events != nil {
		t.Events(Event{Variant: variant, Phase: phase, Detail: detail})
	}
}

func skipped(format string, args ...any) Result {
	return Result{Outcome: Skipped, Err: fmt.Errorf(format, args...)}
}

func (t *Tester) test(ctx context.Context, tg Target) Result {
	v := tg.Variant
	if v.Test == nil {
		return skipped("no test block")
	}
	m, skip := t.machine(v, tg.Artifact, v.Test.Accel, v.Test.MemoryMiB)
	if skip != "" {
		return skipped("%s", skip)
	}
	signer, err := t.signer(v.Test.KeyFile)
	if err != nil {
		return Result{Err: err}
	}
	cs, port, err := t.Container(v, tg.Artifact, m)
	if err != nil {
		return Result{Err: err}
	}
	timeout := v.Test.BootTimeout
	if m.Accel == AccelTCG && v.Test.Accel == "auto" {
		timeout *= 2
		t.emit(v.Name, "warning", fmt.Sprintf("no /dev/kvm on the builder: emulating with TCG (slow); waiting up to %s for ssh", duration(timeout)))
	}
	return t.boot(ctx, v, cs, port, signer, timeout, m.Accel)
}

// machine describes the VM for a variant's artifact, or why it cannot boot.
func (t *Tester) machine(v spec.Variant, artifact, accel string, memMiB int) (Machine, string) {
	if v.System != "x86_64-linux" {
		return Machine{}, v.System + " images do not boot in qemu-system-x86_64"
	}
	f, _ := spec.LookupFormat(v.Format)
	m := Machine{File: filepath.Base(artifact), Product: f.Product, EFI: strings.Contains(f.Name, "efi"),
		Accel: t.accel(accel), MemoryMiB: memMiB}
	if _, skip := m.Command(f); skip != "" {
		return m, skip
	}
	return m, ""
}

// Interactive is the VM of isoforge run: the serial console on a TCP
// port and sshd on another, both published on the engine host's loopback.
func (t *Tester) Interactive(v spec.Variant, artifact string) (cs runtimes.ContainerSpec, sshPort, serialPort int, m Machine, err error) {
	accel, mem := "auto", spec.DefaultTestMemoryMiB
	if v.Test != nil {
		accel, mem = v.Test.Accel, v.Test.MemoryMiB
	}
	m, skip := t.machine(v, artifact, accel, mem)
	if skip != "" {
		return cs, 0, 0, m, errors.New(skip)
	}
	// wait=on: the VM starts only once isoforge is attached, so the
	// console shows the boot from its first line.
	m.Serial = fmt.Sprintf("tcp::%d,server=on,wait=on", guestSerialPort)
	if serialPort, err = freePort(); err != nil {
		return cs, 0, 0, m, err
	}
	cs, sshPort, err = t.Container(v, artifact, m)
	cs.Ports = append(cs.Ports, runtimes.Port{HostIP: "127.0.0.1", HostPort: uint16(serialPort), ContainerPort: guestSerialPort})
	return cs, sshPort, serialPort, m, err
}

func (t *Tester) accel(want string) string {
	if want == "auto" {
		if t.KVM {
			return AccelKVM
		}
		return AccelTCG
	}
	return want
}

// Container is the QEMU container for m: the artifact mounted read-only,
// /dev/kvm only for KVM, the VM's sshd published on a free port of the
// engine host's loopback (returned).
func (t *Tester) Container(v spec.Variant, artifact string, m Machine) (runtimes.ContainerSpec, int, error) {
	f, _ := spec.LookupFormat(v.Format)
	cmd, _ := m.Command(f)
	port, err := freePort()
	if err != nil {
		return runtimes.ContainerSpec{}, 0, err
	}
	cs := runtimes.ContainerSpec{
		Name:    "isoforge-vm-" + v.Name + "-" + t.RunID,
		Image:   t.Image,
		Command: cmd,
		Binds:   []runtimes.Bind{{Source: artifact, Target: imageDir + "/" + filepath.Base(artifact), ReadOnly: true}},
		Ports:   []runtimes.Port{{HostIP: "127.0.0.1", HostPort: uint16(port), ContainerPort: guestSSHPort}},
		Labels:  apply.Labels(t.Dir, v.Name, t.RunID),
	}
	if m.Accel == AccelKVM {
		cs.Devices = []string{"/dev/kvm"}
	}
	if n := t.Nixpkgs; n != nil {
		cs.Command = []string{"/bin/sh", "-c", qemuScript(cmd, n.Fetch)}
		cs.Env, cs.Volumes = n.Env, n.Volumes
		cs.Binds = append(cs.Binds, n.Binds...)
	}
	return cs, port, nil
}

// boot runs the VM until the checks are done, then stops and removes it.
func (t *Tester) boot(ctx context.Context, v spec.Variant, cs runtimes.ContainerSpec, port int, signer ssh.Signer, timeout time.Duration, accel string) Result {
	vmCtx, stopVM := context.WithCancel(ctx)
	defer stopVM()
	serial := &console{}
	stopped := make(chan struct{})
	var runErr error
	var code int
	go func() {
		defer close(stopped)
		code, runErr = t.Runtime.Run(vmCtx, cs, serial.line)
	}()
	t.emit(v.Name, "booting", accel)
	start := time.Now()
	waitCtx, cancel := context.WithTimeout(vmCtx, timeout)
	defer cancel()
	client, err := newDialer(net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), v.Test.User, signer).waitForSSH(waitCtx, stopped)
	r := Result{Accel: accel}
	if err == nil {
		r.Boot = time.Since(start)
		t.emit(v.Name, "ssh up", duration(r.Boot))
		t.emit(v.Name, "checks", "")
		err = runChecks(vmCtx, client, v)
		client.Close()
	}
	stopVM()
	<-stopped
	if err == nil || ctx.Err() != nil {
		r.Err = err
		return r
	}
	r.LogPath = t.writeLog(v.Name, serial)
	switch {
	case errors.Is(err, ErrAuth):
		r.Err = fmt.Errorf("authentication failed for %s with %s", v.Test.User, ssh.FingerprintSHA256(signer.PublicKey()))
	case errors.Is(err, context.DeadlineExceeded) && accel == AccelKVM && serial.silent():
		r.Err = fmt.Errorf("ssh did not come up within %s and the VM printed nothing on its serial console: KVM may not run guests on this host (nested virtualization?); try accel = \"tcg\" in the test block; serial console log: %s", duration(timeout), r.LogPath)
	case errors.Is(err, context.DeadlineExceeded):
		r.Err = fmt.Errorf("ssh did not come up within %s; serial console log: %s", duration(timeout), r.LogPath)
	case errors.Is(err, errVMStopped):
		r.Err = fmt.Errorf("the VM stopped before ssh came up (QEMU exit code %d, %v); serial console log: %s", code, runErr, r.LogPath)
	default:
		r.Err = err
	}
	return r
}

// console collects the VM's serial output (stdout) and QEMU's messages
// (stderr).
type console struct {
	mu     sync.Mutex
	lines  []string
	serial int
}

func (c *console) line(stream, l string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lines = append(c.lines, l)
	if stream == "stdout" && strings.TrimSpace(l) != "" {
		c.serial++
	}
}

// silent reports that the VM never wrote to its serial console.
func (c *console) silent() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.serial == 0
}

// writeLog saves the serial console as .isoforge/logs/<variant>.test.log
// and returns that path relative to the configuration directory.
func (t *Tester) writeLog(variant string, c *console) string {
	rel := filepath.Join(workspace.StateDir, "logs", variant+".test.log")
	c.mu.Lock()
	text := strings.Join(c.lines, "\n") + "\n"
	c.mu.Unlock()
	root, err := os.OpenRoot(t.Dir)
	if err != nil {
		return rel
	}
	defer root.Close()
	_ = root.MkdirAll(filepath.Dir(rel), 0o755)
	_ = root.WriteFile(rel, []byte(text), 0o644)
	return rel
}

// signer reads the test key from inside the configuration directory.
func (t *Tester) signer(keyFile string) (ssh.Signer, error) {
	if keyFile == "" {
		return nil, errors.New("test.ssh_private_key_file is not set: give the private key whose public half is in ssh_authorized_keys")
	}
	root, err := os.OpenRoot(t.Dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	b, err := root.ReadFile(filepath.FromSlash(keyFile))
	if err != nil {
		return nil, fmt.Errorf("reading ssh_private_key_file: %w", err)
	}
	return ParseKey(b, keyFile)
}

// ParseKey parses a private key without ever quoting it in an error.
func ParseKey(b []byte, name string) (ssh.Signer, error) {
	s, err := ssh.ParsePrivateKey(b)
	var pass *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &pass):
		return nil, fmt.Errorf("%s is protected by a passphrase: use a key without one for tests", name)
	case err != nil:
		return nil, fmt.Errorf("%s is not an OpenSSH private key", name)
	}
	return s, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free local port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// duration prints "3m" rather than time's "3m0s".
func duration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
