package spec_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec"
)

func TestBuilderBlocks(t *testing.T) {
	cases := []struct {
		name, src string
		want      []spec.Builder
	}{
		{"none", `-- isos.hcl --
nixpkgs { channel = "nixos-24.11" }
variant "a" {}`, nil},
		{"pool with shared image", `-- isos.hcl --
nixpkgs { channel = "nixos-24.11" }
variable "key" { default = "~/.ssh/fleet" }
runtime { image = "localhost/b:1" }
builder "rack1" {
  engine      = "podman"
  host        = "ssh://builder@rack1.example:22/run/podman/podman.sock"
  parallelism = 4
  identity    = var.key
  known_hosts = "/etc/isoforge/known_hosts"
}
builder "local" { engine = "docker" }
variant "a" {}`, []spec.Builder{
			{Name: "rack1", Engine: "podman", Host: "ssh://builder@rack1.example:22/run/podman/podman.sock", Parallelism: 4, Identity: "~/.ssh/fleet", KnownHosts: "/etc/isoforge/known_hosts"},
			{Name: "local", Engine: "docker", Parallelism: 1},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := loadSource(t, c.src, spec.Options{})
			if d := cmp.Diff(c.want, cfg.Builders, cmpopts.IgnoreTypes(hcl.Range{}), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("builders (-want +got):\n%s", d)
			}
		})
	}
}
