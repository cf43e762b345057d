package spec

import (
	"fmt"
	"sort"

	"github.com/agext/levenshtein"
)

// nameSuggestion returns the candidate closest to given within a small edit
// distance, or "" (after terraform's internal/didyoumean).
func nameSuggestion(given string, candidates []string) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	for _, c := range sorted {
		if levenshtein.Distance(given, c, nil) < 3 {
			return c
		}
	}
	return ""
}

// didYouMean formats a suggestion sentence, or "" when there is none.
func didYouMean(given string, candidates []string) string {
	if s := nameSuggestion(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}
