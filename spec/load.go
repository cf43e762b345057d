package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
)

// FileName is the main configuration file; files named *.isos.hcl in the
// same directory belong to the same configuration.
const FileName = "isos.hcl"

// Options are the inputs of a load that do not come from the files.
type Options struct {
	// Vars are -var and -var-file arguments in command-line order.
	Vars []VarArg
	// Env is the process environment (os.Environ()), for ISOFORGE_VAR_*.
	Env []string
	// Image overrides runtime.image (mirrors, air-gapped builds, tests).
	Image string
	// NixpkgsPath replaces the nixpkgs block with a local checkout.
	NixpkgsPath string
}

// Loader reads configurations and keeps their sources so diagnostics can
// be printed with snippets.
type Loader struct {
	parser *hclparse.Parser
}

// NewLoader returns a Loader.
func NewLoader() *Loader {
	return &Loader{parser: hclparse.NewParser()}
}

// Files returns the parsed files by name, for diagnostic printing.
func (l *Loader) Files() map[string]*hcl.File {
	return l.parser.Files()
}

var rootSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"}, {Type: "nixpkgs"}, {Type: "runtime"}, {Type: "isoforge"}, {Type: "defaults"},
	{Type: "variant", LabelNames: []string{"name"}},
	{Type: "builder", LabelNames: []string{"name"}},
	{Type: "cache"},
}}

// ConfigFiles lists the configuration files of dir, sorted.
func ConfigFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot read configuration directory: %w", err)
	}
	var files []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && (n == FileName || strings.HasSuffix(n, "."+FileName)) {
			files = append(files, n)
		}
	}
	sort.Strings(files)
	return files, nil
}

// Load decodes the configuration in dir in phases: variables, locals,
// settings, then variants, each phase seeing the values of the ones before.
func (l *Loader) Load(dir string, opts Options) (*Config, hcl.Diagnostics) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, errorDiag("Invalid configuration directory", err.Error())
	}
	names, err := ConfigFiles(dir)
	if err != nil {
		return nil, errorDiag("Cannot read configuration", err.Error())
	}
	if len(names) == 0 {
		return nil, errorDiag("No configuration files",
			fmt.Sprintf("%s holds no %s or *.%s file. Run `isoforge init` to write a starter configuration.", dir, FileName, FileName))
	}
	cfg := &Config{Dir: abs, Files: names, OutputDir: DefaultOutputDir, Runtime: Runtime{
		Engine: DefaultEngine, Image: DefaultImage, Parallelism: DefaultParallelism,
	}}
	blocks, diags := l.parseAll(dir, names)
	if diags.HasErrors() {
		return cfg, diags
	}
	d := &decoder{cfg: cfg, blocks: blocks, fnCtx: &hcl.EvalContext{Functions: functions(abs)}, nixpkgsPathOverride: opts.NixpkgsPath,
		files: l.parser.Files(), addSource: func(name string, src []byte) { l.parser.AddFile(name, &hcl.File{Bytes: src}) }}
	diags = append(diags, d.decode(opts, l.parseVarFile)...)
	redact(diags, d.secrets)
	return cfg, diags
}

// parseVarFile parses a -var-file named on the command line: it may lie
// anywhere, but is bounded like every input.
func (l *Loader) parseVarFile(path string) (*hcl.File, hcl.Diagnostics) {
	src, err := readBoundedFile(path, MaxFileBytes)
	if err != nil {
		return nil, errorDiag("Cannot read variables file", fmt.Sprintf("%s. Check the -var-file argument.", err))
	}
	if strings.HasSuffix(path, ".json") {
		if diags := CheckInputBounds(src, path, SourceJSON, MaxFileBytes); diags.HasErrors() {
			return nil, diags
		}
		return l.parser.ParseJSON(src, path)
	}
	if diags := CheckInputBounds(src, path, SourceConfig, MaxFileBytes); diags.HasErrors() {
		return nil, diags
	}
	return l.parser.ParseHCL(src, path)
}

// parseConfigFile reads one configuration file through the directory's
// root (a *.isos.hcl symlink cannot point outside it) and parses it once
// it passed the input bounds.
func (l *Loader) parseConfigFile(dir, name string) (*hcl.File, hcl.Diagnostics) {
	filename := filepath.Join(dir, name)
	src, err := ReadConfined(dir, name, MaxFileBytes)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError, Summary: "Cannot read configuration file",
			Subject: &hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos},
			Detail:  err.Error() + ".",
		}}
	}
	if diags := CheckInputBounds(src, filename, SourceConfig, MaxFileBytes); diags.HasErrors() {
		return nil, diags
	}
	f, diags := parseSplit(src, filename)
	l.parser.AddFile(filename, f)
	return f, diags
}

func (l *Loader) parseAll(dir string, names []string) (map[string][]*hcl.Block, hcl.Diagnostics) {
	blocks := map[string][]*hcl.Block{}
	var diags hcl.Diagnostics
	for _, n := range names {
		f, pDiags := l.parseConfigFile(dir, n)
		diags = append(diags, pDiags...)
		if f == nil || pDiags.HasErrors() {
			continue
		}
		content, cDiags := f.Body.Content(rootSchema)
		diags = append(diags, cDiags...)
		for _, b := range content.Blocks {
			blocks[b.Type] = append(blocks[b.Type], b)
		}
	}
	return blocks, diags
}

// decoder carries the state of one load between its phases.
type decoder struct {
	cfg    *Config
	blocks map[string][]*hcl.Block
	fnCtx  *hcl.EvalContext
	ctx    *hcl.EvalContext

	nixpkgsPathOverride string
	// files are the parsed configuration files, whose bytes map nix
	// bodies back to their lines.
	files map[string]*hcl.File
	// secrets are the texts of sensitive values, redacted from diagnostics.
	secrets []string
	// addSource registers a module file's bytes so diagnostics in it
	// print a snippet.
	addSource func(name string, src []byte)
	// vars are the declared variables, for checks of where a value
	// comes from.
	vars map[string]*variable
}

// source returns the bytes of a parsed configuration file, or nil.
func (d *decoder) source(name string) []byte {
	if f, ok := d.files[name]; ok {
		return f.Bytes
	}
	return nil
}

func (d *decoder) decode(opts Options, parse func(string) (*hcl.File, hcl.Diagnostics)) hcl.Diagnostics {
	vars, diags := d.decodeVariables()
	d.vars = vars
	vals, vDiags := variableValues(vars, opts, d.fnCtx, parse)
	diags = append(diags, vDiags...)
	if diags.HasErrors() {
		return diags
	}
	d.secrets = secretTexts(vars, vals)
	markSensitive(vars, vals)
	diags = append(diags, checkValidations(vars, vals, d.fnCtx)...)
	d.ctx = d.fnCtx.NewChild()
	d.ctx.Variables = map[string]cty.Value{"var": cty.ObjectVal(vals)}
	locals, lDiags := d.decodeLocals()
	diags = append(diags, lDiags...)
	d.ctx.Variables["local"] = cty.ObjectVal(locals)
	diags = append(diags, d.decodeSettings()...)
	diags = append(diags, d.decodeBuilders()...)
	d.applyOverrides(opts)
	diags = append(diags, d.decodeVariants()...)
	return diags
}

// applyOverrides puts command-line and environment overrides of the
// settings into effect; they enter fingerprints like any setting.
func (d *decoder) applyOverrides(opts Options) {
	if opts.Image != "" {
		d.cfg.Runtime.Image = opts.Image
	}
	if opts.NixpkgsPath != "" {
		d.cfg.Nixpkgs = Nixpkgs{Path: normalizeLocalPath(d.cfg.Dir, opts.NixpkgsPath), Range: d.cfg.Nixpkgs.Range}
	}
	if d.cfg.Runtime.NixVolume == "" {
		d.cfg.Runtime.NixVolume = NixVolumeFor(d.cfg.Runtime.Image)
	}
}

func (d *decoder) decodeVariables() (map[string]*variable, hcl.Diagnostics) {
	vars := map[string]*variable{}
	var diags hcl.Diagnostics
	for _, b := range d.blocks["variable"] {
		v, vDiags := decodeVariableBlock(b, d.fnCtx)
		diags = append(diags, vDiags...)
		if first, dup := vars[v.Name]; dup {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Duplicate variable declaration", Subject: b.LabelRanges[0].Ptr(),
				Detail: fmt.Sprintf("A variable named %q was already declared at %s. Variable names must be unique.", v.Name, first.DeclRange),
			})
			continue
		}
		vars[v.Name] = v
	}
	return vars, diags
}

func (d *decoder) decodeLocals() (map[string]cty.Value, hcl.Diagnostics) {
	attrs := map[string]*hcl.Attribute{}
	var diags hcl.Diagnostics
	for _, b := range d.blocks["locals"] {
		battrs, aDiags := b.Body.JustAttributes()
		diags = append(diags, aDiags...)
		for name, a := range battrs {
			if first, dup := attrs[name]; dup {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError, Summary: "Duplicate local value", Subject: a.NameRange.Ptr(),
					Detail: fmt.Sprintf("Local %q was already defined at %s.", name, first.NameRange),
				})
				continue
			}
			attrs[name] = a
		}
	}
	vals, lDiags := evalLocals(attrs, d.ctx)
	return vals, append(diags, lDiags...)
}

func (d *decoder) decodeSettings() hcl.Diagnostics {
	var diags hcl.Diagnostics
	single := func(kind string, fn func(*hcl.Block) hcl.Diagnostics) {
		for i, b := range d.blocks[kind] {
			if i > 0 {
				diags = append(diags, duplicateBlock(kind, b, d.blocks[kind][0].DefRange))
				continue
			}
			diags = append(diags, fn(b)...)
		}
	}
	single("nixpkgs", func(b *hcl.Block) hcl.Diagnostics {
		n, nDiags := decodeNixpkgsBlock(b, d.ctx, d.cfg.Dir)
		d.cfg.Nixpkgs = n
		return nDiags
	})
	single("runtime", func(b *hcl.Block) hcl.Diagnostics { return decodeRuntimeBlock(b, d.ctx, &d.cfg.Runtime) })
	single("isoforge", func(b *hcl.Block) hcl.Diagnostics { return decodeIsoforgeBlock(b, d.ctx, d.cfg) })
	single("cache", func(b *hcl.Block) hcl.Diagnostics {
		c, cDiags := decodeCacheBlock(b, d.ctx, d.vars)
		d.cfg.Cache = c
		return cDiags
	})
	if len(d.blocks["nixpkgs"]) == 0 && d.nixpkgsPathOverride == "" {
		diags = append(diags, errorDiag("Missing nixpkgs block",
			"Say which nixpkgs to build with, e.g. nixpkgs { channel = \"nixos-24.11\" }; isoforge pins it in isos.lock.hcl.")...)
	}
	return diags
}

func (d *decoder) decodeVariants() hcl.Diagnostics {
	var diags hcl.Diagnostics
	defaults := map[string]field{}
	for i, b := range d.blocks["defaults"] {
		if i > 0 {
			diags = append(diags, duplicateBlock("defaults", b, d.blocks["defaults"][0].DefRange))
			continue
		}
		rv, rDiags := decodeSettingsBody(b, false)
		fields, fDiags := evalSettings(rv, d.ctx)
		defaults = fields
		diags = append(diags, append(rDiags, fDiags...)...)
	}
	var all []*instance
	for _, b := range d.blocks["variant"] {
		rv, rDiags := decodeSettingsBody(b, true)
		diags = append(diags, rDiags...)
		insts, iDiags := expandVariant(rv, d.ctx)
		diags = append(diags, iDiags...)
		all = append(all, insts...)
	}
	sortInstances(all)
	byName, nDiags := indexInstances(all)
	diags = append(diags, nDiags...)
	r := &resolver{defaults: defaults, byName: byName, done: map[string]map[string]field{}, visiting: map[string]bool{}}
	files := map[string]string{}
	nix := newNixChecker(d.cfg.Dir, d.cfg.OutputDir, d.addSource)
	defer nix.parses.close()
	memo := newCheckMemo()
	var check []int // variants whose Nix to check, once all are decoded
	for _, name := range sortedKeys(byName) {
		inst := byName[name]
		fields, rDiags := r.resolve(inst)
		diags = append(diags, rDiags...)
		if inst.Abstract || rDiags.HasErrors() {
			continue
		}
		v, vDiags := buildVariant(inst, fields, d.cfg.Dir, d.cfg.Nixpkgs.Channel, memo)
		v.Block, v.Lineage = inst.Block.Labels[0], r.lineage(inst)
		if f, ok := fields["nix"]; ok {
			v.NixSource = newSourceMap(d.cfg.Dir, f.Range, d.source(f.Range.Filename), v.Nix)
		}
		if !vDiags.HasErrors() {
			nix.prefetch(&v)
			check = append(check, len(d.cfg.Variants))
		}
		diags = append(diags, vDiags...)
		diags = append(diags, uniqueFileName(files, v, fields)...)
		d.cfg.Variants = append(d.cfg.Variants, v)
	}
	for _, i := range check {
		nix.checkVariant(&d.cfg.Variants[i])
	}
	diags = append(diags, nix.diags...)
	diags = append(diags, nothingBuildable(byName, d.cfg.Variants, diags)...)
	if len(byName) == 0 && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "No variants",
			Detail: "The configuration declares no variant block, so there is nothing to build. Add variant \"NAME\" {}."})
	}
	return diags
}

func uniqueFileName(seen map[string]string, v Variant, fields map[string]field) hcl.Diagnostics {
	if other, dup := seen[v.FileName]; dup {
		rng := v.DeclRange
		if f, ok := fields["file_name"]; ok {
			rng = f.Range
		}
		return hcl.Diagnostics{{
			Severity: hcl.DiagError, Summary: "Two variants write the same file", Subject: rng.Ptr(),
			Detail: fmt.Sprintf("Variants %q and %q would both write %q to the output directory. Give one a different file_name.", other, v.Name, v.FileName),
		}}
	}
	seen[v.FileName] = v.Name
	return nil
}

func errorDiag(summary, detail string) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail}}
}
