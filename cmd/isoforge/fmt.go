package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/engine/atomicfile"

	"github.com/isoforge/isoforge/spec"
	"github.com/rogpeppe/go-internal/diff"
	"github.com/spf13/cobra"
)

type fmtOptions struct {
	check, diff, recursive bool
}

func newFmtCmd(s *streams) *cobra.Command {
	var o fmtOptions
	cmd := &cobra.Command{
		Use:   "fmt [PATH...]",
		Short: "Rewrite .hcl files in the canonical format",
		Long: `Fmt rewrites isoforge's files in the canonical HCL format. In a
directory (default: the current one) those are isos.hcl, *.isos.hcl and
isos.lock.hcl; other .hcl files (Terraform, Packer, Nomad) are left
alone. A file named on the command line is formatted whatever its name
(e.g. a -var-file). "isoforge fmt -" formats stdin to stdout.

Exit status: 0 done (or nothing to change), 1 error (e.g. a syntax
error), 3 with -check when a file is not formatted.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := views.New(s.out, s.err, true)
			if len(args) == 1 && args[0] == "-" {
				return formatStdin(s.in, v, o)
			}
			if len(args) == 0 {
				args = []string{"."}
			}
			var files []string
			for _, a := range args {
				f, err := hclFiles(a, o.recursive)
				if err != nil {
					return &exitError{code: exitError1, err: err}
				}
				files = append(files, f...)
			}
			changed := false
			for _, f := range files {
				c, err := formatFile(v, f, o)
				if err != nil {
					return &exitError{code: exitError1, err: err}
				}
				changed = changed || c
			}
			if o.check && changed {
				return &exitError{code: exitFmtCheck}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&o.check, "check", false, "only check: list unformatted files and exit 3 if any")
	cmd.Flags().BoolVar(&o.diff, "diff", false, "print the changes as a unified diff")
	cmd.Flags().BoolVar(&o.recursive, "recursive", false, "also process subdirectories")
	return cmd
}

func hclFiles(path string, recursive bool) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != path && (!recursive || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		// Only regular files: a symlink or FIFO committed in a repository
		// must not make fmt read (and print) something outside it.
		if d.Type().IsRegular() && isIsoforgeFile(d.Name()) {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// isIsoforgeFile matches the files fmt formats in a directory: those the
// loader reads. The lockfile is generated in canonical form; formatting a
// large one would cost seconds for nothing (terraform fmt skips its lock
// too). Name it explicitly to check it anyway.
func isIsoforgeFile(name string) bool {
	return name == spec.FileName || strings.HasSuffix(name, "."+spec.FileName)
}

// formatStdin formats stdin to stdout, as terraform fmt - does; with
// -check it prints nothing and exits 3 when the input is not formatted.
func formatStdin(in io.Reader, v *views.View, o fmtOptions) error {
	const maxStdin = 64 << 20
	src, err := io.ReadAll(io.LimitReader(in, maxStdin))
	if err != nil {
		return &exitError{code: exitError1, err: fmt.Errorf("reading stdin: %w", err)}
	}
	if diags := spec.CheckInputBounds(src, "<stdin>", spec.SourceConfig, maxStdin); diags.HasErrors() {
		v.Diagnostics(diags)
		return &exitError{code: exitError1, err: fmt.Errorf("stdin cannot be formatted")}
	}
	if _, diags := hclsyntax.ParseConfig(src, "<stdin>", hcl.InitialPos); diags.HasErrors() {
		v.Diagnostics(diags)
		return &exitError{code: exitError1, err: fmt.Errorf("stdin has syntax errors; fix them before formatting")}
	}
	out := hclwrite.Format(src)
	switch {
	case o.check && !bytes.Equal(src, out):
		return &exitError{code: exitFmtCheck}
	case o.check:
		return nil
	case o.diff:
		err = v.Raw(diff.Diff("<stdin>", src, "<stdin>", out))
	default:
		err = v.Raw(out)
	}
	return err
}

// formatFile formats one file and reports whether it was (or would be)
// changed. Syntax errors are reported instead of formatting broken input.
func formatFile(v *views.View, path string, o fmtOptions) (bool, error) {
	src, err := spec.ReadRegularFile(path, spec.MaxFileBytes)
	if err != nil {
		return false, err
	}
	if diags := spec.CheckInputBounds(src, path, spec.SourceConfig, spec.MaxFileBytes); diags.HasErrors() {
		v.Diagnostics(diags)
		return false, fmt.Errorf("%s cannot be formatted", path)
	}
	if _, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos); diags.HasErrors() {
		v.Diagnostics(diags)
		return false, fmt.Errorf("%s has syntax errors; fix them before formatting", path)
	}
	out := hclwrite.Format(src)
	if bytes.Equal(src, out) {
		return false, nil
	}
	var d []byte
	if o.diff {
		d = diff.Diff(path, src, path, out)
	}
	v.Formatted(path, d)
	if o.check {
		return true, nil
	}
	return true, writeFileAtomic(path, out)
}

func writeFileAtomic(path string, data []byte) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, st.Mode().Perm())
}
