package spec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Builder is one builder block: a container engine, on this machine or
// on another host reached over SSH, and how many builds it runs at once.
// Which builder runs a variant is not an input of the ISO: it never
// enters the inputs hash.
type Builder struct {
	// Name is the block label; build events and logs name it.
	Name string
	// Engine is "podman" or "docker".
	Engine string
	// Host is unix:///path, ssh://user@host:port[/socket], or "" for the
	// engine's usual local sockets.
	Host string
	// Parallelism is how many builds run at once on this builder.
	Parallelism int
	// Identity is an SSH private key file; "" uses ssh-agent.
	Identity string
	// KnownHosts is the known_hosts file; "" is $HOME/.ssh/known_hosts.
	KnownHosts string
	// Range is where the block was declared.
	Range hcl.Range
}

var builderSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "engine", Required: true}, {Name: "host"}, {Name: "parallelism"}, {Name: "identity"}, {Name: "known_hosts"},
}}

// builderEngines are the engines a builder block names; "auto" probes
// the local machine only, so it has no place in a pool.
var builderEngines = []string{"docker", "podman"}

// shorthandAttrs are the runtime attributes that describe one builder:
// beside builder blocks they would say two things at once.
var shorthandAttrs = []string{"engine", "host", "parallelism"}

func (d *decoder) decodeBuilders() hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]hcl.Range{}
	for _, b := range d.blocks["builder"] {
		name := b.Labels[0]
		diags = append(diags, checkIdentifier(name, "builder", b.LabelRanges[0])...)
		if first, dup := seen[name]; dup {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Duplicate builder block", Subject: b.LabelRanges[0].Ptr(),
				Detail: fmt.Sprintf("Builder %q was already declared at %s; give each builder its own name.", name, first),
			})
			continue
		}
		seen[name] = b.DefRange
		bl, bDiags := decodeBuilderBlock(b, d.ctx)
		diags = append(diags, bDiags...)
		d.cfg.Builders = append(d.cfg.Builders, bl)
	}
	if len(d.cfg.Builders) > 0 {
		diags = append(diags, d.checkNoShorthand()...)
	}
	return diags
}

// checkNoShorthand refuses runtime { engine, host, parallelism } beside
// builder blocks.
func (d *decoder) checkNoShorthand() hcl.Diagnostics {
	var diags hcl.Diagnostics
	first := d.cfg.Builders[0].Range
	for _, rb := range d.blocks["runtime"] {
		attrs, _ := rb.Body.JustAttributes()
		for _, n := range shorthandAttrs {
			a, ok := attrs[n]
			if !ok {
				continue
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "runtime." + n + " beside builder blocks", Subject: a.NameRange.Ptr(),
				Detail: fmt.Sprintf("runtime { engine, host, parallelism } describe a single builder; this configuration declares builder blocks (the first at %s). "+
					"Move %s into the builder blocks and keep only image, nix_volume and memory_mib in runtime.", first, n),
			})
		}
	}
	return diags
}

func decodeBuilderBlock(b *hcl.Block, ctx *hcl.EvalContext) (Builder, hcl.Diagnostics) {
	bl := Builder{Name: b.Labels[0], Parallelism: 1, Range: b.DefRange}
	content, diags := b.Body.Content(builderSchema)
	attr := content.Attributes
	diags = append(diags, decodeString(attr["engine"], ctx, &bl.Engine)...)
	diags = append(diags, decodeString(attr["host"], ctx, &bl.Host)...)
	diags = append(diags, decodeWholeNumber(attr["parallelism"], ctx, &bl.Parallelism, 1, 1024,
		"parallelism is how many builds run at once on this builder: a whole number from 1 to 1024.")...)
	diags = append(diags, decodeString(attr["identity"], ctx, &bl.Identity)...)
	diags = append(diags, decodeString(attr["known_hosts"], ctx, &bl.KnownHosts)...)
	if a := attr["engine"]; a != nil && !diags.HasErrors() && !contains(builderEngines, bl.Engine) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Unknown builder engine", Subject: a.Expr.Range().Ptr(),
			Detail: fmt.Sprintf("%q is not a builder engine: use podman or docker.%s", bl.Engine, didYouMean(bl.Engine, builderEngines)),
		})
	}
	if a := attr["host"]; a != nil && !diags.HasErrors() {
		diags = append(diags, checkHost(bl.Host, a.Expr.Range())...)
	}
	return bl, diags
}

// checkHost accepts the host forms the engines take: a local unix
// socket or an SSH address.
func checkHost(host string, rng hcl.Range) hcl.Diagnostics {
	ok := strings.HasPrefix(host, "unix:///") && len(host) > len("unix:///")
	if rest, isSSH := strings.CutPrefix(host, "ssh://"); isSSH {
		ok = rest != "" && !strings.HasPrefix(rest, "/") && !strings.ContainsAny(rest, " \t\n")
	}
	if ok {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError, Summary: "Invalid builder host", Subject: rng.Ptr(),
		Detail: fmt.Sprintf("%q is not an engine address: use unix:///run/podman/podman.sock, ssh://user@host:22/run/podman/podman.sock (Podman) or ssh://user@host:22 (Docker).", host),
	}}
}
