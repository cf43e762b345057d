package main

import (
	"fmt"

	"github.com/agext/levenshtein"
)

func suggest(given string, candidates []string) string {
	for _, c := range candidates {
		if levenshtein.Distance(given, c, nil) < 3 {
			return fmt.Sprintf(" (did you mean %q?)", c)
		}
	}
	return ""
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
