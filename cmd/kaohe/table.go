package main

import (
	"io"
	"strings"

	"golang.org/x/text/width"
)

// printTable prints rows as indented columns two spaces apart, padding each
// cell to its column's display width, in which a Chinese character takes
// two columns (text/tabwriter counts it as one and misaligns the table).
func printTable(w io.Writer, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for k, cell := range row {
			if k == len(widths) {
				widths = append(widths, 0)
			}
			widths[k] = max(widths[k], displayWidth(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		b.WriteString("  ")
		for k, cell := range row {
			b.WriteString(cell)
			if k < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[k]-displayWidth(cell)+2))
			}
		}
		b.WriteString("\n")
	}
	io.WriteString(w, b.String())
}

// displayWidth is the number of terminal columns s takes.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
