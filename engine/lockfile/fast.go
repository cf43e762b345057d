package lockfile

import (
	"bytes"
	"strconv"
	"strings"
)

// parseCanonical reads a lockfile in exactly the form Bytes writes,
// without the HCL parser (which takes seconds on a 10,000-variant lock,
// and CI plans on fresh clones have no parse cache). It accepts src only
// when rendering what it read gives back src byte for byte, so it never
// accepts anything Parse would read differently; anything else, and any
// value the checks refuse, goes to Parse for its diagnostics.
func parseCanonical(src []byte) (*Lock, bool) {
	text, ok := strings.CutPrefix(string(src), header)
	if !ok {
		return nil, false
	}
	l := New()
	r := &lineReader{lines: strings.Split(text, "\n")}
	for r.next() {
		if r.line == "" {
			continue
		}
		if !l.readBlock(r) {
			return nil, false
		}
	}
	if l.pin != nil && len(checkPin(*l.pin)) > 0 || l.builder != nil && len(checkBuilder(*l.builder)) > 0 {
		return nil, false
	}
	for n, e := range l.variants {
		if len(checkEntry(n, e)) > 0 {
			return nil, false
		}
	}
	if !bytes.Equal(l.Bytes(), src) {
		return nil, false
	}
	return l, true
}

type lineReader struct {
	lines []string
	i     int
	line  string
	// inputs is the last inputs object read.
	inputs map[string]string
}

func (r *lineReader) next() bool {
	if r.i >= len(r.lines) {
		return false
	}
	r.line = r.lines[r.i]
	r.i++
	return true
}

// readBlock reads one top-level block whose opening line is r.line.
func (l *Lock) readBlock(r *lineReader) bool {
	switch {
	case r.line == "nixpkgs {" && l.pin == nil:
		attrs, ok := readAttrs(r)
		p := Pin{Channel: attrs["channel"], Rev: attrs["rev"], URL: attrs["url"], Path: attrs["path"], NarHash: attrs["nar_hash"]}
		l.pin = &p
		return ok
	case r.line == "builder {" && l.builder == nil:
		attrs, ok := readAttrs(r)
		l.builder = &Builder{Image: attrs["image"], ID: attrs["id"]}
		return ok
	case strings.HasPrefix(r.line, "variant ") && strings.HasSuffix(r.line, " {"):
		return l.readVariant(r)
	}
	return false
}

func (l *Lock) readVariant(r *lineReader) bool {
	name, ok := unquote(strings.TrimSuffix(strings.TrimPrefix(r.line, "variant "), " {"))
	if _, dup := l.variants[name]; !ok || dup {
		return false
	}
	attrs, ok := readAttrs(r)
	if !ok {
		return false
	}
	size, err := strconv.ParseInt(attrs["size"], 10, 64)
	if err != nil {
		return false
	}
	l.variants[name] = Entry{InputsHash: attrs["inputs_hash"], Format: attrs["format"], Artifact: attrs["artifact"],
		SHA256: attrs["sha256"], Size: size, Inputs: r.inputs}
	r.inputs = nil
	return true
}

// readAttrs reads "name = value" lines up to the closing brace, and an
// inputs object into r.inputs. Strings are unquoted; numbers kept as text.
func readAttrs(r *lineReader) (map[string]string, bool) {
	attrs := map[string]string{}
	for r.next() {
		line := strings.TrimSpace(r.line)
		switch {
		case line == "}":
			return attrs, true
		case line == "inputs = {":
			if r.inputs = readInputs(r); r.inputs == nil {
				return nil, false
			}
			continue
		}
		name, val, ok := strings.Cut(line, " = ")
		name = strings.TrimSpace(name)
		if !ok {
			return nil, false
		}
		if v, isStr := unquote(val); isStr {
			val = v
		}
		attrs[name] = val
	}
	return nil, false
}

func readInputs(r *lineReader) map[string]string {
	m := map[string]string{}
	for r.next() {
		line := strings.TrimSpace(r.line)
		if line == "}" {
			return m
		}
		// The padding sits between the key's closing quote and " = ".
		i := strings.LastIndex(line, ` = "`)
		if i < 0 {
			return nil
		}
		key, ok1 := unquote(strings.TrimRight(line[:i], " "))
		val, ok2 := unquote(line[i+3:])
		if !ok1 || !ok2 {
			return nil
		}
		m[key] = val
	}
	return nil
}

// unquote reverses quote for the strings quote writes; anything else
// fails (and the rendering check catches what slips through).
func unquote(s string) (string, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false
	}
	s = s[1 : len(s)-1]
	if !strings.ContainsAny(s, `\$%"`) {
		return s, true
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, "$${", "${"), "%%{", "%{")
	v, err := strconv.Unquote(`"` + s + `"`)
	return v, err == nil
}
