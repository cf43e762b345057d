package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// streams are the process's standard streams, injected for tests.
type streams struct {
	in  io.Reader
	out io.Writer
	err io.Writer
	// interrupt records signals; nil in tests that never signal.
	interrupt *interruption
}

// globals are the flags every command takes.
type globals struct {
	chdir   string
	noColor bool
}

func newRootCmd(s *streams) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "isoforge",
		Short: "Build custom NixOS installer ISOs from isos.hcl, rebuilding only what changed",
		Long: `isoforge builds NixOS installer ISOs (and other NixOS images) declared in
isos.hcl, inside Podman or Docker containers, without Nix on the host.
It pins nixpkgs and every variant's input hash in isos.lock.hcl and
rebuilds only the variants whose inputs changed.

Flags take one dash or two: -check and --check are the same.`,
		Version:       currentVersion().Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if g.chdir == "" {
				return nil
			}
			if err := os.Chdir(g.chdir); err != nil {
				return &exitError{code: exitError1, err: fmt.Errorf("-chdir: %w", err)}
			}
			return nil
		},
	}
	// Unknown commands get a did-you-mean within two edits; main adds it
	// on one line (cobra's own text spans several).
	root.SuggestionsMinimumDistance = 2
	root.DisableSuggestions = true
	root.SetVersionTemplate(currentVersion().String() + "\n")
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.PersistentFlags().StringVar(&g.chdir, "chdir", "", "switch to `DIR` before doing anything else")
	root.PersistentFlags().BoolVar(&g.noColor, "no-color", false, "disable colors (also when NO_COLOR is set)")
	root.AddCommand(
		newValidateCmd(s, g),
		newFmtCmd(s),
		newRenderCmd(s, g),
		newInitCmd(s),
		newVersionCmd(s),
		newPlanCmd(s, g),
		newApplyCmd(s, g),
		newLockCmd(s, g),
		newCleanCmd(s, g),
		newDoctorCmd(s, g),
		newShowCmd(s, g),
		newListCmd(s, g),
		newFormatsCmd(s),
		newTestCmd(s, g),
		newRunCmd(s, g),
	)
	for _, c := range root.Commands() {
		registerCompletions(c, &configFlags{})
	}
	return root
}
