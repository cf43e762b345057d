package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/isoforge/isoforge/engine/vmtest"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// ctrlBracket (Ctrl-]) detaches from the console and ends the VM, as in
// telnet and virsh console.
const ctrlBracket = 0x1d

type runFlags struct {
	configFlags
	rt runtimeFlags
}

func newRunCmd(s *streams, g *globals) *cobra.Command {
	var rf runFlags
	cmd := &cobra.Command{
		Use:   "run VARIANT",
		Short: "Boot a built image in QEMU with its serial console on this terminal",
		Long: `Run boots VARIANT's built artifact in QEMU, in a container on the builder
(as isoforge test does), attaches its serial console to this terminal and
publishes the VM's port 22 on a free port of localhost, printed as an ssh
command. Ctrl-] or powering the VM off ends it and removes the container.
The VM is thrown away: nothing it writes is kept.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd, s, g, &rf, args[0])
		},
	}
	rf.configFlags.register(cmd)
	rf.rt.register(cmd)
	return cmd
}

func runRun(cmd *cobra.Command, s *streams, g *globals, rf *runFlags, name string) error {
	ctx := cmd.Context()
	o := newOutput(s, g, false)
	ws, err := openWorkspace(o, &rf.configFlags)
	if err != nil {
		return err
	}
	v, ok := ws.Cfg.Variant(name)
	if !ok {
		return o.fail(fmt.Errorf("no variant %q%s", name, suggest(name, ws.Cfg.VariantNames())))
	}
	e, ok := ws.Lock.Variant(name)
	artifact := filepath.Join(ws.Cfg.Dir, filepath.FromSlash(e.Artifact))
	if _, err := os.Stat(artifact); !ok || err != nil {
		return o.fail(fmt.Errorf("%s is not built: run isoforge apply -target %s first", name, name))
	}
	rt, err := rf.rt.open(ctx, ws.Cfg)
	if err != nil {
		return o.fail(err)
	}
	defer rt.Close()
	if err := rt.EnsureImage(ctx, ws.Cfg.Runtime.Image); err != nil {
		return o.fail(err)
	}
	t := &vmtest.Tester{Image: ws.Cfg.Runtime.Image, Dir: ws.Cfg.Dir, RunID: newRunID(), KVM: hasKVM(), Nixpkgs: nixpkgsAccess(ws)}
	cs, sshPort, serialPort, m, err := t.Interactive(v, artifact)
	if err != nil {
		return o.fail(err)
	}
	user := "root"
	if v.Test != nil {
		user = v.Test.User
	}
	fmt.Fprintf(s.out, "Booting %s (%s). Ctrl-] ends the VM.\nSSH: ssh -p %d %s@localhost\n\n", name, m.Accel, sshPort, user)
	if err := console(ctx, s, rt, cs, serialPort); err != nil {
		return o.fail(err)
	}
	return nil
}

// console runs the VM and bridges its serial port with the terminal
// until Ctrl-], the VM's end or an interrupt; then the container is
// stopped and removed.
func console(ctx context.Context, s *streams, rt runtimes.Runtime, cs runtimes.ContainerSpec, port int) error {
	vmCtx, stop := context.WithCancel(ctx)
	defer stop()
	exited := make(chan error, 1)
	go func() {
		_, err := rt.Run(vmCtx, cs, func(string, string) {})
		exited <- err
	}()
	conn, first, err := dialConsole(vmCtx, port, exited)
	if err != nil {
		stop()
		<-exited
		return err
	}
	defer conn.Close()
	if f, ok := s.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if old, err := term.MakeRaw(int(f.Fd())); err == nil {
			defer term.Restore(int(f.Fd()), old)
		}
	}
	s.out.Write(first)
	done := make(chan struct{}, 2)
	go func() { io.Copy(s.out, conn); done <- struct{}{} }()
	go func() { copyUntilEscape(conn, s.in); done <- struct{}{} }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	stop()
	<-exited
	fmt.Fprintf(s.out, "\r\nisoforge: the VM is gone.\r\n")
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted}
	}
	return nil
}

// dialConsole connects to the published serial port. Until QEMU listens,
// the engine's port proxy accepts and at once closes connections, so a
// connection counts once it delivers a first byte.
func dialConsole(ctx context.Context, port int, exited <-chan error) (net.Conn, []byte, error) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	buf := make([]byte, 4096)
	for {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			n, rerr := conn.Read(buf)
			if n > 0 {
				_ = conn.SetReadDeadline(time.Time{})
				return conn, buf[:n], nil
			}
			conn.Close()
			if rerr != nil && !errors.Is(rerr, io.EOF) && !isReset(rerr) {
				return nil, nil, fmt.Errorf("reading the VM's console: %w", rerr)
			}
		}
		select {
		case err := <-exited:
			return nil, nil, fmt.Errorf("the VM's container ended before its console answered: %v", err)
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

// copyUntilEscape copies keystrokes to the console until Ctrl-] or EOF.
func copyUntilEscape(dst io.Writer, src io.Reader) {
	buf := make([]byte, 1024)
	for {
		n, err := src.Read(buf)
		if i := bytes.IndexByte(buf[:n], ctrlBracket); i >= 0 {
			dst.Write(buf[:i])
			return
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
