package views

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/plan"
)

// newTestLive is a live view without its ticker, drawing into a buffer.
func newTestLive(estimates map[string]time.Duration) (*live, *bytes.Buffer) {
	var buf bytes.Buffer
	v := &View{Out: &buf, Err: &buf, outFile: &buf, errFile: &buf}
	return &live{v: v, estimates: estimates, started: time.Now(), running: map[string]*liveBuild{}}, &buf
}

func TestLiveProgressAndETA(t *testing.T) {
	for _, tc := range []struct {
		name      string
		estimates map[string]time.Duration
		want      string
	}{
		{"no history, no ETA", nil, `^Building: 1/3 done, 1 running, 1 queued; 0:00 elapsed$`},
		{"ETA from the previous durations", map[string]time.Duration{"b": 90 * time.Second, "c": 60 * time.Second},
			`^Building: 1/3 done, 1 running, 1 queued; 0:00 elapsed, about 2:30 left$`},
		{"one variant never built", map[string]time.Duration{"b": 90 * time.Second},
			`^Building: 1/3 done, 1 running, 1 queued; 0:00 elapsed$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := newTestLive(tc.estimates)
			l.Plan(&plan.Plan{Actions: []plan.Action{
				{Variant: "a", Kind: plan.Create}, {Variant: "b", Kind: plan.Create}, {Variant: "c", Kind: plan.Rebuild}, {Variant: "d", Kind: plan.NoOp},
			}}, nil)
			l.Event(apply.Event{Type: apply.EventStart, Variant: "a"})
			l.Event(apply.Event{Type: apply.EventDone, Variant: "a"})
			l.Event(apply.Event{Type: apply.EventStart, Variant: "b"})
			if got := l.progress(); !regexp.MustCompile(tc.want).MatchString(got) {
				t.Errorf("progress = %q, want %s", got, tc.want)
			}
		})
	}
}

func TestLiveHidesTransientNixWarnings(t *testing.T) {
	l, buf := newTestLive(nil)
	l.Plan(&plan.Plan{Actions: []plan.Action{{Variant: "a", Kind: plan.Create}}}, nil)
	l.Event(apply.Event{Type: apply.EventStart, Variant: "a"})
	l.Event(apply.Event{Type: apply.EventLog, Variant: "a", Line: "copying path '/nix/store/x'"})
	l.Event(apply.Event{Type: apply.EventLog, Variant: "a", Line: "warning: SQLite database '/nix/var/nix/db/db.sqlite' is busy"})
	l.redraw()
	if strings.Contains(buf.String(), "SQLite") {
		t.Errorf("a SQLite-busy warning was drawn:\n%s", buf)
	}
	if got := l.running["a"].last; got != "copying path '/nix/store/x'" {
		t.Errorf("last line = %q", got)
	}
}

func TestSanitize(t *testing.T) {
	if got := Sanitize("\x1b[1mbold\x1b[0m\tline\r\x07"); got != "bold line" {
		t.Errorf("Sanitize = %q", got)
	}
}
