package vmtest

import (
	"context"
	"fmt"
	"strings"

	"github.com/isoforge/isoforge/spec"
	"golang.org/x/crypto/ssh"
)

// defaultHostname is NixOS' networking.hostName default
// (nixos/modules/tasks/network-interfaces.nix).
const defaultHostname = "nixos"

// runChecks runs a variant's checks over c, in the order the docs list
// them, and returns the first failure.
func runChecks(ctx context.Context, c *ssh.Client, v spec.Variant) error {
	t := v.Test
	if t.ExpectHostname {
		if err := checkHostname(ctx, c, v); err != nil {
			return err
		}
	}
	if t.ExpectPackages && len(v.Packages) > 0 {
		if err := checkPrograms(ctx, c, v.Packages); err != nil {
			return err
		}
	}
	for _, cmd := range t.Commands {
		out, err := run(ctx, c, cmd)
		if err != nil {
			return fmt.Errorf("command %q failed (%v): %s", cmd, err, tail(out))
		}
	}
	return nil
}

func checkHostname(ctx context.Context, c *ssh.Client, v spec.Variant) error {
	want := v.Hostname
	if want == "" {
		want = defaultHostname
	}
	got, err := run(ctx, c, "hostname")
	if err != nil {
		return fmt.Errorf("running hostname: %w", err)
	}
	if got != want {
		return fmt.Errorf("hostname is %q, expected %q (the variant's hostname)", got, want)
	}
	return nil
}

// Program is the command a package is expected to provide: the last
// part of its attribute path ("python3Packages.requests" -> "requests"),
// which is its pname and main program for most of nixpkgs.
func Program(pkg string) string {
	return pkg[strings.LastIndex(pkg, ".")+1:]
}

// checkPrograms asks the VM's shell for every program at once.
func checkPrograms(ctx context.Context, c *ssh.Client, pkgs []string) error {
	var progs []string
	for _, p := range pkgs {
		progs = append(progs, shellQuote(Program(p)))
	}
	out, err := run(ctx, c, "for p in "+strings.Join(progs, " ")+`; do command -v "$p" >/dev/null || echo "$p"; done`)
	if err != nil {
		return fmt.Errorf("looking for the packages' programs: %w", err)
	}
	if missing := strings.Fields(out); len(missing) > 0 {
		return fmt.Errorf("not on PATH: %s", strings.Join(missing, ", "))
	}
	return nil
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tail keeps the end of a command's output for an error message.
func tail(s string) string {
	const n = 400
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
