package apply

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/render"
	"github.com/isoforge/isoforge/spec"
	"github.com/isoforge/isoforge/spec/lazyregexp"
)

// logMapper rewrites what Nix prints inside the builder into the user's
// terms: container paths become paths in the configuration directory,
// positions in the rendered iso.nix become positions in isos.hcl, and
// the --show-trace hint names isoforge's flag.
type logMapper struct {
	dir     string
	variant spec.Variant
	module  render.Rendered
	nixFile string
}

func newLogMapper(dir string, act plan.Action) *logMapper {
	m := &logMapper{dir: dir, variant: act.Spec, module: act.Module}
	if strings.TrimSpace(act.Spec.Nix) != "" {
		m.nixFile = render.NixModuleFile(act.Spec)
	}
	return m
}

// isoNixPos matches a position in the rendered module, as Nix prints it
// ("at /isoforge/work/iso.nix:21:5"); the column is optional.
var isoNixPos = lazyregexp.New(regexp.QuoteMeta(workMount+"/iso.nix") + `(?::(\d+)(?::(\d+))?)?`)

// Line maps one line of output.
func (m *logMapper) Line(line string) string {
	if m == nil {
		return line
	}
	if strings.Contains(line, workMount+"/iso.nix") {
		line = isoNixPos.ReplaceAllStringFunc(line, m.isoNix)
	}
	if m.nixFile != "" && strings.Contains(line, m.nixFile) {
		line = strings.ReplaceAll(line, m.nixFile, m.nixFileAt())
	}
	line = strings.ReplaceAll(line, render.SrcMount+"/", "")
	return strings.ReplaceAll(line, "use '--show-trace'", "use 'isoforge apply -show-trace'")
}

// isoNix maps one iso.nix position to where its line came from.
func (m *logMapper) isoNix(match string) string {
	sub := isoNixPos.FindStringSubmatch(match)
	line, _ := strconv.Atoi(sub[1])
	col, _ := strconv.Atoi(sub[2])
	rendered := fmt.Sprintf("the module rendered for variant %s (isoforge render %s)", m.variant.Name, m.variant.Name)
	o, ok := m.module.OriginOf(line)
	if !ok {
		if line > 0 {
			return fmt.Sprintf("line %d of %s", line, rendered)
		}
		return rendered
	}
	if o.Attr == "nix" && o.Line > 0 {
		if col < 1 {
			col = 1
		}
		p, _ := m.variant.NixSource.Pos(o.Line, col)
		return fmt.Sprintf("%s:%d:%d (variant %s, attribute nix)", m.variant.NixSource.File, p.Line, p.Column, m.variant.Name)
	}
	r, ok := m.variant.Ranges[o.Attr]
	if !ok {
		return fmt.Sprintf("line %d of %s", line, rendered)
	}
	return fmt.Sprintf("%s:%d:%d (variant %s, attribute %s; line %d of isoforge render %s)",
		spec.RelFile(m.dir, r.Filename), r.Start.Line, r.Start.Column, m.variant.Name, o.Attr, line, m.variant.Name)
}

// nixFileAt is the nix module's file name with the line its value was
// written on (not rendered into the module: moving the block must not
// rebuild).
func (m *logMapper) nixFileAt() string {
	src := m.variant.NixSource
	return fmt.Sprintf("%s:%d (variant %s, attribute nix)", src.File, src.Expr.Start.Line, m.variant.Name)
}
