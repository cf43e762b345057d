package atomicfile

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// defaultUmask is assumed when the process umask cannot be read.
const defaultUmask = 0o022

// Umask returns the process umask. Files made with os.CreateTemp start as
// 0600 and are then chmod-ed, which ignores the umask; callers filter the
// mode they chmod with this, as os.WriteFile would. It reads
// /proc/self/status (Linux 4.7+) because umask(2) can only be read by
// setting it, which would race with files created by other goroutines.
func Umask() os.FileMode {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return defaultUmask
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), "Umask:")
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
		if err != nil {
			break
		}
		return os.FileMode(n) & os.ModePerm
	}
	return defaultUmask
}
