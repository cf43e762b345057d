package security_test

import (
	"strings"
	"testing"
)

// Class "read" (secrets): the value of a sensitive variable, and values
// derived from it, never appear in validate's or plan's diagnostics, in
// text or JSON.
func TestSensitiveValuesAreRedacted(t *testing.T) {
	const token = "tok-" + secret
	a := newArena(t, header+`
variable "token" {
  type      = string
  sensitive = true
}
variable "ports" {
  type      = list(number)
  sensitive = true
  default   = [12345678]
}
locals {
  derived = "${var.token}!"
}
variant "a" {
  hostname      = local.derived
  iso_label     = upper(var.token)
  kernel_params = [parseint(var.token, 10), "p=${var.ports[0]}"]
}
`)
	for _, args := range [][]string{
		{"validate", "-var", "token=" + token},
		{"validate", "-json", "-var", "token=" + token},
		{"plan", "-var", "token=" + token},
	} {
		r := a.run(args...)
		refused(t, r, "(sensitive value)")
		out := r.output()
		for _, leak := range []string{token, strings.ToUpper(token), "12345678"} {
			if strings.Contains(out, leak) {
				t.Errorf("%v prints %q:\n%s", args, leak, out)
			}
		}
	}
}
