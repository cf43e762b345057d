package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// parseVarFile reads a -var-file (HCL, or JSON by its .json suffix). A
// file that cannot be read is reported with the reason, which hclparse's
// own "could not be read" leaves out; syntax errors come from the parser
// with their file, line and column.
func (l *Loader) parseVarFile(path string) (*hcl.File, hcl.Diagnostics) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError, Summary: "Cannot read -var-file",
			Detail: fmt.Sprintf("-var-file %s: %s. %s", path, readReason(err), "Paths are relative to the current directory (after -chdir)."),
		}}
	}
	if strings.HasSuffix(path, ".json") {
		return l.parser.ParseJSON(src, path)
	}
	return l.parser.ParseHCL(src, path)
}

func readReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
