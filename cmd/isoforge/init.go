package main

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/spec"
	"github.com/spf13/cobra"
)

//go:embed starter.isos.hcl
var starterConfig string

func newInitCmd(s *streams) *cobra.Command {
	var key string
	var force bool
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented starter isos.hcl and add .isoforge/ to .gitignore",
		Long: `Init writes a starter isos.hcl: a minimal NixOS installer ISO that root can
log in to over SSH with your public key, with htop installed. It reads the
key from -ssh-key, else from ~/.ssh/id_ed25519.pub or ~/.ssh/id_rsa.pub.
In a directory that already has an isos.hcl it says so and exits 0
without touching any file (like terraform init); -force rewrites the
starter and the key. It refuses private keys: pass the .pub file.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := dirArg(args)
			path := filepath.Join(dir, spec.FileName)
			if _, err := os.Stat(path); err == nil && !force {
				views.New(s.out, s.err, false).AlreadyInitialised(path)
				return nil
			}
			keyFile, err := findKey(key)
			if err != nil {
				return &exitError{code: exitError1, err: err}
			}
			rel, err := copyKey(keyFile, dir)
			if err != nil {
				return &exitError{code: exitError1, err: err}
			}
			src := strings.ReplaceAll(starterConfig, "KEYFILE", rel)
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				return err
			}
			if err := ensureGitignore(dir); err != nil {
				return err
			}
			views.New(s.out, s.err, false).Initialised(path, filepath.Join(dir, rel), keyFile)
			return nil
		},
	}
	cmd.Flags().StringVar(&key, "ssh-key", "", "public key `FILE` root may log in with")
	cmd.Flags().BoolVar(&force, "force", false, "rewrite isos.hcl and the copied key in an initialised directory")
	return cmd
}

func findKey(given string) (string, error) {
	if given != "" {
		if _, err := os.Stat(given); err != nil {
			return "", fmt.Errorf("-ssh-key: %w", err)
		}
		return filepath.ToSlash(given), nil
	}
	home, _ := os.UserHomeDir()
	for _, n := range []string{"id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub"} {
		p := filepath.Join(home, ".ssh", n)
		if _, err := os.Stat(p); err == nil {
			return filepath.ToSlash(p), nil
		}
	}
	return "", errors.New("no SSH public key found in ~/.ssh; pass one with -ssh-key FILE (create one with ssh-keygen -t ed25519)")
}

// copyKey copies the public key into DIR/keys/, so the configuration
// stays self-contained in its repository, and returns its relative path.
func copyKey(keyFile, dir string) (string, error) {
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return "", err
	}
	if err := checkPublicKey(keyFile, b); err != nil {
		return "", err
	}
	rel := filepath.ToSlash(filepath.Join("keys", filepath.Base(keyFile)))
	if err := os.MkdirAll(filepath.Join(dir, "keys"), 0o755); err != nil {
		return "", err
	}
	return rel, os.WriteFile(filepath.Join(dir, rel), b, 0o644)
}

// ensureGitignore adds .isoforge/ (work directories, logs, caches) and the
// output directory to .gitignore; isos.lock.hcl stays tracked.
func ensureGitignore(dir string) error {
	path := filepath.Join(dir, ".gitignore")
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(old)
	var add []string
	for _, line := range []string{".isoforge/", "/out/"} {
		if !strings.Contains("\n"+text+"\n", "\n"+line+"\n") {
			add = append(add, line)
		}
	}
	if len(add) == 0 {
		return nil
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	text += "# isoforge: build state and artifacts (commit isos.lock.hcl)\n" + strings.Join(add, "\n") + "\n"
	return os.WriteFile(path, []byte(text), 0o644)
}
