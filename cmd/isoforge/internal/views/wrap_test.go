package views

import (
	"bytes"
	"strings"
	"testing"
)

func TestWrapWriter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		width  int
		writes []string
		want   string
	}{
		{"fits", 20, []string{"short line\n"}, "short line\n"},
		{"at a space", 20, []string{"Finished variants are recorded\n"}, "Finished variants\n  are recorded\n"},
		{"no space", 12, []string{"abcdefghijklmnop\n"}, "abcdefghijk\n  lmnop\n"},
		{"across writes", 20, []string{"0123456789", " abcdefghij klm\n"}, "0123456789\n  abcdefghij klm\n"},
		{"escapes take no columns", 12, []string{"\x1b[31mError:\x1b[0m abc\n"}, "\x1b[31mError:\x1b[0m abc\n"},
		{"cursor moves pass", 20, []string{"\r\x1b[3A\x1b[Jok\n"}, "\r\x1b[3A\x1b[Jok\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			ww := &wrapWriter{w: &buf, width: func() int { return tc.width }}
			for _, w := range tc.writes {
				ww.Write([]byte(w))
			}
			if buf.String() != tc.want {
				t.Errorf("got %q, want %q", buf.String(), tc.want)
			}
			for _, l := range strings.Split(buf.String(), "\n") {
				if visibleLen(l) >= tc.width {
					t.Errorf("line %q reaches the last column of %d", l, tc.width)
				}
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello world", 6, "hello…"},
		{"\x1b[33m●\x1b[0m building", 5, "\x1b[33m●\x1b[0m bu…\x1b[0m"},
	} {
		if got := Truncate(tc.in, tc.n); got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
