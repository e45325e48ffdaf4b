package kaohe

import "sort"

// Outcome is one manager's graded result of one period, as proposals read it.
type Outcome struct {
	ManagerID string
	Level     Level
	PeriodEnd Date
	Grade     string // grade code
	Total     float64
}

// ProposalKind says what a proposal suggests.
type ProposalKind string

// Proposal kinds: 能者上，庸者下.
const (
	ProposePromotion ProposalKind = "promotion"
	WarnDemotion     ProposalKind = "demotion"
)

// Proposal is a suggestion for people to act on; the software never changes
// a level by itself.
type Proposal struct {
	ManagerID string
	Kind      ProposalKind
	Level     Level // current level
	Grades    []string
}

// ProposalRules say how many consecutive results make a proposal.
type ProposalRules struct {
	PromoteAfter int // consecutive top-grade results
	DemoteAfter  int // consecutive bottom-grade results
}

// DefaultProposalRules: two outstanding half-years in a row propose a
// promotion; one failing result warns of demotion.
var DefaultProposalRules = ProposalRules{PromoteAfter: 2, DemoteAfter: 1}

// Propose reads each manager's latest results and proposes promotion
// candidates (the last PromoteAfter results all top grade, below the highest
// enabled level) and demotion warnings (the last DemoteAfter results all
// bottom grade, above level 1).
func Propose(outcomes []Outcome, t Template, levels Levels, rules ProposalRules) []Proposal {
	by := map[string][]Outcome{}
	for _, o := range outcomes {
		by[o.ManagerID] = append(by[o.ManagerID], o)
	}
	ids := make([]string, 0, len(by))
	for id := range by {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	top, bottom := t.TopGrade().Code, t.BottomGrade().Code
	var out []Proposal
	for _, id := range ids {
		os := by[id]
		sort.SliceStable(os, func(i, j int) bool { return os[i].PeriodEnd.Before(os[j].PeriodEnd) })
		last := os[len(os)-1]
		if tail, ok := lastN(os, rules.PromoteAfter); ok && allGrade(tail, top) && last.Level < levels.MaxEnabled() {
			out = append(out, Proposal{id, ProposePromotion, last.Level, grades(tail)})
		} else if tail, ok := lastN(os, rules.DemoteAfter); ok && allGrade(tail, bottom) && last.Level > Level1 {
			out = append(out, Proposal{id, WarnDemotion, last.Level, grades(tail)})
		}
	}
	return out
}

func lastN(os []Outcome, n int) ([]Outcome, bool) {
	if n <= 0 || len(os) < n {
		return nil, false
	}
	return os[len(os)-n:], true
}

func allGrade(os []Outcome, code string) bool {
	for _, o := range os {
		if o.Grade != code {
			return false
		}
	}
	return true
}

func grades(os []Outcome) []string {
	g := make([]string, len(os))
	for i, o := range os {
		g[i] = o.Grade
	}
	return g
}
