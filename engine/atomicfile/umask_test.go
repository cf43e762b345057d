package atomicfile_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/isoforge/isoforge/engine/atomicfile"
)

// Under umask 077 a written file is private, as with os.WriteFile; the
// issue found artifacts and the lock forced to 0644.
func TestWriteHonoursUmask(t *testing.T) {
	for _, tc := range []struct {
		umask, perm, want os.FileMode
	}{
		{0o077, 0o644, 0o600},
		{0o022, 0o644, 0o644},
		{0o027, 0o664, 0o640},
	} {
		old := syscall.Umask(int(tc.umask))
		if got := atomicfile.Umask(); got != tc.umask {
			t.Errorf("Umask() = %o, want %o", got, tc.umask)
		}
		p := filepath.Join(t.TempDir(), "f")
		err := atomicfile.Write(p, []byte("x"), tc.perm)
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(p); st.Mode().Perm() != tc.want {
			t.Errorf("umask %o, perm %o: mode %o, want %o", tc.umask, tc.perm, st.Mode().Perm(), tc.want)
		}
	}
}
