package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/scheme"
)

// schemeWrite is who may change a scheme of 甲市: the office; the team and
// viewers read it (403); the supervisor, which sees 甲市 but reads no
// scheme, and the provider, the cadre and the 好差评管理员, granted in 甲县,
// are not told it exists (404, decision 0161).
var schemeWrite = map[auth.Role]int{office: 200, team: 403, viewer: 403, supervisor: 404, provider: 404, cadre: 404, serviceReview: 404}

// apiAnswer is what the tests read of an answer.
type apiAnswer struct {
	Number   int             `json:"number"`
	Digest   string          `json:"digest"`
	Document json.RawMessage `json:"document"`
	Error    struct {
		Code  string `json:"code"`
		Field string `json:"field"`
	} `json:"error"`
}

// postJSON posts body as JSON with header pairs set and decodes the answer.
func (f *fixture) postJSON(t *testing.T, c *http.Client, path, body string, header ...string) (int, apiAnswer) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out apiAnswer
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("POST %s: %d, not JSON: %s", path, res.StatusCode, raw)
	}
	return res.StatusCode, out
}

// TestSchemeWeightsAPI sets weights and AHP judgements of a draft through
// the API: a good request is stored and audited; bad weights and matrices
// answer 422 on the field at fault with nothing written; a locked version
// answers 409; the roles without the right get 403 in their jurisdiction
// and 404 outside it.
func TestSchemeWeightsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		in, out := schemeObjects(t, f)
		officeC := f.signIn(t, "office")
		browser := []string{"Origin", f.ts.URL, "Sec-Fetch-Site", "same-origin"}
		version := func(scheme int64, n string) string { return "/api/v1/schemes/" + itoa(scheme) + "/versions/" + n }
		weights, ahp := version(in, "2")+"/weights", version(in, "2")+"/ahp"
		digest := func() (s string) {
			t.Helper()
			if err := d.SQL.QueryRow(`SELECT digest FROM scheme_versions WHERE scheme_id = $1 AND number = 2`, in).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}

		// A good request: 70/30 instead of 60/40.
		before := digest()
		status, got := f.postJSON(t, officeC, weights, `{"weights": [{"indicator": "SAT", "weight": 70},
			{"indicator": "TEAM", "category": "", "weight": 30}]}`, browser...)
		if status != 200 || got.Number != 2 || !bytes.Contains(got.Document, []byte(`"parent":"D1","kind":"qualitative","direction":"higher","weight":70}`)) {
			t.Fatalf("good weights: %d %+v %s", status, got, got.Document)
		}
		if got.Digest == before || got.Digest != digest() || auditRows(t, d, "scheme.version.weights") != 1 {
			t.Errorf("good weights: not stored or not audited")
		}

		// Bad requests: 422 on the field at fault, nothing written.
		stored := digest()
		for _, tt := range []struct {
			name, path, body, field string
		}{
			{"sum not 100", weights, `{"weights": [{"indicator": "SAT", "weight": 70}, {"indicator": "TEAM", "weight": 40}]}`, "weight"},
			{"negative", weights, `{"weights": [{"indicator": "SAT", "weight": -10}, {"indicator": "TEAM", "weight": 110}]}`, "weights[0].weight"},
			{"missing weight", weights, `{"weights": [{"indicator": "SAT"}]}`, "weights[0].weight"},
			{"unknown indicator", weights, `{"weights": [{"indicator": "NOPE", "weight": 10}]}`, "weights[0].indicator"},
			{"unknown category", weights, `{"weights": [{"indicator": "SAT", "category": "urban", "weight": 10}]}`, "weights[0].category"},
			{"no weights", weights, `{"weights": []}`, "weights"},
			{"unknown field", weights, `{"weights": [], "reason": "x"}`, ""},
			{"not JSON", weights, `{"weights": [`, ""},
			{"a leaf node", ahp, `{"node": "SAT", "matrix": [[1, 3], [0.3333333333333333, 1]]}`, "node"},
			{"matrix not reciprocal", ahp, `{"node": "D1", "matrix": [[1, 3], [3, 1]]}`, "matrix"},
			{"matrix of the wrong size", ahp, `{"node": "D1", "matrix": [[1, 3, 1], [0.3333333333333333, 1, 1], [1, 1, 1]]}`, "matrix"},
		} {
			status, got := f.postJSON(t, officeC, tt.path, tt.body, browser...)
			if status != 422 || got.Error.Code != "invalid" || got.Error.Field != tt.field {
				t.Errorf("%s: got %d %+v, want 422 invalid on %q", tt.name, status, got.Error, tt.field)
			}
			if digest() != stored || auditRows(t, d, "scheme.version.weights")+auditRows(t, d, "scheme.version.ahp") != 1 {
				t.Fatalf("%s: a refused request wrote something", tt.name)
			}
		}

		// AHP: 3:1 switches D1 to AHP weighting.
		status, got = f.postJSON(t, officeC, ahp, `{"node": "D1", "matrix": [[1, 3], [0.3333333333333333, 1]]}`, browser...)
		if status != 200 || !bytes.Contains(got.Document, []byte(`"weighting":"ahp"`)) || auditRows(t, d, "scheme.version.ahp") != 1 {
			t.Errorf("good matrix: %d %+v %s", status, got.Error, got.Document)
		}

		// A version a cycle uses never changes.
		if err := d.InTx(context.Background(), func(tx *db.Tx) error {
			return scheme.LockVersion(context.Background(), tx, versionID(t, d, in, 1))
		}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{version(in, "1") + "/weights", version(in, "1") + "/ahp"} {
			body := `{"weights": [{"indicator": "SAT", "weight": 70}, {"indicator": "TEAM", "weight": 30}]}`
			if strings.HasSuffix(p, "/ahp") {
				body = `{"node": "D1", "matrix": [[1, 2], [0.5, 1]]}`
			}
			if status, got := f.postJSON(t, officeC, p, body, browser...); status != 409 || got.Error.Code != "conflict" {
				t.Errorf("locked version %s: got %d %+v, want 409", p, status, got.Error)
			}
		}

		// Roles: 403 in the jurisdiction without the right, 404 outside it.
		good := map[string]string{
			"weights": `{"weights": [{"indicator": "SAT", "weight": 70}, {"indicator": "TEAM", "weight": 30}]}`,
			"ahp":     `{"node": "D1", "matrix": [[1, 3], [0.3333333333333333, 1]]}`,
		}
		for _, role := range auth.Roles {
			c := officeC
			if role != office {
				c = f.signIn(t, string(role))
			}
			for what, body := range good {
				if status, _ := f.postJSON(t, c, version(in, "2")+"/"+what, body, browser...); status != schemeWrite[role] {
					t.Errorf("%s on the in-scope draft's %s: got %d, want %d", role, what, status, schemeWrite[role])
				}
				if status, _ := f.postJSON(t, c, version(out, "1")+"/"+what, body, browser...); status != 404 {
					t.Errorf("%s on the out-of-scope draft's %s: got %d, want 404", role, what, status)
				}
			}
		}

		// A machine client with a token, no browser headers.
		token, _ := f.createToken(t, officeC, "权重接口", "720h")
		status, got = f.postJSON(t, f.client(t), weights, `{"weights": [{"indicator": "SAT", "weight": 80}, {"indicator": "TEAM", "weight": 20}]}`,
			"Authorization", "Bearer "+token)
		if status != 200 || !bytes.Contains(got.Document, []byte(`"weight":80`)) {
			t.Errorf("weights with a token: %d %+v", status, got.Error)
		}
		// Without the session's same-origin headers a browser request is refused.
		if status, _ := f.postJSON(t, officeC, weights, good["weights"], "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); status != 403 {
			t.Errorf("cross-site weights: got %d, want 403", status)
		}
	})
}

// versionID returns the id of version n of scheme id.
func versionID(t *testing.T, d *db.DB, id int64, n int) (v int64) {
	t.Helper()
	if err := d.SQL.QueryRow(`SELECT id FROM scheme_versions WHERE scheme_id = $1 AND number = $2`, id, n).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
