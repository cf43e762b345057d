package main

import (
	"fmt"

	"github.com/agext/levenshtein"
)

// nameSuggestion returns the first candidate within a small edit distance
// of given, or "" (after Terraform's internal/didyoumean); callers sort the
// candidates.
func nameSuggestion(given string, candidates []string) string {
	for _, c := range candidates {
		if levenshtein.Distance(given, c, nil) < 3 {
			return c
		}
	}
	return ""
}

func suggest(given string, candidates []string) string {
	if c := nameSuggestion(given, candidates); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}
