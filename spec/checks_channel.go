package spec

import (
	"fmt"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec/lazyregexp"
)

// channelRe matches the channels NixOS publishes at
// channels.nixos.org: nixos-YY.MM, nixos-YY.MM-small, nixos-unstable,
// nixos-unstable-small and nixpkgs-unstable (the names listed in
// nixos/doc/manual/installation/upgrading.chapter.md of NixOS/nixpkgs).
var channelRe = lazyregexp.New(`^(nixos-([0-9]{2}\.(05|11)|unstable)(-small)?|nixpkgs-unstable)$`)

// oldReleaseRe matches the releases before 21.05, which came out in
// March and September.
var oldReleaseRe = lazyregexp.New(`^nixos-(1[3-9]|20)\.(03|09)(-small)?$`)

// rollingChannels are the channel names without a release number, the
// candidates of a did-you-mean.
var rollingChannels = []string{"nixos-unstable", "nixos-unstable-small", "nixpkgs-unstable"}

// checkChannel reports a channel name that no NixOS channel has.
func checkChannel(channel string, attr *hcl.Attribute) hcl.Diagnostics {
	if channel == "" || channelRe.MatchString(channel) || oldReleaseRe.MatchString(channel) {
		return nil
	}
	hint := didYouMean(channel, rollingChannels)
	if m := releaseLikeRe.FindStringSubmatch(channel); m != nil {
		month := "05"
		if mm, _ := strconv.Atoi(m[2]); mm > 8 {
			month = "11"
		}
		hint = fmt.Sprintf(" NixOS releases come out in May and November (YY.05, YY.11): did you mean %q?", "nixos-"+m[1]+"."+month+m[3])
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError, Summary: "Unknown nixpkgs channel", Subject: attr.Expr.Range().Ptr(),
		Detail: fmt.Sprintf("%q is not a NixOS channel: use nixos-YY.MM (e.g. \"nixos-24.11\"), nixos-YY.MM-small, nixos-unstable, nixos-unstable-small or nixpkgs-unstable.%s",
			channel, hint),
	}}
}

// releaseLikeRe matches a release channel with a month NixOS never used.
var releaseLikeRe = lazyregexp.New(`^nixos-([0-9]{2})\.([0-9]{2})(-small)?$`)
