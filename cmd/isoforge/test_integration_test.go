package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/runtimes/runtimetest"
	"golang.org/x/crypto/ssh"
)

// testKey writes a fresh ed25519 key pair as keys/test and keys/test.pub
// in dir and returns the public key line and its fingerprint.
func testKey(t testing.TB, dir string) (string, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "isoforge test")
	if err != nil {
		t.Fatal(err)
	}
	sshPub, _ := ssh.NewPublicKey(pub)
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))) + " isoforge-test"
	os.MkdirAll(filepath.Join(dir, "keys"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "keys", "test"), pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "keys", "test.pub"), []byte(line+"\n"), 0o644)
	return line, ssh.FingerprintSHA256(sshPub)
}

// testFleet is the fleet example with a test key among the admins' keys,
// a test block in its defaults and one way to fail per site:
// site-fra's VM names itself otherwise, site-nyc runs no sshd, and the
// extra variant "nokey" does not authorize the test key. KVM does not run
// guests on our machines (SeaBIOS makes no progress; see docs/testing.md),
// so the tests emulate with TCG.
func testFleet(t testing.TB) (string, string) {
	dir := fleetCopy(t, "fleet")
	line, fp := testKey(t, dir)
	f, _ := os.OpenFile(filepath.Join(dir, "keys", "admins.pub"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(line + "\n")
	f.Close()
	edit(t, dir, "defaults {", `defaults {
  test {
    ssh_private_key_file = "keys/test"
    accel                = "tcg"
    boot_timeout         = "3m"
    commands             = ["test -s /root/.ssh/authorized_keys"]
  }`)
	b, _ := os.ReadFile(filepath.Join(dir, "isos.hcl"))
	b = append(b, []byte(`
variant "nokey" {
  ssh_authorized_keys = [split("\n", file("keys/admins.pub"))[0]]
}
`)...)
	os.WriteFile(filepath.Join(dir, "isos.hcl"), b, 0o644)
	// site-nyc's test can only end at its boot timeout: a short one there
	// (3× the 18 s a TCG boot takes here) saved 4 of this package's 15
	// minutes. Its serial log must still reach the login prompt.
	edit(t, dir, `  timezone = each.value`, `  timezone = each.value
  test {
    ssh_private_key_file = "keys/test"
    accel                = "tcg"
    boot_timeout         = each.key == "nyc" ? "1m" : "3m"
    commands             = ["test -s /root/.ssh/authorized_keys"]
  }`)
	edit(t, dir, `    services.openssh.settings.PasswordAuthentication = false;`, `    services.openssh.settings.PasswordAuthentication = false;
    networking.hostName = lib.mkIf (config.time.timeZone == "Europe/Berlin") (lib.mkForce "renamed");
    services.openssh.enable = lib.mkIf (config.time.timeZone == "America/New_York") (lib.mkForce false);`)
	return dir, fp
}

type testEvent struct {
	Type        string  `json:"type"`
	Variant     string  `json:"variant"`
	Result      string  `json:"result"`
	Error       string  `json:"error"`
	BootSeconds float64 `json:"boot_seconds"`
	Passed      int     `json:"passed"`
	Failed      int     `json:"failed"`
	Skipped     int     `json:"skipped"`
	Total       float64 `json:"total_seconds"`
}

func testEvents(t testing.TB, stdout string) (map[string]testEvent, testEvent) {
	t.Helper()
	byVariant := map[string]testEvent{}
	var sum testEvent
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var e testEvent
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("not NDJSON: %q", l)
		}
		switch e.Type {
		case "test":
			byVariant[e.Variant] = e
		case "test_summary":
			sum = e
		}
	}
	return byVariant, sum
}

// TestApplyTestBootsTheFleet: apply -test boots every freshly built ISO
// and keeps only those that pass; isoforge test then tests one variant.
func TestApplyTestBootsTheFleet(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir, fp := testFleet(t)
			r := isoforge(t, e, dir, "apply", "-test", "-json")
			if r.code != 1 {
				t.Fatalf("apply -test: exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			got, sum := testEvents(t, r.stdout)
			sch, err := compileSchema("apply-events")
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
				if err := validateDoc(sch, line); err != nil {
					t.Errorf("apply -test -json line does not match apply-events.schema.json: %v\n%s", err, line)
				}
			}
			for _, v := range []string{"rescue", "site-ams"} {
				if got[v].Result != "passed" || got[v].BootSeconds <= 0 {
					t.Errorf("%s: %+v, want passed", v, got[v])
				}
				t.Logf("%s: boot to ssh %.1fs (TCG)", v, got[v].BootSeconds)
			}
			wantErr := map[string]string{
				"nokey":    "authentication failed for root with " + fp,
				"site-fra": `hostname is "renamed", expected "installer-fra"`,
				"site-nyc": "ssh did not come up within 1m; serial console log: " + filepath.Join(".isoforge", "logs", "site-nyc.test.log"),
			}
			for v, want := range wantErr {
				if got[v].Result != "failed" || !strings.Contains(got[v].Error, want) {
					t.Errorf("%s: %+v, want failed with %q", v, got[v], want)
				}
				// A failed test keeps no artifact, as a failed build.
				if _, err := os.Stat(filepath.Join(dir, "out", v+".iso")); err == nil {
					t.Errorf("%s failed its test but out/%s.iso exists", v, v)
				}
			}
			if sum.Passed != 2 || sum.Failed != 3 || sum.Skipped != 0 || sum.Total <= 0 {
				t.Errorf("summary %+v, want 2 passed, 3 failed", sum)
			}
			log, err := os.ReadFile(filepath.Join(dir, ".isoforge", "logs", "site-nyc.test.log"))
			if err != nil || !strings.Contains(string(log), "installer-nyc login: root (automatic login)") {
				t.Errorf("site-nyc's serial log lacks the login banner: %v\n%s", err, log)
			}
			checkManifestTested(t, dir, map[string]string{"rescue": "passed", "site-ams": "passed"})
			for _, p := range []string{filepath.Join("out", "manifest.json"), "isos.lock.hcl", filepath.Join(".isoforge", "logs", "site-nyc.test.log")} {
				b, _ := os.ReadFile(filepath.Join(dir, p))
				if strings.Contains(string(b), "PRIVATE KEY") || strings.Contains(r.stdout+r.stderr, "PRIVATE KEY") {
					t.Errorf("%s or the output holds the private key", p)
				}
			}

			r = isoforge(t, e, dir, "test", "-json", "resc*")
			got, sum = testEvents(t, r.stdout)
			if r.code != 0 || got["rescue"].Result != "passed" || sum.Passed != 1 || sum.Failed+sum.Skipped != 0 {
				t.Errorf("test resc*: exit %d, %+v\n%s\n%s", r.code, sum, r.stdout, r.stderr)
			}
			assertNoContainers(t, e, dir)
		})
	}
}

func checkManifestTested(t testing.TB, dir string, want map[string]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "out", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Variants []struct {
			Name       string `json:"name"`
			TestedAt   string `json:"tested_at"`
			TestResult string `json:"test_result"`
		} `json:"variants"`
	}
	json.Unmarshal(b, &m)
	got := map[string]string{}
	for _, v := range m.Variants {
		if v.TestedAt != "" {
			got[v.Name] = v.TestResult
		}
	}
	if len(got) != len(want) {
		t.Errorf("manifest.json records tests %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("manifest.json records tests %v, want %v", got, want)
		}
	}
}
