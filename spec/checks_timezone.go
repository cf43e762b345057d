package spec

import (
	"fmt"
	"strings"
	"time"

	// The IANA database, embedded, so validate gives the same answer on
	// hosts without /usr/share/zoneinfo (containers, minimal CI images).
	_ "time/tzdata"
)

// checkTimezone checks timezone against the IANA tz database, which is
// what NixOS links /etc/localtime from (time.timeZone in
// nixos/modules/config/locale.nix of NixOS/nixpkgs): a name the database
// lacks builds, then boots with UTC.
func (c *checker) checkTimezone(v *Variant) {
	c.checkPattern("timezone", v.Timezone, timezoneRe, "Invalid timezone", "use a tz database name such as \"Europe/Amsterdam\" or \"UTC\"")
	if v.Timezone == "" || !timezoneRe.MatchString(v.Timezone) {
		return
	}
	if _, err := time.LoadLocation(v.Timezone); err == nil && v.Timezone != "Local" {
		return
	}
	c.errorf(c.rangeOf("timezone"), "Unknown timezone",
		"%q is not in the IANA time zone database.%s Use a name such as \"Europe/Amsterdam\", \"America/New_York\" or \"UTC\".",
		v.Timezone, zoneHint(v.Timezone))
}

// zoneHint suggests the zone with the same city under a common region,
// e.g. "Amsterdam" -> "Europe/Amsterdam".
func zoneHint(name string) string {
	city := name[strings.LastIndex(name, "/")+1:]
	for _, region := range []string{"Europe", "America", "Asia", "Africa", "Australia", "Pacific", "Atlantic", "Indian"} {
		cand := region + "/" + city
		if cand == name {
			continue
		}
		if _, err := time.LoadLocation(cand); err == nil {
			return fmt.Sprintf(" Did you mean %q?", cand)
		}
	}
	return ""
}
