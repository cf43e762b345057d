package main

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/workspace"
)

// options turns the flags into plan options. -replace takes globs like
// -target; each is expanded here against the configured variants, so a
// pattern that matches nothing is an error with a did-you-mean.
func (p *planFlags) options(ws *workspace.Workspace) (plan.Options, error) {
	names := ws.Cfg.VariantNames()
	var replace []string
	for _, pat := range p.replace {
		if _, err := path.Match(pat, ""); err != nil {
			return plan.Options{}, fmt.Errorf("-replace %q is not a valid glob (%w); use * ? and [...]", pat, err)
		}
		matched := matching(pat, names)
		if len(matched) == 0 {
			return plan.Options{}, fmt.Errorf("-replace %q matches no variant%s; variants: %s", pat, suggest(pat, names), strings.Join(names, ", "))
		}
		replace = append(replace, matched...)
	}
	slices.Sort(replace)
	return plan.Options{Targets: p.targets, Replace: slices.Compact(replace), Verify: p.verify, NoRefresh: !p.refresh, Prune: p.prune}, nil
}

// skipped lists the configured and locked variants -target leaves out.
func (p *planFlags) skipped(ws *workspace.Workspace) []string {
	if len(p.targets) == 0 {
		return nil
	}
	all := append(ws.Cfg.VariantNames(), ws.Lock.VariantNames()...)
	slices.Sort(all)
	var out []string
	for _, n := range slices.Compact(all) {
		if !slices.ContainsFunc(p.targets, func(t string) bool { ok, _ := path.Match(t, n); return ok }) {
			out = append(out, n)
		}
	}
	return out
}

func matching(pattern string, names []string) []string {
	var out []string
	for _, n := range names {
		if ok, _ := path.Match(pattern, n); ok {
			out = append(out, n)
		}
	}
	return out
}
