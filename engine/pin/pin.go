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
	"strings"
	"time"

	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/spec"
)

// DefaultChannelsURL serves <channel>/git-revision for every NixOS channel.
const DefaultChannelsURL = "https://channels.nixos.org"

// ChannelsURLEnv overrides the channels host (mirrors, tests).
const ChannelsURLEnv = "ISOFORGE_CHANNELS_URL"

// DefaultArchivesURL serves <rev>.tar.gz for every nixpkgs revision.
const DefaultArchivesURL = "https://github.com/NixOS/nixpkgs/archive"

// ArchivesURLEnv overrides where newly pinned revisions are downloaded
// from (mirrors, tests). A pin already in the lock keeps its url.
const ArchivesURLEnv = "ISOFORGE_NIXPKGS_ARCHIVES"

// Resolver turns a spec.Nixpkgs into a lockfile.Pin.
type Resolver struct {
	// ChannelsURL is the base URL of the channels host.
	ChannelsURL string
	// ArchivesURL is the base URL of revision archives.
	ArchivesURL string
	// Client does the HTTP requests; nil means a client with a timeout.
	Client *http.Client
	// Progress, when set, follows archive downloads.
	Progress Progress
}

func (r *Resolver) client() *http.Client {
	if r.Client != nil {
		return r.Client
	}
	return &http.Client{Timeout: 10 * time.Minute}
}

// TarballURL is the archive of a revision.
func (r *Resolver) TarballURL(rev string) string {
	base := strings.TrimRight(r.ArchivesURL, "/")
	if base == "" {
		base = DefaultArchivesURL
	}
	return base + "/" + rev + ".tar.gz"
}

// Current returns the pin to build with, without downloading nixpkgs: a
// rev as written (with its nar_hash when the lock has one for it), a
// local path hashed now, or a channel's pin from the lock. It resolves
// the channel over the network only when the lock has no pin for it or
// update is set; resolved reports that it did. A rev pin may lack its
// nar_hash; Complete computes it.
func (r *Resolver) Current(ctx context.Context, n spec.Nixpkgs, dir string, lock *lockfile.Lock, update bool) (p lockfile.Pin, resolved bool, err error) {
	if n.Path != "" {
		return r.local(ctx, n, dir)
	}
	old, hasOld := lock.Pin()
	if n.Rev != "" {
		if hasOld && !update && old.Channel == "" && old.Rev == n.Rev {
			return old, false, nil
		}
		return lockfile.Pin{Rev: n.Rev, URL: r.TarballURL(n.Rev)}, false, nil
	}
	if hasOld && !update && old.Channel == n.Channel && old.Rev != "" {
		return old, false, nil
	}
	rev, err := r.Resolve(ctx, n.Channel)
	return lockfile.Pin{Channel: n.Channel, Rev: rev, URL: r.TarballURL(rev)}, true, err
}

// local pins a checkout by its NAR hash. Its location enters the lock
// only as a path relative to the configuration; a checkout outside it
// (e.g. ISOFORGE_NIXPKGS_PATH) is recorded by hash alone.
func (r *Resolver) local(ctx context.Context, n spec.Nixpkgs, dir string) (lockfile.Pin, bool, error) {
	h, err := HashTree(ctx, LocalPath(dir, n.Path))
	if err != nil {
		return lockfile.Pin{}, false, err
	}
	p := lockfile.Pin{NarHash: h}
	if !filepath.IsAbs(n.Path) {
		p.Path = filepath.ToSlash(n.Path)
	}
	return p, false, nil
}

// Complete computes the nar_hash of a rev pin that has none yet, by
// downloading its archive (lock and apply do; plan never downloads).
func (r *Resolver) Complete(ctx context.Context, p lockfile.Pin) (lockfile.Pin, error) {
	if p.Local() || p.NarHash != "" {
		return p, nil
	}
	h, err := r.HashArchive(ctx, p.URL, r.Progress)
	if err != nil {
		return p, err
	}
	p.NarHash = h
	return p, nil
}

// Locked returns the pin without any network access, or an error saying
// how to create it. validate -locked and plan -refresh=false use it.
func Locked(ctx context.Context, n spec.Nixpkgs, dir string, lock *lockfile.Lock) (lockfile.Pin, error) {
	if n.Channel == "" {
		p, _, err := (&Resolver{}).Current(ctx, n, dir, lock, false)
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
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := r.client().Do(req)
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
	if !spec.ValidRev(rev) {
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
	return filepath.Join(dir, filepath.FromSlash(p))
}
