// Package pin resolves the nixpkgs source of a configuration to an exact,
// reproducible pin: a channel to the revision it points at, a local
// checkout to the hash of its content.
package pin

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/spec"
	"golang.org/x/mod/sumdb/dirhash"
)

// DefaultChannelsURL serves <channel>/git-revision for every NixOS channel.
const DefaultChannelsURL = "https://channels.nixos.org"

// ChannelsURLEnv overrides the channels host (mirrors, tests).
const ChannelsURLEnv = "ISOFORGE_CHANNELS_URL"

var revRe = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Resolver turns a spec.Nixpkgs into a lockfile.Pin.
type Resolver struct {
	// ChannelsURL is the base URL of the channels host.
	ChannelsURL string
	// Client does the HTTP requests; nil means a client with a timeout.
	Client *http.Client
}

// TarballURL is the archive nix-build fetches for a pinned revision.
func TarballURL(rev string) string {
	return "https://github.com/NixOS/nixpkgs/archive/" + rev + ".tar.gz"
}

// Current returns the pin to build with: a rev as written, a local path
// hashed now, or a channel's pin from the lock. It resolves the channel
// over the network only when the lock has no pin for it or update is set.
// resolved reports whether a new channel resolution happened.
func (r *Resolver) Current(ctx context.Context, n spec.Nixpkgs, dir string, lock *lockfile.Lock, update bool) (p lockfile.Pin, resolved bool, err error) {
	switch {
	case n.Rev != "":
		return lockfile.Pin{Rev: n.Rev}, false, nil
	case n.Path != "":
		h, err := HashPath(dir, n.Path)
		return lockfile.Pin{Path: n.Path, PathHash: h}, false, err
	}
	if old, ok := lock.Pin(); ok && !update && old.Channel == n.Channel && old.Rev != "" {
		return old, false, nil
	}
	rev, err := r.Resolve(ctx, n.Channel)
	return lockfile.Pin{Channel: n.Channel, Rev: rev}, true, err
}

// Locked returns the pin without any network access, or an error saying
// how to create it. validate -locked uses it.
func Locked(n spec.Nixpkgs, dir string, lock *lockfile.Lock) (lockfile.Pin, error) {
	if n.Channel == "" {
		p, _, err := (&Resolver{}).Current(context.Background(), n, dir, lock, false)
		return p, err
	}
	old, ok := lock.Pin()
	if !ok || old.Channel != n.Channel || old.Rev == "" {
		return lockfile.Pin{}, fmt.Errorf("channel %q is not pinned in %s: run `isoforge lock`", n.Channel, lockfile.FileName)
	}
	return old, nil
}

// Resolve asks the channels host which revision a channel points at.
func (r *Resolver) Resolve(ctx context.Context, channel string) (string, error) {
	base := strings.TrimRight(r.ChannelsURL, "/")
	if base == "" {
		base = DefaultChannelsURL
	}
	url := base + "/" + channel + "/git-revision"
	client := r.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("resolving channel %s: %w (offline? pin an exact revision with nixpkgs { rev = \"...\" })", channel, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("resolving channel %s: GET %s: %s (is the channel name right?)", channel, url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return "", fmt.Errorf("resolving channel %s: %w", channel, err)
	}
	rev := strings.TrimSpace(string(body))
	if !revRe.MatchString(rev) {
		return "", fmt.Errorf("resolving channel %s: %s did not return a git revision", channel, url)
	}
	return rev, nil
}

// LocalPath is the host path of a local nixpkgs pin; a relative path is
// relative to the configuration directory dir.
func LocalPath(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// HashPath hashes a local nixpkgs checkout by content.
func HashPath(dir, p string) (string, error) {
	h, err := dirhash.HashDir(LocalPath(dir, p), "", dirhash.Hash1)
	if err != nil {
		return "", fmt.Errorf("hashing nixpkgs path %s: %w", p, err)
	}
	return h, nil
}
