package api

import (
	"encoding/json"
	"slices"
	"testing"

	"kaohe/internal/hook"
)

// TestOpenAPIWebhooks: the document describes exactly the events a
// webhook can subscribe to (docs/api.md, Webhooks).
func TestOpenAPIWebhooks(t *testing.T) {
	var doc struct {
		Webhooks map[string]json.RawMessage `json:"webhooks"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for k := range doc.Webhooks {
		got = append(got, k)
	}
	for _, e := range hook.Events {
		want = append(want, string(e))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("openapi.json webhooks %v, want the events %v", got, want)
	}
}
