package apply

import (
	"context"
	"errors"
	"time"
)

// EventType names a progress event.
type EventType string

// Progress events, in the order a build emits them.
const (
	EventStart  EventType = "start"
	EventLog    EventType = "log"
	EventDone   EventType = "done"
	EventFailed EventType = "failed"
	// EventCancelled ends a build stopped by cancellation (Ctrl-C, or
	// -on-error=abort after another build failed): not a failure of its own.
	EventCancelled EventType = "cancelled"
)

// Event is one progress report; views turn them into live lines, CI
// log lines or NDJSON.
type Event struct {
	Time     time.Time     `json:"time"`
	Type     EventType     `json:"type"`
	Variant  string        `json:"variant"`
	Reasons  []string      `json:"reasons,omitempty"`
	Stream   string        `json:"stream,omitempty"`
	Line     string        `json:"line,omitempty"`
	Artifact string        `json:"artifact,omitempty"`
	SHA256   string        `json:"sha256,omitempty"`
	Size     int64         `json:"size,omitempty"`
	Duration time.Duration `json:"duration_ns,omitempty"`
	Error    string        `json:"error,omitempty"`
	// LogPath is the build's full log, on done, failed and cancelled.
	LogPath string `json:"log_path,omitempty"`
}

func emit(o Options, e Event) {
	if o.Events == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	o.Events(e)
}

func doneEvent(r Result) Event {
	e := Event{Type: EventDone, Variant: r.Variant, Artifact: r.Artifact, SHA256: r.SHA256, Size: r.Size, Duration: r.Duration, LogPath: r.LogPath}
	switch {
	case errors.Is(r.Err, context.Canceled):
		e = Event{Type: EventCancelled, Variant: r.Variant, Duration: r.Duration, LogPath: r.LogPath}
	case r.Err != nil:
		e = Event{Type: EventFailed, Variant: r.Variant, Error: r.Err.Error(), Duration: r.Duration, LogPath: r.LogPath}
	}
	return e
}
