package apply

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing a just-written range
// of f to disk without waiting for it (sync_file_range(2) with
// SYNC_FILE_RANGE_WRITE), so the fsync that ends staging has little
// left to do. It is a hint: errors surface at that fsync.
func startWriteback(f *os.File, off, n int64) {
	unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
