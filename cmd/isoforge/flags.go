package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// normalizeFlags lets every long flag be written with one dash, as
// Terraform and Packer users type them (-check and --check). pflag would
// read "-check" as the shorthands -c -h -e -c -k, so single-dash words that
// name a known long flag are rewritten to two dashes before parsing.
func normalizeFlags(root *cobra.Command, args []string) []string {
	long := map[string]bool{}
	collectFlagNames(root, long)
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if long[name] {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

func collectFlagNames(cmd *cobra.Command, names map[string]bool) {
	add := func(f *pflag.Flag) { names[f.Name] = true }
	cmd.Flags().VisitAll(add)
	cmd.PersistentFlags().VisitAll(add)
	for _, c := range cmd.Commands() {
		collectFlagNames(c, names)
	}
}
