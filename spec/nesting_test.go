package spec

import (
	"strings"
	"testing"
)

func TestHCLDepth(t *testing.T) {
	deep := func(s string, n int) string { return strings.Repeat(s, n) }
	for _, tc := range []struct {
		name     string
		src      string
		template bool
		want     int
	}{
		{"flat", "a = 1\nb = \"x\"\n", false, 1},
		{"brackets", "a = [[{x = (1)}]]\n", false, 4},
		{"brackets in strings, comments and heredocs do not count", "a = \"(((\"\n# [[[\n// {{{\n/* ((( */\nb = <<EOT\n[[[ \"\nEOT\nc = 1\n", false, 1},
		{"escaped quote stays in the string", `a = "\"((("` + "\n", false, 1},
		{"interpolation", `a = "${"${1}"}"` + "\n", false, 4},
		{"literal $${ and %%{", `a = "$${x} %%{y}"` + "\n", false, 1},
		{"heredoc with interpolation", "a = <<-EOT\n  ${[1]}\n  EOT\nb = 2\n", false, 3},
		{"heredoc marker inside a line does not close", "a = <<EOT\nx EOT [\nEOT\nb = (1)\n", false, 1},
		{"operators chain on one line", "a = 1 - 2 - 3 + 4\n", false, 3},
		{"a newline ends the chain", "a = 1 - 2\nb = 3 - 4\n", false, 1},
		{"commas end the chain", "a = [-1, -2, -3, -4]\n", false, 2},
		{"identifiers and exponents are not operators", "a = local.my-long-name-here + 1e-5\n", false, 1},
		{"chains inside parentheses span lines", "a = (true ?\n 1 : true ?\n 2 : 3)\n", false, 3},
		{"template directives", "%{if a}%{for x in y}${x}%{endfor}%{endif}", true, 3},
		{"closed directives do not add up", "%{if a}x%{endif}%{if b}y%{endif}", true, 2},
		{"deep", "a = " + deep("[", 200) + deep("]", 200), false, 129},
		{"deep conditionals", "a = " + deep("true ? 1 : ", 200) + "0", false, 129},
		{"unterminated", "a = \"${" + deep("(", 300), false, 129},
	} {
		got, _ := hclDepth([]byte(tc.src), tc.template, 128)
		if got != tc.want {
			t.Errorf("%s: depth %d, want %d", tc.name, got, tc.want)
		}
	}
}
