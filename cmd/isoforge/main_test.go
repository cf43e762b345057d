package main

import (
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
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       updateScripts,
		RequireExplicitExec: true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"validatejson": validateJSONCmd},
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", examples)
			env.Setenv("ISOFORGE_CHANNELS_URL", channels.URL)
			env.Setenv("NO_COLOR", "1")
			env.Setenv("HOME", env.WorkDir+"/home")
			return nil
		},
	})
}
