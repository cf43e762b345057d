package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/isoforge/isoforge/runtimes/fake"
	"github.com/rogpeppe/go-internal/testscript"
)

const channelRev = "5ef6c425980847c78a80d759abc476e941a9bf42"

var updateScripts = os.Getenv("ISOFORGE_UPDATE_SCRIPTS") == "1"

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"isoforge": func() {
			// The FAKE runtime lets CLI scripts run apply without an engine;
			// scripts tune it through the environment.
			rt := &fake.Runtime{}
			if d, err := time.ParseDuration(os.Getenv("FAKE_DELAY")); err == nil {
				rt.Delay = d
			}
			if v := os.Getenv("FAKE_FAIL"); v != "" {
				rt.Fail = map[string]int{v: 7}
			}
			rt.MissingImage = os.Getenv("FAKE_MISSING_IMAGE") == "1"
			if v := os.Getenv("FAKE_OUTPUT"); v != "" {
				rt.Output = strings.Split(v, "|")
			}
			fake.Register(rt)
			os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs the CLI scenarios in testdata/script/*.txtar.
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	// A channels host for `isoforge lock`: tests never reach the internet.
	channels := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/nixos-24.11/git-revision" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(channelRev + "\n"))
	}))
	t.Cleanup(channels.Close) // scripts run as parallel subtests, after Run returns
	// An archive host serving a TEST DOUBLE nixpkgs archive for every
	// revision, so lock and apply can compute nar_hash offline.
	archive := standinArchive(t)
	archives := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, ".tar.gz") || strings.Contains(r.URL.Path, "ffffffff") {
			http.NotFound(w, r)
			return
		}
		w.Write(archive)
	}))
	t.Cleanup(archives.Close)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       updateScripts,
		RequireExplicitExec: true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"validatejson": validateJSONCmd, "exitcode": exitCodeCmd},
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", examples)
			env.Setenv("ISOFORGE_CHANNELS_URL", channels.URL)
			env.Setenv("ISOFORGE_NIXPKGS_ARCHIVES", archives.URL+"/archive")
			// The user's cache and home lie outside the configuration
			// directory ($WORK), as they do for real users: an apply
			// fails a build when the configuration tree changes under it.
			home, err := os.MkdirTemp("", "isoforge-script-home")
			if err != nil {
				return err
			}
			env.Defer(func() { os.RemoveAll(home) })
			env.Setenv("XDG_CACHE_HOME", home+"/cache")
			env.Setenv("NO_COLOR", "1")
			env.Setenv("HOME", home)
			return nil
		},
	})
}

// standinArchive is a TEST DOUBLE nixpkgs archive: one top-level
// directory with nixos/default.nix, as GitHub lays out nixpkgs.
func standinArchive(t *testing.T) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	body := []byte("{ configuration ? import <nixos-config> }: { }\n")
	for _, h := range []*tar.Header{
		{Name: "nixpkgs-standin/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "nixpkgs-standin/nixos/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "nixpkgs-standin/nixos/default.nix", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
	}
	tw.Write(body)
	tw.Close()
	gz.Close()
	return buf.Bytes()
}
