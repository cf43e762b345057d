#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine with Go: installs and
# starts what it needs (scripts/test-env.sh), then runs every test,
# integration tests against real Podman and Docker included.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export CGO_ENABLED=0
export GOFLAGS="-tags=remote,exclude_graphdriver_btrfs,btrfs_noversion,exclude_graphdriver_devicemapper,containers_image_openpgp"
cd "$root"
test -z "$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
go vet ./...
# macOS users build isoforge too; nothing here runs it there, so at least
# keep it compiling.
GOOS=darwin go build -o /dev/null ./cmd/isoforge
scripts/check-large-files.sh
exec "$root/scripts/test-env.sh" go test -count=1 -timeout 30m "$@" ./...
