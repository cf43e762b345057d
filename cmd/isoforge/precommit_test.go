package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreCommitHooks runs Debian's pre-commit (scripts/test-env.sh
// installs it) against the hook manifest and the README snippet, and runs
// the fmt hook in a repository where isos.hcl sits beside Terraform and
// Packer .hcl files that must be left alone.
func TestPreCommitHooks(t *testing.T) {
	if os.Getenv("ISOFORGE_SKIP_INTEGRATION") == "1" {
		t.Skip("ISOFORGE_SKIP_INTEGRATION=1: pre-commit hook test skipped")
	}
	preCommit, err := exec.LookPath("pre-commit")
	if err != nil {
		t.Fatalf("pre-commit is not installed (apt-get install pre-commit, or scripts/test-env.sh): %v", err)
	}
	repoRoot, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	env := append(os.Environ(), "PRE_COMMIT_HOME="+filepath.Join(home, "cache"), "HOME="+home,
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org",
		"PATH="+filepath.Dir(isoforgeBin(t))+string(os.PathListSeparator)+os.Getenv("PATH"))
	run := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	run(repoRoot, preCommit, "validate-manifest", ".pre-commit-hooks.yaml")
	snippet := filepath.Join(home, "readme-config.yaml")
	writeFile(t, snippet, readmeSnippet(t, filepath.Join(repoRoot, "README.md")))
	run(home, preCommit, "validate-config", snippet)

	// A hooks repository holding only our manifest, at a commit, as
	// pre-commit clones a real one.
	hooks := filepath.Join(home, "hooks")
	writeFile(t, filepath.Join(hooks, ".pre-commit-hooks.yaml"), string(mustRead(t, filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))))
	run(hooks, "git", "init", "-q")
	run(hooks, "git", "add", ".")
	run(hooks, "git", "commit", "-qm", "hooks")
	rev := strings.TrimSpace(run(hooks, "git", "rev-parse", "HEAD"))

	user := filepath.Join(home, "user")
	unformatted := "variant \"a\" {\npackages = [\"htop\"]\n}\n"
	terraform := "terraform {\nrequired_version = \">= 1.5\"\n}\n"
	writeFile(t, filepath.Join(user, "isos.hcl"), "nixpkgs {\nrev = \"0123456789abcdef0123456789abcdef01234567\"\n}\n"+unformatted)
	writeFile(t, filepath.Join(user, "infra", "main.tf.hcl"), terraform)
	writeFile(t, filepath.Join(user, "build.pkr.hcl"), "broken {{{\n")
	writeFile(t, filepath.Join(user, ".pre-commit-config.yaml"),
		"repos:\n  - repo: "+hooks+"\n    rev: "+rev+"\n    hooks:\n      - id: isoforge-fmt\n      - id: isoforge-validate\n")
	run(user, "git", "init", "-q")
	run(user, "git", "add", ".")
	cmd := exec.Command(preCommit, "run", "--all-files")
	cmd.Dir, cmd.Env = user, env
	out, _ := cmd.CombinedOutput() // fmt rewrites isos.hcl, so pre-commit reports a failure
	t.Logf("pre-commit run:\n%s", out)
	if got := string(mustRead(t, filepath.Join(user, "infra", "main.tf.hcl"))); got != terraform {
		t.Errorf("the fmt hook rewrote a Terraform file:\n%s", got)
	}
	if got := string(mustRead(t, filepath.Join(user, "isos.hcl"))); !strings.Contains(got, "  packages = [\"htop\"]") {
		t.Errorf("the fmt hook did not format isos.hcl:\n%s", got)
	}
	if !strings.Contains(string(out), "isoforge validate") || strings.Contains(string(out), "build.pkr.hcl") {
		t.Errorf("unexpected hook output (a broken Packer file must not be read):\n%s", out)
	}
	// Second run: everything formatted and valid.
	run(user, preCommit, "run", "--all-files")
}

// readmeSnippet returns the README's .pre-commit-config.yaml example.
func readmeSnippet(t *testing.T, readme string) string {
	t.Helper()
	text := string(mustRead(t, readme))
	start := strings.Index(text, "```yaml\n# .pre-commit-config.yaml\n")
	if start < 0 {
		t.Fatal("README has no ```yaml block starting with # .pre-commit-config.yaml")
	}
	body := text[start+len("```yaml\n"):]
	end := strings.Index(body, "```")
	if end < 0 {
		t.Fatal("README's pre-commit snippet is not closed")
	}
	return body[:end]
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
