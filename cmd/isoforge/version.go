package main

import (
	"fmt"
	"runtime/debug"

	"github.com/isoforge/isoforge/engine/render"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func newVersionCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the isoforge version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			goVersion := "unknown"
			if bi, ok := debug.ReadBuildInfo(); ok {
				goVersion = bi.GoVersion
			}
			_, err := fmt.Fprintf(s.out, "isoforge %s (renderer v%s, %s)\n", version, render.Version, goVersion)
			return err
		},
	}
}
