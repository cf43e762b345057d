package spec

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec/lazyregexp"
)

var nixpkgsSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "channel"}, {Name: "rev"}, {Name: "path"}}}

func decodeNixpkgsBlock(block *hcl.Block, ctx *hcl.EvalContext, dir string) (Nixpkgs, hcl.Diagnostics) {
	n := Nixpkgs{Range: block.DefRange}
	content, diags := block.Body.Content(nixpkgsSchema)
	diags = append(diags, decodeString(content.Attributes["channel"], ctx, &n.Channel)...)
	diags = append(diags, decodeString(content.Attributes["rev"], ctx, &n.Rev)...)
	diags = append(diags, decodeString(content.Attributes["path"], ctx, &n.Path)...)
	if diags.HasErrors() {
		return n, diags
	}
	set := 0
	for _, s := range []string{n.Channel, n.Rev, n.Path} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		return n, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Ambiguous nixpkgs source", Subject: block.DefRange.Ptr(),
			Detail: `Set exactly one of channel (e.g. "nixos-24.11"), rev (a 40-hex nixpkgs commit) or path (a local checkout).`,
		})
	}
	if a := content.Attributes["rev"]; n.Rev != "" && !ValidRev(n.Rev) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Invalid nixpkgs revision", Subject: a.Expr.Range().Ptr(),
			Detail: fmt.Sprintf("%q is not a full git commit: give all 40 lowercase hex digits.", n.Rev),
		})
	}
	if a := content.Attributes["channel"]; a != nil {
		diags = append(diags, checkChannel(n.Channel, a)...)
	}
	if n.Path != "" {
		n.Path = normalizeLocalPath(dir, n.Path)
		diags = append(diags, nixpkgsPathInside(n.Path, content.Attributes["path"])...)
	}
	return n, diags
}

// normalizeLocalPath keeps paths inside the configuration relative (so
// hashes do not depend on the checkout location) and makes others absolute.
func normalizeLocalPath(dir, p string) string {
	abs := p
	if !filepath.IsAbs(p) {
		abs = filepath.Join(dir, p)
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return filepath.Clean(abs)
	}
	return filepath.ToSlash(rel)
}

var runtimeSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "engine"}, {Name: "host"}, {Name: "image"}, {Name: "parallelism"}, {Name: "nix_volume"}, {Name: "memory_mib"},
}}

var volumeRe = lazyregexp.New(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

func decodeRuntimeBlock(block *hcl.Block, ctx *hcl.EvalContext, rt *Runtime) hcl.Diagnostics {
	content, diags := block.Body.Content(runtimeSchema)
	diags = append(diags, decodeString(content.Attributes["engine"], ctx, &rt.Engine)...)
	diags = append(diags, decodeString(content.Attributes["image"], ctx, &rt.Image)...)
	diags = append(diags, decodeString(content.Attributes["host"], ctx, &rt.Host)...)
	if a := content.Attributes["host"]; a != nil && !diags.HasErrors() {
		diags = append(diags, checkHost(rt.Host, a.Expr.Range())...)
	}
	diags = append(diags, decodeWholeNumber(content.Attributes["parallelism"], ctx, &rt.Parallelism, 1, 1024,
		"parallelism is how many builds run at once: a whole number from 1 to 1024.")...)
	diags = append(diags, decodeString(content.Attributes["nix_volume"], ctx, &rt.NixVolume)...)
	diags = append(diags, decodeWholeNumber(content.Attributes["memory_mib"], ctx, &rt.MemoryMiB, 512, 1<<22,
		"memory_mib is the builder's memory limit in MiB: a whole number of at least 512 (NixOS ISO builds want several GiB, e.g. 8192).")...)
	engines := []string{"auto", "docker", "podman"}
	if a := content.Attributes["engine"]; a != nil && !contains(engines, rt.Engine) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Unknown runtime engine", Subject: a.Expr.Range().Ptr(),
			Detail: fmt.Sprintf("%q is not an engine: use auto, podman or docker.%s", rt.Engine, didYouMean(rt.Engine, engines)),
		})
	}
	if a := content.Attributes["image"]; a != nil && (rt.Image == "" || strings.ContainsAny(rt.Image, " \t\n") || strings.IndexFunc(rt.Image, isControl) >= 0) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Invalid builder image", Subject: a.Expr.Range().Ptr(),
			Detail: fmt.Sprintf("%q is not an image reference such as %q.", rt.Image, DefaultImage),
		})
	}
	if a := content.Attributes["nix_volume"]; a != nil && !volumeRe.MatchString(rt.NixVolume) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Invalid volume name", Subject: a.Expr.Range().Ptr(),
			Detail: fmt.Sprintf("%q is not a volume name: use letters, digits, '_', '.' and '-'.", rt.NixVolume),
		})
	}
	return diags
}

var isoforgeSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "output_dir"}}}

func decodeIsoforgeBlock(block *hcl.Block, ctx *hcl.EvalContext, cfg *Config) hcl.Diagnostics {
	content, diags := block.Body.Content(isoforgeSchema)
	attr := content.Attributes["output_dir"]
	diags = append(diags, decodeString(attr, ctx, &cfg.OutputDir)...)
	if attr == nil || diags.HasErrors() {
		return diags
	}
	clean := filepath.ToSlash(filepath.Clean(cfg.OutputDir))
	if escapes(clean) || clean == "." || strings.HasPrefix(clean, ".isoforge") || strings.IndexFunc(clean, isControl) >= 0 {
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Invalid output directory", Subject: attr.Expr.Range().Ptr(),
			Detail: fmt.Sprintf("%q must be a subdirectory of the configuration directory, such as \"out\", and not .isoforge.", cfg.OutputDir),
		})
	}
	cfg.OutputDir = clean
	return diags
}

// escapes reports whether a cleaned relative slash path leaves its root.
func escapes(p string) bool {
	return filepath.IsAbs(p) || p == ".." || strings.HasPrefix(p, "../")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nixpkgsPathInside refuses a nixpkgs path from isos.hcl that leaves the
// configuration directory: the builder mounts it and the fingerprint
// reads it, so a cloned repository could otherwise expose any directory
// of the host. A checkout elsewhere is given on the command line
// (ISOFORGE_NIXPKGS_PATH), which the user controls.
func nixpkgsPathInside(p string, attr *hcl.Attribute) hcl.Diagnostics {
	if strings.IndexFunc(p, isControl) >= 0 {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError, Summary: "Control character in nixpkgs path", Subject: attr.Expr.Range().Ptr(),
			Detail: fmt.Sprintf("%q holds a control character; give a plain directory path.", p),
		}}
	}
	if !escapes(p) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError, Summary: "nixpkgs path outside the configuration", Subject: attr.Expr.Range().Ptr(),
		Detail: fmt.Sprintf("%q leaves the directory of isos.hcl, and isoforge reads nothing outside it on a repository's word. Put the checkout inside the directory, or set ISOFORGE_NIXPKGS_PATH.", p),
	}}
}
