package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
	"golang.org/x/crypto/ssh"
)

// ptyOutput collects what the program writes to its terminal.
type ptyOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (p *ptyOutput) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.Write(b)
}

func (p *ptyOutput) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.String()
}

// waitFor polls the terminal output for re until the deadline.
func (p *ptyOutput) waitFor(t *testing.T, re *regexp.Regexp, within time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(p.String()); m != nil {
			return m
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no %q on the terminal within %s:\n%s", re, within, p.String())
	return nil
}

// TestRunAttachesTheConsole: isoforge run under a pseudo-terminal shows
// the VM's console with the stand-in's login banner, prints an ssh
// command that works with the test key, and Ctrl-] ends it all.
func TestRunAttachesTheConsole(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir, _ := testFleet(t)
			// -target with -test: only site-ams is built and tested.
			r := isoforge(t, e, dir, "apply", "-test", "-json", "-target", "site-ams")
			if got, sum := testEvents(t, r.stdout); r.code != 0 || sum.Passed != 1 || got["site-ams"].Result != "passed" || len(got) != 1 {
				t.Fatalf("apply -test -target site-ams: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			cmd := isoforgeCmd(t, e, dir, "run", "site-ams")
			tty, err := pty.Start(cmd)
			if err != nil {
				t.Fatal(err)
			}
			defer tty.Close()
			out := &ptyOutput{}
			go func() { _, _ = ioCopy(out, tty) }()
			port := out.waitFor(t, regexp.MustCompile(`ssh -p (\d+) root@localhost`), time.Minute)[1]
			out.waitFor(t, regexp.MustCompile(`installer-ams login: root \(automatic login\)`), 4*time.Minute)

			key, _ := os.ReadFile(filepath.Join(dir, "keys", "test"))
			signer, err := ssh.ParsePrivateKey(key)
			if err != nil {
				t.Fatal(err)
			}
			cfg := &ssh.ClientConfig{User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
				HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second}
			var host string
			for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && host == ""; time.Sleep(time.Second) {
				c, err := ssh.Dial("tcp", "127.0.0.1:"+port, cfg)
				if err != nil {
					continue
				}
				s, _ := c.NewSession()
				b, _ := s.Output("hostname")
				host = strings.TrimSpace(string(b))
				c.Close()
			}
			if host != "installer-ams" {
				t.Errorf("ssh -p %s root@localhost: hostname %q, want installer-ams", port, host)
			}

			tty.Write([]byte{0x1d})
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("isoforge run after Ctrl-]: %v\n%s", err, out.String())
				}
			case <-time.After(time.Minute):
				cmd.Process.Kill()
				t.Fatalf("isoforge run did not end after Ctrl-]:\n%s", out.String())
			}
			assertNoContainers(t, e, dir)
		})
	}
}

func ioCopy(dst *ptyOutput, src *os.File) (int64, error) {
	buf := make([]byte, 4096)
	var n int64
	for {
		k, err := src.Read(buf)
		dst.Write(buf[:k])
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
}
