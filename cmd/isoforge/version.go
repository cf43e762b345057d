package main

import (
	"fmt"
	"runtime/debug"

	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/engine/render"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// versionInfo is `isoforge version -json` (docs/json.md, docs/version.schema.json).
type versionInfo struct {
	FormatVersion string `json:"format_version"`
	Version       string `json:"isoforge_version"`
	Renderer      string `json:"renderer_version"`
	GoVersion     string `json:"go_version"`
}

func currentVersion() versionInfo {
	goVersion := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
	}
	return versionInfo{FormatVersion: views.FormatVersion, Version: version, Renderer: render.Version, GoVersion: goVersion}
}

func (v versionInfo) String() string {
	return fmt.Sprintf("isoforge %s (renderer v%s, %s)", v.Version, v.Renderer, v.GoVersion)
}

func newVersionCmd(s *streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the isoforge version (also: isoforge -version)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON {
				return views.WriteJSON(s.out, currentVersion())
			}
			views.New(s.out, s.err, false).Line(currentVersion())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the version as JSON")
	return cmd
}
