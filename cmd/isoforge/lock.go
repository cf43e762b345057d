package main

import (
	"github.com/spf13/cobra"
)

func newLockCmd(s *streams, g *globals) *cobra.Command {
	var cf configFlags
	var update bool
	cmd := &cobra.Command{
		Use:   "lock",
		Short: "Pin nixpkgs in isos.lock.hcl without building",
		Long: `Lock resolves the nixpkgs channel of isos.hcl to the exact revision it
points at now and records it in isos.lock.hcl, without building. An
existing pin is kept unless -update is given. A rev needs no resolution
and a local path is pinned by the hash of its content.

The pin is by content: lock downloads the revision's archive once and
records its NAR hash (nar_hash, as 'nix hash path' prints it) beside
rev and url; builds fetch exactly that content or fail. A local path is
hashed without .git and other VCS or editor files, and recorded relative
to the configuration (never absolute).

The channel is resolved with a GET of <channels host>/<channel>/git-revision;
set ISOFORGE_CHANNELS_URL to use a mirror, and ISOFORGE_NIXPKGS_ARCHIVES
for the archives (<base>/<rev>.tar.gz).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := newOutput(s, g, false)
			ws, release, err := openLockedWorkspace(o, &cf)
			if err != nil {
				return err
			}
			defer release()
			old, hadPin := ws.Lock.Pin()
			p, _, err := ws.Pin(cmd.Context(), resolver(), update)
			if err != nil {
				return &exitError{code: exitError1, err: err}
			}
			if p, err = completePin(cmd.Context(), s, p); err != nil {
				return err
			}
			if hadPin && old == p {
				o.v.Locked(p, false)
				return nil
			}
			ws.Lock.SetPin(p)
			if err := ws.Lock.Save(ws.LockPath); err != nil {
				return &exitError{code: exitError1, err: err}
			}
			o.v.Locked(p, true)
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().BoolVar(&update, "update", false, "resolve the channel again even if it is pinned")
	return cmd
}
