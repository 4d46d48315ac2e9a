package web

import (
	"net/url"
	"strconv"

	"kaohe/internal/collect"
)

// homeDueDays is how far ahead a home page lists the deadlines coming up.
const homeDueDays = 7

// homeList is a list of collection requests on a home page, under a
// heading with an id the counts above it link to.
type homeList struct {
	ID, Title string
	// Count names the last column: what is missing, returned or awaiting
	// review.
	Count string
	Rows  []homeRequest
}

// homeRequest is a request for data: an item's values for a period.
type homeRequest struct {
	Item, Department, Period, Due string
	Overdue                       bool
	Submitted, Expected, N        int
	// Link is the list behind the row.
	Link string
}

// requestOf lays a task out with its count n and link.
func requestOf(k *collect.Task, n int, link string) homeRequest {
	return homeRequest{Item: k.Item.Label(), Department: k.Item.OwnerName, Period: k.Period, Due: k.Due, Overdue: k.Overdue,
		Submitted: k.Submitted, Expected: k.Expected, N: n, Link: link}
}

// statusLink is the collection status of a task's region and period.
func statusLink(k *collect.Task) string {
	return "/collect/status?" + url.Values{"unit": {strconv.FormatInt(k.RegionID, 10)}, "period": {k.Period}}.Encode()
}

// valuesLink lists a task's values in its region, to review them.
func valuesLink(k *collect.Task) string {
	return "/collect/values?" + url.Values{"unit": {strconv.FormatInt(k.RegionID, 10)}, "item": {k.Item.Code}, "period": {k.Period}}.Encode()
}

// gridLink is a provider's grid of the task's item and period.
func gridLink(k *collect.Task) string {
	return "/collect?" + url.Values{"owner": {strconv.FormatInt(k.Item.OwnerID, 10)}, "period": {k.Period}}.Encode()
}
