package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"time"

	"kaohe/internal/locale"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// beijing is the time zone dates are shown and entered in.
var beijing = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai") // time/tzdata is linked by locale
	if err != nil {
		panic(err)
	}
	return loc
}()

// layoutFile holds the layout and the fragments every page may use.
const layoutFile = "templates/layout.html"

// pages names every full page: templates/<name>.html defines "content".
// A page missing here or there fails New, so at start-up, not on a click.
var pages = []string{
	"signin", "home", "unit_tree", "unit_search", "unit_show", "person_list", "person_show",
	"user_list", "audit_list", "password_change", "error",
	"evaluation_list", "evaluation_show", "evaluation_codes", "evaluation_results",
	"ballot_show",
	"scheme_list", "scheme_show", "scheme_version", "scheme_diff", "indicator_list", "streamline_report",
	"collect", "collect_status", "collect_values",
	"item_list", "item_edit", "value_history", "token_list", "user_tokens",
	"cycle_list", "cycle_show", "ranking_show", "profile_show", "heatmap_show", "results_pending",
	"field_list", "field_tasks", "field_show",
	"finding_list", "finding_show", "finding_review_show", "sanction_list",
	"analysis_show", "analysis_indicator", "analysis_unit", "analysis_policy",
	"catalogue_show", "share_reads", "token_webhooks", "webhook_show",
	"outcome_list", "outcome_proposal_show", "outcome_rules", "handover_list", "handover_show", "reserve_list", "person_report",
	"commitment_list", "commitment_show", "monitor_list", "ledger_list", "self_assessment",
	"review_page", "review_poster", "review_dashboard", "review_unit", "review_held", "work_order_list", "work_order_show",
	"review_config",
	"feedback_list", "feedback_show", "task_list", "inbox_list", "cycle_versions",
}

// pageParts names, per page, the other template files it is parsed with:
// fragments several pages share (archive) and the sections of the home,
// one file per role.
var pageParts = map[string][]string{
	"person_show":         {"archive", "person_integrity", "sanction_parts", "person_outcome", "person_career", "person_track", "person_print"},
	"sanction_list":       {"sanction_parts"},
	"finding_list":        {"finding_form", "finding_transfers"},
	"finding_show":        {"finding_form", "finding_transfers"},
	"unit_show":           {"archive", "commitment_parts"},
	"home":                {"home_office", "home_provider", "home_team", "home_followups", "home_cadre", "home_viewer", "home_requests", "home_body", "archive"},
	"finding_review_show": {"finding_review"},
	"person_report":       {"person_career"},
	"commitment_list":     {"commitment_parts"},
	"commitment_show":     {"commitment_parts"},
	"monitor_list":        {"commitment_parts"},
	"ledger_list":         {"commitment_parts"},
	"self_assessment":     {"commitment_parts"},
	"review_unit":         {"work_order_parts"},
	"work_order_list":     {"work_order_parts"},
	"review_dashboard":    {"work_order_parts"},
}

// partials names every template rendered alone for htmx, with the page
// file that defines it.
var partials = map[string]string{
	"scheme_ahp_result":        "scheme_version",
	"unit_children":            "unit_tree",
	"evaluation_participation": "evaluation_show",
	"feedback_print":           "feedback_show",
	"person_print":             "person_show",
}

// views holds the parsed templates, one set per page and language, each
// with the language's t function bound.
type views struct {
	sets   map[string]map[string]*template.Template // lang → page → set
	static map[string]string                        // file → "/static/file?v=hash"
}

// keyPattern finds the message keys used in templates: {{t "key" …}}.
var keyPattern = regexp.MustCompile(`\bt "([^"]+)"`)

// TemplateKeys returns every message key the templates use, sorted.
func TemplateKeys() ([]string, error) {
	seen := map[string]bool{}
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		for _, m := range keyPattern.FindAllSubmatch(data, -1) {
			seen[string(m[1])] = true
		}
		return nil
	})
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, err
}

// loadViews parses and checks every template for every language.
func loadViews(b *locale.Bundle) (*views, error) {
	keys, err := TemplateKeys()
	if err != nil {
		return nil, fmt.Errorf("read templates: %w", err)
	}
	var missing []string
	for _, k := range keys {
		if !b.Has(k) {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("templates use message keys missing from a locale: %s", strings.Join(missing, ", "))
	}
	v := &views{sets: map[string]map[string]*template.Template{}, static: map[string]string{}}
	if err := v.hashStatic(); err != nil {
		return nil, err
	}
	for _, lang := range locale.Languages {
		loc := b.For(lang)
		base, err := template.New("layout").Funcs(v.funcs(b, loc)).ParseFS(templateFS, layoutFile)
		if err != nil {
			return nil, fmt.Errorf("parse layout: %w", err)
		}
		v.sets[lang] = map[string]*template.Template{}
		for _, name := range pages {
			files := []string{"templates/" + name + ".html"}
			for _, part := range pageParts[name] {
				files = append(files, "templates/"+part+".html")
			}
			set, err := template.Must(base.Clone()).ParseFS(templateFS, files...)
			if err != nil {
				return nil, fmt.Errorf("parse page %s: %w", name, err)
			}
			for _, want := range []string{"title", "content"} {
				if set.Lookup(want) == nil {
					return nil, fmt.Errorf("page %s does not define %q", name, want)
				}
			}
			v.sets[lang][name] = set
		}
		for name, page := range partials {
			if v.sets[lang][page].Lookup(name) == nil {
				return nil, fmt.Errorf("page %s does not define partial %q", page, name)
			}
		}
	}
	return v, nil
}

// hashStatic gives each static file a URL that changes with its content,
// so browsers may cache it for long.
func (v *views) hashStatic() error {
	return fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(staticFS, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		name := strings.TrimPrefix(path, "static/")
		v.static[name] = "/static/" + name + "?v=" + hex.EncodeToString(sum[:4])
		return nil
	})
}

func (v *views) funcs(b *locale.Bundle, loc *locale.Localizer) template.FuncMap {
	return template.FuncMap{
		"t":        loc.T,
		"num":      func(n any) string { return loc.Num(toInt64(n)) },
		"date":     loc.Date,
		"datetime": loc.DateTime,
		"static": func(name string) (string, error) {
			u, ok := v.static[name]
			if !ok {
				return "", fmt.Errorf("no static file %q", name)
			}
			return u, nil
		},
		"dateinput": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2006-01-02")
		},
		"flag": func(code string) string { return flagLabel(b, loc, code) },
		// actor shows who did something as recorded: the system's own
		// work ("system:demo") as 系统, a person as named.
		"actor": func(name string) string {
			if strings.HasPrefix(name, "system:") {
				return loc.T("actor.system")
			}
			return name
		},
	}
}

func toInt64(n any) int64 {
	switch n := n.(type) {
	case int:
		return int64(n)
	case int64:
		return n
	case int32:
		return int64(n)
	case uint:
		return int64(n)
	case uint64:
		return int64(n)
	default:
		return 0
	}
}

// FlagKey is the locale key of the label of a result flag code.
func FlagKey(code string) string { return "result.flag." + code }

// flagLabel shows a result flag of the engine (score.Flag…) by its label,
// result.flag.<code>; an unknown code shows as is.
func flagLabel(b *locale.Bundle, loc *locale.Localizer, code string) string {
	if k := FlagKey(code); b.Has(k) {
		return loc.T(k)
	}
	return code
}

// execute renders template name of page in lang into a buffer, so that a
// failing template never sends half a page.
func (v *views) execute(lang, page, name string, data any) ([]byte, error) {
	set := v.sets[lang][page]
	if set == nil {
		return nil, fmt.Errorf("no page %q", page)
	}
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("render %s/%s: %w", page, name, err)
	}
	return buf.Bytes(), nil
}
