package main

import (
	"context"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/engine/pin"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/spec"
	"github.com/spf13/cobra"
)

func newListCmd(s *streams, g *globals) *cobra.Command {
	var cf configFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the variants: format, system, artifact and state (built, pending, drift)",
		Long: `List prints one line per buildable variant. Its state comes from
isos.lock.hcl and the artifact, offline: built (up to date), pending (not
built yet, or its inputs changed) or drift (the artifact no longer
matches the lock). Without a pinned nixpkgs every variant is pending.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := newOutput(s, g, asJSON)
			ws, err := openWorkspace(o, &cf)
			if err != nil {
				return err
			}
			items, err := listVariants(cmd.Context(), ws)
			if err != nil {
				return o.fail(err)
			}
			if asJSON {
				return views.WriteJSON(s.out, views.ListJSON{FormatVersion: views.FormatVersion, Variants: items, Diagnostics: o.diagnosticsJSON()})
			}
			views.ListHuman(s.out, items)
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON")
	return cmd
}

// listVariants plans offline against the locked pin to learn each
// variant's state.
func listVariants(ctx context.Context, ws *workspace.Workspace) ([]views.ListedVariant, error) {
	states := map[string]string{}
	if p, err := pin.Locked(ctx, ws.Cfg.Nixpkgs, ws.Cfg.Dir, ws.Lock); err == nil {
		pl, err := ws.Plan(p, plan.Options{})
		if err != nil {
			return nil, err
		}
		for _, a := range pl.Actions {
			states[a.Variant] = stateOf(a)
		}
	}
	items := make([]views.ListedVariant, 0, len(ws.Cfg.Variants))
	for _, v := range ws.Cfg.Variants {
		state := states[v.Name]
		if state == "" {
			state = "pending"
		}
		items = append(items, views.ListedVariant{Name: v.Name, Format: v.Format, System: v.System,
			Artifact: path.Join(ws.Cfg.OutputDir, v.FileName), State: state})
	}
	return items, nil
}

func stateOf(a plan.Action) string {
	switch {
	case a.Drift:
		return "drift"
	case a.Kind == plan.NoOp:
		return "built"
	}
	return "pending"
}

func newFormatsCmd(s *streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:               "formats [FORMAT]",
		Short:             "List the image formats, the NixOS release each needs and whether it needs KVM",
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cobra.FixedCompletions(spec.FormatNames(), cobra.ShellCompDirectiveNoFileComp),
		RunE: func(cmd *cobra.Command, args []string) error {
			names := spec.FormatNames()
			if len(args) == 1 {
				if _, ok := spec.LookupFormat(args[0]); !ok {
					// Suggest from the aliases too: users type nixos-generators' names.
					candidates := append(slices.Collect(maps.Keys(spec.FormatAliases())), names...)
					slices.Sort(candidates)
					return &exitError{code: exitError1, err: fmt.Errorf("no format named %q%s; formats: %s", args[0], suggest(args[0], candidates), strings.Join(names, ", "))}
				}
				names = args
			}
			var list []views.FormatInfo
			for _, name := range names {
				f, _ := spec.LookupFormat(name)
				min := f.MinNixOS
				if min == "" {
					min = "any"
				}
				list = append(list, views.FormatInfo{Name: f.Name, Extension: f.Ext, MinNixOS: min, NeedsKVM: f.NeedsKVM,
					Attribute: f.Attribute, Summary: f.Summary})
			}
			if asJSON {
				return views.WriteJSON(s.out, views.FormatsJSON{FormatVersion: views.FormatVersion, Formats: list})
			}
			views.FormatsHuman(s.out, list)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the formats as JSON")
	return cmd
}
