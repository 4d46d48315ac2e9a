package main

import (
	"context"
	"fmt"
	"io"
)

// runUser is a placeholder until its package lands; delete this file then.
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "kaohe user: not built yet")
	return 2
}
