package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeFlags(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []string
		want    []string
		oneDash []string
	}{
		{"one dash becomes two", []string{"plan", "-target", "a"}, []string{"plan", "--target", "a"}, []string{"target"}},
		{"with a value", []string{"-var=x=1"}, []string{"--var=x=1"}, []string{"var"}},
		{"two dashes stay", []string{"--json"}, []string{"--json"}, nil},
		{"negative numbers stay", []string{"-parallelism", "-3"}, []string{"--parallelism", "-3"}, []string{"parallelism"}},
		{"stdin stays", []string{"fmt", "-"}, []string{"fmt", "-"}, nil},
		{"shorthand -h stays", []string{"-h"}, []string{"-h"}, nil},
		{"after -- nothing changes", []string{"--", "-x"}, []string{"--", "-x"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, oneDash := normalizeFlags(tc.in)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("args (-want +got):\n%s", d)
			}
			for _, n := range tc.oneDash {
				if !oneDash[n] {
					t.Errorf("%q not recorded as typed with one dash", n)
				}
			}
			if len(oneDash) != len(tc.oneDash) {
				t.Errorf("one-dash names = %v, want %v", oneDash, tc.oneDash)
			}
		})
	}
}

func TestPositiveInt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{{"1", 1, true}, {"16", 16, true}, {"0", 0, false}, {"-3", 0, false}, {"abc", 0, false}, {"2.5", 0, false}} {
		var n int
		err := positiveInt{&n}.Set(tc.in)
		if (err == nil) != tc.ok || n != tc.want {
			t.Errorf("Set(%q) = %d, %v; want %d, ok %v", tc.in, n, err, tc.want, tc.ok)
		}
	}
}

func TestNameSuggestion(t *testing.T) {
	names := []string{"a", "b", "site-x", "target"}
	for given, want := range map[string]string{"traget": "target", "bb": "b", "zzzzzz": "", "site-y": "site-x"} {
		if got := nameSuggestion(given, names); got != want {
			t.Errorf("nameSuggestion(%q) = %q, want %q", given, got, want)
		}
	}
}
