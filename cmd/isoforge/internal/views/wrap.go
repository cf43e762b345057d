package views

import (
	"bytes"
	"io"
	"strings"
)

// wrapWriter wraps text written to a terminal one column before its
// width, at a space when there is one, so no line the human view prints
// is longer than the terminal: a line the terminal wrapped itself would
// break the live block's cursor arithmetic. Continuation lines are
// indented by two. Escape sequences take no columns.
type wrapWriter struct {
	w     io.Writer
	width func() int
	col   int
}

func (ww *wrapWriter) Write(p []byte) (int, error) {
	limit := ww.width() - 1
	var out bytes.Buffer
	segs := strings.SplitAfter(string(p), "\n")
	for _, seg := range segs {
		line, nl := strings.CutSuffix(seg, "\n")
		ww.writeLine(&out, line, limit)
		if nl {
			out.WriteByte('\n')
			ww.col = 0
		}
	}
	if _, err := ww.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeLine writes one piece of a line, wrapping it when it would reach
// the limit.
func (ww *wrapWriter) writeLine(out *bytes.Buffer, line string, limit int) {
	if i := strings.LastIndexByte(line, '\r'); i >= 0 {
		out.WriteString(line[:i+1])
		line, ww.col = line[i+1:], 0
	}
	for limit > 8 && ww.col+visibleLen(line) > limit {
		cut := breakAt(line, limit-ww.col)
		out.WriteString(strings.TrimRight(line[:cut], " "))
		out.WriteString("\n  ")
		line, ww.col = strings.TrimLeft(line[cut:], " "), 2
	}
	out.WriteString(line)
	ww.col += visibleLen(line)
}

// breakAt returns the byte offset to break line at so that at most room
// columns precede it: after the last space that fits, else at room.
func breakAt(line string, room int) int {
	room = max(room, 1)
	cols, lastSpace, hard := 0, -1, len(line)
	for i := 0; i < len(line); {
		if line[i] == '\x1b' {
			i = escapeEnd(line, i)
			continue
		}
		if cols == room {
			hard = i
			break
		}
		if line[i] == ' ' {
			lastSpace = i
		}
		i += runeLen(line[i])
		cols++
	}
	if lastSpace >= 0 && hard < len(line) {
		return lastSpace + 1
	}
	return hard
}

// visibleLen counts the columns s takes: runes outside escape sequences.
func visibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			i = escapeEnd(s, i)
			continue
		}
		i += runeLen(s[i])
		n++
	}
	return n
}

// escapeEnd returns the offset just after the CSI sequence at i.
func escapeEnd(s string, i int) int {
	j := i + 1
	if j < len(s) && s[j] == '[' {
		j++
		for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
			j++
		}
	}
	return min(j+1, len(s))
}

// runeLen is the byte length of the UTF-8 sequence starting with b.
func runeLen(b byte) int {
	switch {
	case b < 0x80:
		return 1
	case b>>5 == 0x6:
		return 2
	case b>>4 == 0xe:
		return 3
	case b>>3 == 0x1e:
		return 4
	}
	return 1
}
