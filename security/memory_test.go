package security_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// maxRSS runs isoforge and returns its peak resident memory in bytes.
func (a *arena) maxRSS(args ...string) int64 {
	a.t.Helper()
	var rss int64
	cmd := exec.Command(binary, args...)
	cmd.Dir = a.repo
	_ = cmd.Run()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10 // kilobytes on Linux
	}
	return rss
}

// Class "crash" (memory): hostile input may not take more than ~10x its
// size in memory on top of what a small input of the same kind takes
// (the issue measured 1.5 GB for 120 KB of brackets).
func TestHostileInputMemoryIsBounded(t *testing.T) {
	// The base is the same refusal of a small input, per command, so that
	// only the growth with the input's size is measured; 8 MiB absorb RSS
	// noise.
	small := newArena(t, header+"locals {\n  x = "+strings.Repeat("[", 200)+strings.Repeat("]", 200)+"\n}\n")
	base := map[string]int64{
		"validate": small.maxRSS("validate") + 8<<20,
		"fmt":      small.maxRSS("fmt", "-check", filepath.Join(small.repo, "isos.hcl")) + 8<<20,
	}
	for name, body := range map[string]string{
		"brackets":     header + "locals {\n  x = " + deep + "\n}\n",
		"long string":  header + "locals {\n  x = \"" + strings.Repeat("a", 4<<20-200) + "\"\n}\n",
		"conditionals": header + "locals {\n  x = " + strings.Repeat("true ? 1 : ", 30000) + "0\n}\n",
	} {
		t.Run(name, func(t *testing.T) {
			a := newArena(t, body)
			for _, cmd := range [][]string{{"validate"}, {"fmt", "-check", filepath.Join(a.repo, "isos.hcl")}} {
				rss := a.maxRSS(cmd...)
				limit := base[cmd[0]] + 10*int64(len(body))
				t.Logf("%s %v: peak RSS %d MiB (base %d MiB, input %d KiB)", name, cmd[0], rss>>20, base[cmd[0]]>>20, len(body)>>10)
				if rss > limit {
					t.Errorf("%s: peak RSS %d MiB exceeds %d MiB (10x the input over the base)", cmd[0], rss>>20, limit>>20)
				}
			}
		})
	}
}
