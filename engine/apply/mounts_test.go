package apply

import "testing"

func TestUnescapeMountPath(t *testing.T) {
	for in, want := range map[string]string{
		`/srv/a`:             "/srv/a",
		`/srv/my\040dir`:     "/srv/my dir",
		`/srv/tab\011x\134y`: "/srv/tab\tx\\y",
		`/srv/end\04`:        `/srv/end\04`,
	} {
		if got := unescapeMountPath(in); got != want {
			t.Errorf("unescapeMountPath(%q) = %q, want %q", in, got, want)
		}
	}
}
