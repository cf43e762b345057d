package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/isoforge/isoforge/runtimes/fake"
	"github.com/rogpeppe/go-internal/testscript"
)

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
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       updateScripts,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", examples)
			env.Setenv("NO_COLOR", "1")
			env.Setenv("HOME", env.WorkDir+"/home")
			return nil
		},
	})
}
