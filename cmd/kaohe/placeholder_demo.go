package main

import (
	"context"
	"fmt"
	"io"
)

// runDemo is a placeholder until its package lands; delete this file then.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "kaohe demo: not built yet")
	return 2
}
