#!/usr/bin/env bash
# Fails when a tracked file is over 1 MiB and not under a testdata/
# directory: build outputs (a 21 MB binary once) must never be committed.
#   scripts/check-large-files.sh [REPO]
set -euo pipefail
repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}
limit=$((1024 * 1024))
bad=0
while IFS= read -r -d '' f; do
  case "/$f" in */testdata/*) continue ;; esac
  [ -f "$repo/$f" ] || continue
  size=$(stat -c %s "$repo/$f")
  if [ "$size" -gt "$limit" ]; then
    echo "tracked file over 1 MiB outside testdata/: $f ($size bytes); remove it (build outputs belong in .gitignore)" >&2
    bad=1
  fi
done < <(git -C "$repo" ls-files -z)
exit "$bad"
