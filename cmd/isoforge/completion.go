package main

import (
	"strings"

	"github.com/isoforge/isoforge/runtimes"
	"github.com/spf13/cobra"
)

// completeVariants completes variant names from the configuration in the
// current directory, for_each bases and abstract names included.
func completeVariants(cf *configFlags) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return variantCandidates(cf, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

func variantCandidates(cf *configFlags, prefix string) []string {
	cfg, _, diags := cf.load(".")
	if cfg == nil || diags.HasErrors() {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if !seen[n] && strings.HasPrefix(n, prefix) {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, v := range cfg.Variants {
		add(v.Name)
		add(v.Block)
		for _, p := range v.Lineage {
			add(p)
		}
	}
	return out
}

// registerCompletions completes -target and -replace with variant names,
// -runtime with the engines and -on-error with its values.
func registerCompletions(cmd *cobra.Command, cf *configFlags) {
	variants := func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		return variantCandidates(cf, prefix), cobra.ShellCompDirectiveNoFileComp
	}
	for _, name := range []string{"target", "replace"} {
		if cmd.Flags().Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, variants)
		}
	}
	if cmd.Flags().Lookup("runtime") != nil {
		_ = cmd.RegisterFlagCompletionFunc("runtime", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return append([]string{"auto"}, runtimes.Names()...), cobra.ShellCompDirectiveNoFileComp
		})
	}
	if cmd.Flags().Lookup("on-error") != nil {
		_ = cmd.RegisterFlagCompletionFunc("on-error", cobra.FixedCompletions([]string{"continue", "abort"}, cobra.ShellCompDirectiveNoFileComp))
	}
}
