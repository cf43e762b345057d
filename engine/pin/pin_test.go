package pin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/pin"
	"github.com/isoforge/isoforge/spec"
)

var rev = strings.Repeat("1", 40)

func channelServer(t *testing.T, hits *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/nixos-24.11/git-revision":
			w.Write([]byte(rev + "\n"))
		case "/nixos-broken/git-revision":
			w.Write([]byte("<html>not a revision</html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestChannelResolvedOnceThenPinned(t *testing.T) {
	var hits atomic.Int32
	r := &pin.Resolver{ChannelsURL: channelServer(t, &hits).URL}
	n := spec.Nixpkgs{Channel: "nixos-24.11"}
	lock := lockfile.New()
	p, resolved, err := r.Current(context.Background(), n, t.TempDir(), lock, false)
	if err != nil || !resolved || p.Rev != rev || p.Channel != "nixos-24.11" {
		t.Fatalf("first resolution: %+v %v %v", p, resolved, err)
	}
	lock.SetPin(p)
	if _, resolved, _ := r.Current(context.Background(), n, "", lock, false); resolved || hits.Load() != 1 {
		t.Errorf("a pinned channel was resolved again (hits=%d)", hits.Load())
	}
	if _, resolved, _ := r.Current(context.Background(), n, "", lock, true); !resolved || hits.Load() != 2 {
		t.Errorf("update did not resolve again (hits=%d)", hits.Load())
	}
	other := spec.Nixpkgs{Channel: "nixos-25.05"}
	if _, _, err := r.Current(context.Background(), other, "", lock, false); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a changed channel must be resolved anew and fail here with 404, got %v", err)
	}
}

func TestResolveErrors(t *testing.T) {
	var hits atomic.Int32
	r := &pin.Resolver{ChannelsURL: channelServer(t, &hits).URL}
	if _, err := r.Resolve(context.Background(), "nixos-broken"); err == nil || !strings.Contains(err.Error(), "did not return a git revision") {
		t.Errorf("err = %v", err)
	}
	dead := &pin.Resolver{ChannelsURL: "http://127.0.0.1:1"}
	if _, err := dead.Resolve(context.Background(), "nixos-24.11"); err == nil || !strings.Contains(err.Error(), "rev = ") {
		t.Errorf("an unreachable host must suggest pinning a rev, got %v", err)
	}
}

func TestRevAndPathNeedNoNetwork(t *testing.T) {
	r := &pin.Resolver{ChannelsURL: "http://127.0.0.1:1"}
	p, _, err := r.Current(context.Background(), spec.Nixpkgs{Rev: rev}, "", lockfile.New(), false)
	if err != nil || p.ID() != "rev:"+rev {
		t.Errorf("rev: %+v %v", p, err)
	}
	if p.NarHash != "" || p.URL != r.TarballURL(rev) {
		t.Errorf("a rev pin is not downloaded by Current: %+v", p)
	}
	dir := t.TempDir()
	p1, _, err := r.Current(context.Background(), spec.Nixpkgs{Path: dir}, "", lockfile.New(), false)
	if err != nil || !strings.HasPrefix(p1.NarHash, "sha256-") || p1.Path != "" {
		t.Fatalf("absolute path: %+v %v", p1, err)
	}
	if _, err := pin.Locked(context.Background(), spec.Nixpkgs{Channel: "nixos-24.11"}, "", lockfile.New()); err == nil || !strings.Contains(err.Error(), "isoforge lock") {
		t.Errorf("Locked without a pin must say to run isoforge lock, got %v", err)
	}
}
