// Package security holds one regression test per class of attack that
// issue 15 found against isoforge, each run from the attacker's side: a
// configuration directory (the cloned repository) under the attacker's
// control, a sentinel tree beside it that must come out unchanged, and
// the real isoforge binary or the engine's public API.
//
// It is a top-level, test-only package rather than part of cmd/isoforge
// because the attacks cross packages (spec, engine/apply, the CLI) and
// must only use what a user or a repository can reach; keeping them apart
// also keeps them from depending on the CLI's internals, which change.
// The container-boundary classes that need a real engine (recursive
// read-only configuration, labelled store volume, pids limit,
// no-new-privileges) are tested against Podman and Docker in
// engine/apply/builder_integration_test.go. Deletion through a symlinked
// out/ or .isoforge/, or a lock entry naming a file outside, is here
// (deletion_test.go); lock and cache tampering in general are tested
// with the lockfile (engine/lockfile and engine/apply tests).
package security_test
