package security_test

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Class "signals": `isoforge plan | head -1` (the reader gone) is handled
// like SIGINT and exits 141, with a message, not killed by SIGPIPE
// (which left builders running).
func TestSIGPIPEExits141(t *testing.T) {
	a := newArena(t, header+"variant \"a\" {}\n")
	r := a.runCmd(func(cmd *exec.Cmd) {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		pr.Close() // the reader is gone before the first write
		cmd.Stdout = pw
		t.Cleanup(func() { pw.Close() })
	}, "plan")
	if r.code != 141 {
		t.Fatalf("exit %d, want 141\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "Interrupted (broken pipe)") {
		t.Errorf("no interruption message:\n%s", r.stderr)
	}
}

// SIGINT during start-up (here: connecting to an engine that never
// answers) exits 130, not 1.
func TestSIGINTDuringStartupExits130(t *testing.T) {
	a := newArena(t, header+"variant \"a\" {}\n")
	sock := filepath.Join(a.root, "silent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accept and never answer
		}
	}()
	cmd := exec.Command(binary, "apply", "-runtime", "docker", "-host", "unix://"+sock)
	cmd.Dir = a.repo
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("apply did not stop within 30 s of SIGINT:\n%s", stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130\n%s", code, stderr.String())
	}
}
