package main

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/isoforge/isoforge/runtimes"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// normalizeFlags lets every long flag be written with one dash, as
// Terraform and Packer users type them (-check and --check). pflag would
// read "-check" as the shorthands -c -h -e -c -k, so single-dash words of
// two or more letters are rewritten to two dashes before parsing; isoforge
// has no shorthand flags but -h. The returned set holds the names the user
// typed with one dash, so errors can quote them as typed.
func normalizeFlags(args []string) ([]string, map[string]bool) {
	oneDash := map[string]bool{}
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...), oneDash
		}
		if len(a) > 2 && a[0] == '-' && isLetter(a[1]) {
			name, _, _ := strings.Cut(a[1:], "=")
			oneDash[name] = true
			a = "-" + a
		}
		out = append(out, a)
	}
	return out, oneDash
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// flagErrors rewrites pflag's errors in the words a Terraform user expects:
// the flag as typed, a did-you-mean, and the accepted values.
type flagErrors struct {
	oneDash map[string]bool
}

func (fe *flagErrors) typed(name string) string {
	if fe.oneDash[name] {
		return "-" + name
	}
	return "--" + name
}

func (fe *flagErrors) handle(cmd *cobra.Command, err error) error {
	var notExist *pflag.NotExistError
	var needsValue *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &notExist):
		name := notExist.GetSpecifiedName()
		msg := fmt.Sprintf("unknown flag %s for %q", fe.typed(name), cmd.CommandPath())
		if s := suggestFlag(cmd, name); s != "" {
			msg += fmt.Sprintf("; did you mean -%s?", s)
		}
		return usageError(cmd, msg)
	case errors.As(err, &needsValue):
		name := strings.TrimLeft(strings.TrimPrefix(needsValue.Error(), "flag needs an argument: "), "-")
		return usageError(cmd, fmt.Sprintf("flag %s needs a value", fe.typed(name)))
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		return usageError(cmd, fmt.Sprintf("invalid value %q for %s: %v", invalid.GetValue(), fe.typed(f.Name), errors.Unwrap(invalid)))
	}
	return usageError(cmd, err.Error())
}

func usageError(cmd *cobra.Command, msg string) error {
	return &exitError{code: exitError1, err: fmt.Errorf("%s\nRun '%s -help' for its flags", msg, cmd.CommandPath())}
}

// suggestFlag returns the command's flag closest to the unknown name, or "".
func suggestFlag(cmd *cobra.Command, name string) string {
	var names []string
	collect := func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	}
	cmd.Flags().VisitAll(collect)
	cmd.InheritedFlags().VisitAll(collect)
	slices.Sort(names)
	return nameSuggestion(name, names)
}

// positiveInt is an int flag that must be at least 1, checked while the
// flags are parsed rather than when a build needs it.
type positiveInt struct{ v *int }

func (p positiveInt) String() string { return strconv.Itoa(*p.v) }
func (p positiveInt) Type() string   { return "N" }
func (p positiveInt) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return fmt.Errorf("must be a whole number of at least 1")
	}
	*p.v = n
	return nil
}

// engineName is the -runtime flag: "auto" or a registered engine.
type engineName struct{ v *string }

func (e engineName) String() string { return *e.v }
func (e engineName) Type() string   { return "ENGINE" }
func (e engineName) Set(s string) error {
	names := append([]string{"auto"}, runtimes.Names()...)
	if !slices.Contains(names, s) {
		msg := "must be one of " + strings.Join(names, ", ")
		if sug := nameSuggestion(s, names); sug != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", sug)
		}
		return errors.New(msg)
	}
	*e.v = s
	return nil
}

// oneOf is a string flag with a fixed set of values.
type oneOf struct {
	v       *string
	allowed []string
}

func (o oneOf) String() string { return *o.v }
func (o oneOf) Type() string   { return strings.Join(o.allowed, "|") }
func (o oneOf) Set(s string) error {
	if !slices.Contains(o.allowed, s) {
		return fmt.Errorf("must be %s", strings.Join(o.allowed, " or "))
	}
	*o.v = s
	return nil
}
