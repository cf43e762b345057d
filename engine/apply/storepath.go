package apply

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/runtimes"
)

// sourcePath is the store path Nix gives a tree added recursively with
// this NAR hash under the name "source" (what FetchScript's builtins.path
// produces): makeFixedOutputPath's recursive-sha256 case, i.e.
// makeStorePath("source", narHash, "source") in Nix's store-api.cc.
func sourcePath(narHash string) (string, bool) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(narHash, "sha256-"))
	if err != nil || len(raw) != sha256.Size {
		return "", false
	}
	digest := sha256.Sum256([]byte("source:sha256:" + hex.EncodeToString(raw) + ":/nix/store:source"))
	var short [20]byte
	for i, b := range digest {
		short[i%20] ^= b
	}
	return "/nix/store/" + nixBase32(short[:]) + "-source", true
}

// nixBase32 is Nix's base-32 encoding (libutil/hash.cc).
func nixBase32(b []byte) string {
	const chars = "0123456789abcdfghijklmnpqrsvwxyz"
	n := (len(b)*8-1)/5 + 1
	out := make([]byte, 0, n)
	for i := n - 1; i >= 0; i-- {
		bit := i * 5
		j, k := bit/8, uint(bit%8)
		c := b[j] >> k
		if j+1 < len(b) {
			c |= b[j+1] << (8 - k)
		}
		out = append(out, chars[c&0x1f])
	}
	return string(out)
}

// storeHas reports the pinned local nixpkgs' store path when the
// builder's store already holds it, so a remote builder gets the
// checkout copied in once per host, not once per apply.
func (a *Applier) storeHas(ctx context.Context, rt runtimes.Runtime, runID string, p lockfile.Pin) (string, bool) {
	path, ok := sourcePath(p.NarHash)
	if !ok {
		return "", false
	}
	code, err := rt.Run(ctx, runtimes.ContainerSpec{
		Name:    containerName("check", runID),
		Image:   a.Cfg.Runtime.Image,
		Command: []string{"/bin/sh", "-c", "nix-store --check-validity " + shellQuote(path) + " 2>/dev/null"},
		Volumes: []runtimes.VolumeMount{{Name: a.Cfg.Runtime.NixVolume, Target: storeMount}},
		Labels:  Labels(a.Cfg.Dir, "_init", runID),
	}, func(string, string) {})
	return path, err == nil && code == 0
}
