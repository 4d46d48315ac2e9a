package outcome

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Rule proposes Action for a cadre whose history meets Condition, an expr
// expression over Env that yields true or false.
type Rule struct {
	// Code names the rule in proposals; a default rule's code.
	Code, Name string
	Action     Action
	Condition  string
	Enabled    bool
	// Default is true for a rule of the default set, Edited when the
	// office changed it.
	Default, Edited bool
}

// DefaultRules are the rules an office starts from (干部考核条例 第二十四条
// to 第二十七条, 公务员奖励规定, 公务员职务与职级并行规定): three consecutive
// years 优秀 → 记三等功; 称职 or better two years running → eligible for
// 晋升职级、档次; 基本称职 → 诫勉谈话 and no promotion the next year; 不称职 →
// 调整岗位; two consecutive years 不称职 → 辞退; 不称职 votes above one third
// in a democratic evaluation → 组织核查; and the reserve pool's entry
// criterion: two years 优秀 without finding or sanction → 推荐进入储备库.
var DefaultRules = []Rule{
	{Code: "merit_three_excellent", Name: "连续三年优秀记三等功", Action: ActMerit,
		Condition: `Streak("优秀") >= 3 && Streak("优秀") % 3 == 0 && !Sanctioned`},
	{Code: "promotion_competent", Name: "连续两年称职以上具备晋升职级、档次资格", Action: ActPromotion,
		Condition: `StreakAtLeast("称职") >= 2 && !Sanctioned && !Investigated`},
	{Code: "reserve_outstanding", Name: "连续两年优秀且无问题线索推荐进入储备库", Action: ActReserve,
		Condition: `Streak("优秀") >= 2 && Findings == 0 && !Sanctioned`},
	{Code: "admonish_basic", Name: "基本称职予以诫勉谈话，次年不得晋升", Action: ActAdmonish,
		Condition: `Grade == "基本称职"`},
	{Code: "adjust_incompetent", Name: "不称职调整工作岗位", Action: ActAdjust,
		Condition: `Grade == "不称职" && Streak("不称职") == 1`},
	{Code: "dismiss_two_incompetent", Name: "连续两年不称职予以辞退", Action: ActDismiss,
		Condition: `Streak("不称职") >= 2`},
	{Code: "review_no_confidence", Name: "民主测评不称职票超过三分之一进行组织核查", Action: ActReview,
		Condition: `NoConfidence > 1.0 / 3`},
}

func init() {
	for i := range DefaultRules {
		DefaultRules[i].Enabled, DefaultRules[i].Default = true, true
	}
}

// compile compiles a condition against Env; the error names the field
// condition and carries expr's own words, which say what is unknown or
// where the syntax breaks.
func compile(cond string) (*vm.Program, error) {
	prog, err := expr.Compile(cond, expr.Env(Env{}), expr.AsBool(), expr.MaxNodes(200))
	if err != nil {
		msg := strings.SplitN(err.Error(), "\n", 2)[0]
		e := errs.Field("condition", "outcome.rule.condition_invalid", "condition: "+msg)
		e.Args = map[string]any{"error": msg}
		return nil, e
	}
	return prog, nil
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Validate checks a rule: a code of lower-case letters, digits and
// underscores, a name, a known action and a condition that compiles.
func (r *Rule) Validate() error {
	var l errs.List
	if !codePattern.MatchString(r.Code) {
		l.Add(errs.Field("code", "outcome.rule.code_invalid", "code must be lower-case letters, digits and underscores"))
	}
	if e := errs.CheckText("name", "outcome.rule.name", "name", r.Name, 100, true); e != nil {
		l.Add(e)
	}
	if !r.Action.Valid() {
		l.Add(errs.Field("action", "outcome.rule.action_invalid", "no such action"))
	}
	if _, err := compile(r.Condition); err != nil {
		var e *errs.Error
		errors.As(err, &e)
		l.Add(e)
	}
	return l.Err()
}

// ruleUnit reads unit id and checks that a may do act on it.
func (s *Service) ruleUnit(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64, act auth.Action) (*org.Unit, error) {
	u, err := org.GetUnit(ctx, tx, id)
	if err != nil {
		return nil, errs.NoSuch("unit")
	}
	if err := s.pol.Authorize(a, act, u.Path); err != nil {
		return nil, err
	}
	return u, nil
}

// Rules returns the rule set of the office of unit id: the default rules
// with the office's edits, then the rules it added, by code.
func (s *Service) Rules(ctx context.Context, a *auth.Actor, unitID int64) ([]Rule, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []Rule
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if _, err := s.ruleUnit(ctx, tx, a, unitID, auth.ActOutcomeRead); err != nil {
			return err
		}
		var err error
		out, err = rulesOf(ctx, tx, unitID)
		return err
	})
	return out, err
}

// rulesOf is the rule set of unit id's office.
func rulesOf(ctx context.Context, tx *db.Tx, unitID int64) ([]Rule, error) {
	out := slices.Clone(DefaultRules)
	var added []Rule
	err := db.EachRow(ctx, tx, `SELECT code, name, action, condition, enabled FROM outcome_rules WHERE owner_unit_id = $1 ORDER BY code`,
		[]any{unitID}, func(scan func(...any) error) error {
			var r Rule
			var enabled int
			if err := scan(&r.Code, &r.Name, &r.Action, &r.Condition, &enabled); err != nil {
				return err
			}
			r.Enabled = enabled == 1
			if i := slices.IndexFunc(out, func(d Rule) bool { return d.Code == r.Code }); i >= 0 {
				r.Default, r.Edited = true, true
				out[i] = r
				return nil
			}
			added = append(added, r)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read outcome rules: %w", err)
	}
	return append(out, added...), nil
}

// SaveRule saves rule r in the rule set of the office of unit id: it
// replaces the default or added rule of the same code or adds it. A rule
// whose condition does not compile or names an unknown field is refused,
// naming the field; nothing is written then.
func (s *Service) SaveRule(ctx context.Context, a *auth.Actor, unitID int64, r Rule, reason string) (*Rule, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	r.Code, r.Name, r.Condition = strings.TrimSpace(r.Code), strings.TrimSpace(r.Name), strings.TrimSpace(r.Condition)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.ruleUnit(ctx, tx, a, unitID, auth.ActOutcomeDecide)
		if err != nil {
			return err
		}
		if err := r.Validate(); err != nil {
			return err
		}
		rules, err := rulesOf(ctx, tx, unitID)
		if err != nil {
			return err
		}
		var before any
		if i := slices.IndexFunc(rules, func(x Rule) bool { return x.Code == r.Code }); i >= 0 {
			b := rules[i]
			before = map[string]any{"name": b.Name, "action": b.Action, "condition": b.Condition, "enabled": b.Enabled}
			r.Default = b.Default
		}
		r.Edited = r.Default
		enabled := 0
		if r.Enabled {
			enabled = 1
		}
		var id int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM outcome_rules WHERE owner_unit_id = $1 AND code = $2`, unitID, r.Code).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO outcome_rules (id, owner_unit_id, code, name, action, condition, enabled,
				created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, db.NewID(), unitID, r.Code, r.Name, r.Action,
				r.Condition, enabled, tx.Now.UnixMicro())
		case err == nil:
			_, err = tx.ExecContext(ctx, `UPDATE outcome_rules SET name = $2, action = $3, condition = $4, enabled = $5, updated_at = $6
				WHERE id = $1`, id, r.Name, r.Action, r.Condition, enabled, tx.Now.UnixMicro())
		}
		if err != nil {
			return fmt.Errorf("save outcome rule: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "outcome.rule_save", ObjectType: "outcome_rule", ObjectID: r.Code,
			UnitPath: u.Path, Before: before, After: map[string]any{"name": r.Name, "action": r.Action, "condition": r.Condition,
				"enabled": r.Enabled}, Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}
