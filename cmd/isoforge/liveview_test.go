package main

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

const liveConfig = `nixpkgs {
  rev = "0123456789abcdef0123456789abcdef01234567"
}
variant "alpha-with-a-rather-long-name" { packages = ["htop"] }
variant "beta" {}
variant "gamma" {}
`

// TestLiveViewPTY runs apply on the FAKE runtime under a pseudo-terminal
// of 60 and 120 columns and replays the output on a small terminal model:
// no line may reach the last column (it would wrap), the live block must
// be redrawn in place (the cursor never runs past the screen) and the
// progress line's counts must add up.
func TestLiveViewPTY(t *testing.T) {
	// The TEST DOUBLE archive host of TestScripts: apply fetches the
	// pinned revision once to record its NAR hash.
	archives := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(standinArchive(t))
	}))
	defer archives.Close()
	t.Setenv("ISOFORGE_NIXPKGS_ARCHIVES", archives.URL+"/archive")
	for _, cols := range []int{60, 120} {
		t.Run(strconv.Itoa(cols), func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "isos.hcl"), liveConfig)
			out, code := runInPTY(t, dir, cols, nil, "FAKE_DELAY=700ms", "FAKE_OUTPUT=warning: SQLite database '/nix/var/nix/db/db.sqlite' is busy|copying path '/nix/store/"+strings.Repeat("x", 150)+"'")
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, out)
			}
			scr := replay(t, out, cols)
			checkProgress(t, scr.progress, 3, 1)
			// Redrawn in place, the whole run fits the 40-row terminal; a
			// redraw that printed anew would scroll it within a second.
			if scr.maxRow >= 40 {
				t.Errorf("the output ran to row %d of a 40-row terminal: the live block scrolled", scr.maxRow+1)
			}
			screen := scr.text()
			t.Logf("screen:\n%s", screen)
			for _, want := range []string{"Apply complete: 3 built, 0 unchanged, 0 removed.", "✓ beta: built out/beta.iso"} {
				if !strings.Contains(screen, want) {
					t.Errorf("screen lacks %q:\n%s", want, screen)
				}
			}
			if strings.Contains(string(out), "SQLite") {
				t.Errorf("a SQLite-busy warning was shown:\n%s", screen)
			}
			if n := strings.Count(screen, "Building:"); n != 0 {
				t.Errorf("the live block was left on screen (%d progress lines):\n%s", n, screen)
			}
			log, err := os.ReadFile(filepath.Join(dir, ".isoforge", "logs", "beta.log"))
			if err != nil || !bytes.Contains(log, []byte("SQLite database")) {
				t.Errorf("the build log must keep the SQLite warning (err %v):\n%s", err, log)
			}
		})
	}
	for _, cols := range []int{60, 120} {
		t.Run("ctrl-c/"+strconv.Itoa(cols), func(t *testing.T) { checkCtrlC(t, cols) })
	}
}

// checkCtrlC types Ctrl-C into a running apply on a cols-wide terminal.
func checkCtrlC(t *testing.T, cols int) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "isos.hcl"), liveConfig)
	out, code := runInPTY(t, dir, cols, []byte("building "), "FAKE_DELAY=30s")
	if code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	screen := replay(t, out, cols).text()
	t.Logf("screen:\n%s", screen)
	if !strings.Contains(screen, "cancelled after") || strings.Contains(screen, "FAILED") || strings.Contains(screen, "failed after") {
		t.Errorf("Ctrl-C must show cancelled, never a failure:\n%s", screen)
	}
	if strings.Count(screen, "Interrupted:") != 1 || strings.Contains(screen, "Building:") {
		t.Errorf("the interrupt notice must sit once above a cleared live block:\n%s", screen)
	}
}

// runInPTY runs `isoforge apply` in dir on a cols-wide terminal; when
// interruptAfter is set it types Ctrl-C once that text appears.
func runInPTY(t *testing.T, dir string, cols int, interruptAfter []byte, env ...string) ([]byte, int) {
	t.Helper()
	cmd := exec.Command("isoforge", "apply", "-runtime", "fake", "-parallelism", "1")
	cmd.Dir = dir
	home := t.TempDir() // outside the configuration, as for real users
	cmd.Env = append(os.Environ(), append(env, "HOME="+home, "XDG_CACHE_HOME="+home+"/cache", "NO_COLOR=1")...)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: 40})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	var mu sync.Mutex
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		chunk := make([]byte, 4096)
		sent := false
		for {
			n, err := ptmx.Read(chunk)
			mu.Lock()
			buf.Write(chunk[:n])
			if !sent && interruptAfter != nil && bytes.Contains(buf.Bytes(), interruptAfter) {
				time.Sleep(300 * time.Millisecond)
				ptmx.Write([]byte{3}) // the terminal turns ^C into SIGINT
				sent = true
			}
			mu.Unlock()
			if err != nil {
				return // EIO once the process is gone
			}
		}
	}()
	waitErr := cmd.Wait()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(waitErr, &ee) {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	} else if waitErr != nil {
		t.Fatal(waitErr)
	}
	mu.Lock()
	defer mu.Unlock()
	return buf.Bytes(), code
}

// screen is a minimal terminal: enough of VT100 for the live view.
type screen struct {
	t        *testing.T
	cols     int
	rows     [][]rune
	row, col int
	maxRow   int
	progress []string
}

var csiRe = regexp.MustCompile(`^\x1b\[([0-9]*)([A-Za-z])`)

func replay(t *testing.T, out []byte, cols int) *screen {
	s := &screen{t: t, cols: cols, rows: [][]rune{nil}}
	r := []rune(string(out))
	for i := 0; i < len(r); i++ {
		switch c := r[i]; {
		case c == '\x1b':
			m := csiRe.FindStringSubmatch(string(r[i:min(i+12, len(r))]))
			if m == nil {
				t.Fatalf("unexpected escape sequence at %q", string(r[i:min(i+12, len(r))]))
			}
			s.csi(m[1], m[2])
			i += len([]rune(m[0])) - 1
		case c == '\r':
			s.col = 0
		case c == '\n':
			s.lineDone()
			s.row++
			s.maxRow = max(s.maxRow, s.row)
			for len(s.rows) <= s.row {
				s.rows = append(s.rows, nil)
			}
		case c >= ' ':
			s.put(c)
		}
	}
	return s
}

func (s *screen) csi(arg, op string) {
	n, _ := strconv.Atoi(arg)
	switch op {
	case "A":
		s.row -= max(n, 1)
		if s.row < 0 {
			s.t.Fatalf("cursor moved above the screen")
		}
	case "J":
		s.rows = s.rows[:s.row+1]
		s.rows[s.row] = truncRunes(s.rows[s.row], s.col)
	case "K":
		s.rows[s.row] = truncRunes(s.rows[s.row], s.col)
	case "m":
	default:
		s.t.Fatalf("unexpected control sequence %s%s", arg, op)
	}
}

func (s *screen) put(c rune) {
	if s.col >= s.cols-1 {
		s.t.Errorf("a line reaches column %d of %d and would wrap: %q", s.col+1, s.cols, string(s.rows[s.row])+string(c))
	}
	line := s.rows[s.row]
	for len(line) <= s.col {
		line = append(line, ' ')
	}
	line[s.col] = c
	s.rows[s.row] = line
	s.col++
}

// lineDone records progress lines as they are drawn.
func (s *screen) lineDone() {
	if l := string(s.rows[s.row]); strings.HasPrefix(l, "Building:") {
		s.progress = append(s.progress, l)
	}
}

func truncRunes(r []rune, n int) []rune {
	if len(r) > n {
		return r[:n]
	}
	return r
}

func (s *screen) text() string {
	var b strings.Builder
	for _, r := range s.rows {
		b.WriteString(strings.TrimRight(string(r), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

var progressRe = regexp.MustCompile(`^Building: (\d+)/(\d+) done, (\d+) running, (\d+) queued; \d+:\d\d elapsed`)

// checkProgress checks every progress line drawn: done + running + queued
// is the total, no more running than the parallelism, and the run was
// seen both at its start and near its end.
func checkProgress(t *testing.T, lines []string, total, parallel int) {
	t.Helper()
	if len(lines) == 0 {
		t.Fatal("no progress line was drawn")
	}
	seen := map[string]bool{}
	for _, l := range lines {
		m := progressRe.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("progress line %q has an unexpected shape", l)
			continue
		}
		done, tot, running, queued := atoi(m[1]), atoi(m[2]), atoi(m[3]), atoi(m[4])
		if tot != total || done+running+queued != total || running > parallel {
			t.Errorf("progress line %q: counts do not add up to %d with at most %d running", l, total, parallel)
		}
		seen[m[1]+"/"+m[3]+"/"+m[4]] = true
	}
	for _, want := range []string{"0/1/2", "1/1/1", "2/1/0"} {
		if !seen[want] {
			t.Errorf("never drew done/running/queued = %s; drew %v", want, lines)
		}
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
