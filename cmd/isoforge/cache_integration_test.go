package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// cacheFleet is one variant built by builder "local" or "h2" with a
// store volume of its own and the given cache block.
func cacheFleet(t *testing.T, h runtimetest.SSHHost, local, remote runtimetest.Engine, token, volume, cache string) string {
	t.Helper()
	dir := t.TempDir()
	src := fmt.Sprintf(`nixpkgs { path = "unused" }
runtime { nix_volume = %q }
builder "local" {
  engine = %q
  host   = %q
}
builder "h2" {
  engine      = %q
  host        = %q
  identity    = %q
  known_hosts = %q
}
variant "cached" { hostname = "cached-%s" }
%s
`, volume, local.Name, local.Host, remote.Name, remote.Host, h.Key, h.KnownHosts, token, cache)
	os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644)
	return dir
}

// cacheBuilders returns the test host, the local engine, the test host's engine of the
// same kind, and the public half of a fresh signing key whose secret
// half the configuration reads as var.cache_key.
func cacheBuilders(t *testing.T) (h runtimetest.SSHHost, local, remote runtimetest.Engine, pub []byte) {
	t.Helper()
	h = runtimetest.RemoteHost(t)
	local = runtimetest.Engines(t)[0]
	for _, e := range h.Engines {
		if e.Name == local.Name {
			remote = e
		}
	}
	keys := t.TempDir()
	if out, err := exec.Command("nix-store", "--generate-binary-cache-key", "isoforge-test-1", keys+"/sec", keys+"/pub").CombinedOutput(); err != nil {
		t.Fatalf("generating a cache key: %v %s", err, out)
	}
	pub, _ = os.ReadFile(keys + "/pub")
	t.Setenv("ISOFORGE_VAR_cache_key", keys+"/sec")
	return h, local, remote, pub
}

// TestBinaryCacheAcrossBuilders: builder h2 builds and pushes to a
// file:// cache on this machine (its NARs copied out through the engine
// API); builder local, with an empty store volume, substitutes instead
// of building; with a wrong public key it builds, with Nix's warning.
func TestBinaryCacheAcrossBuilders(t *testing.T) {
	h, local, remote, pub := cacheBuilders(t)
	cacheDir := filepath.Join(t.TempDir(), "nix-cache")
	block := func(key string) string {
		return fmt.Sprintf("variable \"cache_key\" { sensitive = true }\ncache {\n  substituters = [%q]\n  trusted_public_keys = [%q]\n  push_to = %q\n  secret_key_file = var.cache_key\n}\n",
			"file://"+cacheDir, key, "file://"+cacheDir)
	}
	token := newRunID()
	volumes := []string{"isoforge-test-cache-a-" + token, "isoforge-test-cache-b-" + token, "isoforge-test-cache-c-" + token}
	t.Cleanup(func() {
		for _, v := range volumes {
			runtimetest.RemoveVolume(local, v)
			h.Run(t, remote.CLI()+" volume rm -f "+v+" >/dev/null 2>&1 || true")
		}
	})
	apply := func(dir, builder string) string {
		out, err := poolCmd(t, dir, "apply", "-json", "-builder", builder).CombinedOutput()
		if err != nil {
			t.Fatalf("apply -builder %s: %v\n%s", builder, err, out)
		}
		return string(out)
	}
	first := apply(cacheFleet(t, h, local, remote, token, volumes[0], block(strings.TrimSpace(string(pub)))), "h2")
	if !strings.Contains(first, "building '") || !strings.Contains(first, "pushing the build closure to file://"+cacheDir) {
		t.Fatalf("the first build did not build and push:\n%s", first)
	}
	if narinfos, _ := filepath.Glob(filepath.Join(cacheDir, "*.narinfo")); len(narinfos) == 0 {
		t.Fatal("no narinfo reached the file:// cache on this machine")
	}
	second := apply(cacheFleet(t, h, local, remote, token, volumes[1], block(strings.TrimSpace(string(pub)))), "local")
	if strings.Contains(second, "building '") || !strings.Contains(second, "from 'file:///isoforge/cache/0'") {
		t.Errorf("builder local with an empty store built instead of substituting:\n%s", second)
	}
	wrong := "wrong-1:" + strings.Repeat("A", 43) + "="
	third := apply(cacheFleet(t, h, local, remote, token, volumes[2], block(wrong)), "local")
	if !strings.Contains(third, "building '") || !strings.Contains(third, "is not signed by any of the keys") {
		t.Errorf("with a wrong key the build did not fall back to building with a warning:\n%s", third)
	}
}

// putServer is a TEST DOUBLE HTTP binary cache: GET serves dir, PUT
// writes into it (what `nix copy --to http://…` does). It listens on the
// test host's veth address on this machine, which both builders reach.
func putServer(t *testing.T, addr, dir string) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr+":0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		switch r.Method {
		case http.MethodPut:
			os.MkdirAll(filepath.Dir(name), 0o755)
			b, _ := io.ReadAll(r.Body)
			if err := os.WriteFile(name, b, 0o644); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
		case http.MethodGet, http.MethodHead:
			http.ServeFile(w, r, name)
		default:
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// TestHTTPBinaryCache: h2 pushes to an HTTP cache with PUT, local
// substitutes from it with an empty store.
func TestHTTPBinaryCache(t *testing.T) {
	h, local, remote, pub := cacheBuilders(t)
	// The host side of the test host's veth pair (scripts/test-host.sh).
	url := putServer(t, "10.231.0.1", t.TempDir())
	block := fmt.Sprintf("variable \"cache_key\" { sensitive = true }\ncache {\n  substituters = [%q]\n  trusted_public_keys = [%q]\n  push_to = %q\n  secret_key_file = var.cache_key\n}\n",
		url, strings.TrimSpace(string(pub)), url)
	token := newRunID()
	volumes := []string{"isoforge-test-http-a-" + token, "isoforge-test-http-b-" + token}
	t.Cleanup(func() {
		runtimetest.RemoveVolume(local, volumes[1])
		h.Run(t, remote.CLI()+" volume rm -f "+volumes[0]+" >/dev/null 2>&1 || true")
	})
	run := func(dir, builder string) string {
		out, err := poolCmd(t, dir, "apply", "-json", "-builder", builder).CombinedOutput()
		if err != nil {
			t.Fatalf("apply -builder %s: %v\n%s", builder, err, out)
		}
		return string(out)
	}
	first := run(cacheFleet(t, h, local, remote, token, volumes[0], block), "h2")
	if !strings.Contains(first, "building '") || !strings.Contains(first, "pushing the build closure to "+url) {
		t.Fatalf("h2 did not build and push:\n%s", first)
	}
	second := run(cacheFleet(t, h, local, remote, token, volumes[1], block), "local")
	if strings.Contains(second, "building '") || !strings.Contains(second, "from '"+url+"'") {
		t.Errorf("local with an empty store built instead of substituting from %s:\n%s", url, second)
	}
}
