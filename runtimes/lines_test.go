package runtimes

import (
	"strings"
	"testing"
)

// Builder output is arbitrary (a nix body prints what it likes): control
// characters reach the terminal escaped, and a line without end cannot
// grow memory.
func TestLinesEscapeControlCharacters(t *testing.T) {
	var got []string
	l := NewLines("stdout", func(_, line string) { got = append(got, line) })
	l.Write([]byte("plain\ttab\n\x1b]0;pwned\x07title\r\nbad \xff byte \u009b\n"))
	l.Write([]byte(strings.Repeat("x", MaxLineBytes+10)))
	l.Flush()
	want := []string{"plain\ttab", `\x1b]0;pwned\x07title`, `bad \xff byte \u009b`}
	for i, w := range want {
		if i >= len(got) || got[i] != w {
			t.Fatalf("lines %q, want %q first", got, want)
		}
	}
	if len(got) != 5 || len(got[3]) != MaxLineBytes || len(got[4]) != 10 {
		t.Errorf("an overlong line came out as %d lines", len(got)-3)
	}
}
