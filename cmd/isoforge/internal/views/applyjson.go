package views

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/plan"
)

// TimestampFormat is the @timestamp of every NDJSON message (Terraform's).
const TimestampFormat = "2006-01-02T15:04:05.000000Z07:00"

// message is the head of every `apply -json` line: Terraform's machine
// readable UI shape (internal/command/views/json/message_types.go).
// docs/apply-events.schema.json lists the fields each type carries.
type message struct {
	Level     string `json:"@level"`
	Message   string `json:"@message"`
	Timestamp string `json:"@timestamp"`
	Type      string `json:"type"`
}

// ApplyJSON writes `apply -json`: NDJSON, one message per line, starting
// with a version message.
type ApplyJSON struct {
	mu  sync.Mutex
	enc *json.Encoder
}

// NewApplyJSON starts the stream with its version message; version is
// isoforge's.
func NewApplyJSON(w io.Writer, version string) *ApplyJSON {
	a := &ApplyJSON{enc: json.NewEncoder(w)}
	a.put(struct {
		message
		FormatVersion string `json:"format_version"`
		Version       string `json:"isoforge_version"`
	}{head("info", "isoforge "+version, "version", time.Now()), FormatVersion, version})
	return a
}

func head(level, msg, typ string, t time.Time) message {
	return message{Level: level, Message: msg, Timestamp: t.UTC().Format(TimestampFormat), Type: typ}
}

// Plan writes the plan message, then one queued message per build.
func (a *ApplyJSON) Plan(pl *plan.Plan, skipped []string) {
	now := time.Now()
	a.put(struct {
		message
		Plan PlanJSON `json:"plan"`
	}{head("info", summaryLine(pl), "plan", now), NewPlanJSON(pl, false, skipped)})
	for _, act := range pl.Actions {
		if act.Builds() {
			a.put(variantMsg{head("info", act.Variant+": queued", "queued", now), act.Variant})
		}
	}
}

type variantMsg struct {
	message
	Variant string `json:"variant"`
}

// Event writes one build event with every field its type defines.
func (a *ApplyJSON) Event(e apply.Event) {
	vm := func(level, text string) variantMsg {
		return variantMsg{head(level, e.Variant+": "+text, string(e.Type), e.Time), e.Variant}
	}
	switch e.Type {
	case apply.EventStart:
		a.put(struct {
			variantMsg
			Reasons []string `json:"reasons"`
		}{vm("info", "building"), nonNil(e.Reasons)})
	case apply.EventLog:
		a.put(struct {
			variantMsg
			Stream string `json:"stream"`
			Line   string `json:"line"`
		}{vm("info", e.Line), e.Stream, e.Line})
	case apply.EventDone:
		a.put(struct {
			variantMsg
			Artifact string `json:"artifact"`
			SHA256   string `json:"sha256"`
			Size     int64  `json:"size"`
			Duration int64  `json:"duration_ns"`
			LogPath  string `json:"log_path"`
		}{vm("info", "built "+e.Artifact), e.Artifact, e.SHA256, e.Size, int64(e.Duration), e.LogPath})
	case apply.EventFailed, apply.EventCancelled:
		level, text := "error", "failed: "+e.Error
		if e.Type == apply.EventCancelled {
			level, text = "warn", "cancelled"
		}
		a.put(struct {
			variantMsg
			Error    string `json:"error"`
			Duration int64  `json:"duration_ns"`
			LogPath  string `json:"log_path"`
		}{vm(level, text), e.Error, int64(e.Duration), e.LogPath})
	}
}

// resultJSON is one row of the summary; artifact, sha256 and size appear
// only for a built variant, error and log_path only for a failed one.
type resultJSON struct {
	Variant  string `json:"variant"`
	Action   string `json:"action"`
	Result   string `json:"result"`
	Duration int64  `json:"duration_ns"`
	Artifact string `json:"artifact,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	Size     int64  `json:"size,omitempty"`
	Error    string `json:"error,omitempty"`
	LogPath  string `json:"log_path,omitempty"`
}

// Summary writes the summary message: every result and the counts.
func (a *ApplyJSON) Summary(rs []apply.Result, err error) {
	counts := map[string]int{"built": 0, "unchanged": 0, "failed": 0, "removed": 0, "cancelled": 0}
	results := make([]resultJSON, 0, len(rs))
	for _, r := range rs {
		word := ResultWord(r)
		counts[word]++
		row := resultJSON{Variant: r.Variant, Action: string(r.Kind), Result: word, Duration: int64(r.Duration)}
		switch word {
		case "built":
			row.Artifact, row.SHA256, row.Size = r.Artifact, r.SHA256, r.Size
		case "unchanged":
			row.Artifact = r.Artifact
		case "failed":
			row.Error, row.LogPath = r.Err.Error(), r.LogPath
		}
		results = append(results, row)
	}
	level, text, errText := "info", fmt.Sprintf("Apply complete: %d built, %d unchanged, %d removed", counts["built"], counts["unchanged"], counts["removed"]), ""
	if err != nil {
		level, errText = "error", err.Error()
		text = fmt.Sprintf("Apply failed: %d built, %d failed, %d cancelled: %v", counts["built"], counts["failed"], counts["cancelled"], err)
	}
	a.put(struct {
		message
		Results []resultJSON   `json:"results"`
		Counts  map[string]int `json:"counts"`
		Error   string         `json:"error"`
	}{head(level, text, "summary", time.Now()), results, counts, errText})
}

// Diagnostics writes one diagnostic message per diagnostic, for a
// configuration that does not load.
func (a *ApplyJSON) Diagnostics(diags hcl.Diagnostics, files map[string]*hcl.File) {
	for _, d := range NewDiagnostics(diags, files) {
		level := "error"
		if d.Severity == "warning" {
			level = "warn"
		}
		a.put(struct {
			message
			Diagnostic Diagnostic `json:"diagnostic"`
		}{head(level, d.Summary, "diagnostic", time.Now()), d})
	}
}

// Error writes an error that is not a diagnostic as one.
func (a *ApplyJSON) Error(err error) {
	a.Diagnostics(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: err.Error()}}, nil)
}

func (a *ApplyJSON) put(x any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	_ = a.enc.Encode(x)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
