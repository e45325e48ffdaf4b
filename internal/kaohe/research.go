package kaohe

import "strings"

// ResearchKind is one of the surveys the policy makes a duty of each level.
type ResearchKind string

// Research kinds: 竞争对手动态调查, 房地产市场调查, 区域楼盘调查 (all levels)
// and 装修公司市场动态及合作 (level 2 and up).
const (
	ResearchCompetitor ResearchKind = "competitor"
	ResearchRealEstate ResearchKind = "real_estate"
	ResearchProject    ResearchKind = "housing_project"
	ResearchDecorator  ResearchKind = "decorator"
)

// ResearchKinds lists the kinds with their names.
func ResearchKinds() []Named[ResearchKind] {
	return []Named[ResearchKind]{
		{ResearchCompetitor, Text{"竞争对手动态", "Competitors"}},
		{ResearchRealEstate, Text{"房地产市场", "Property market"}},
		{ResearchProject, Text{"区域楼盘", "Housing projects"}},
		{ResearchDecorator, Text{"装修公司及合作", "Decorators and cooperation"}},
	}
}

// Evidences returns the code of the assessment item a survey is evidence
// for: surveys feed 客户信息收集反馈; cooperation with decorators is 市场拓展.
func (k ResearchKind) Evidences() string {
	if k == ResearchDecorator {
		return "expansion"
	}
	return "feedback"
}

// MarketResearch is one survey record a manager entered.
type MarketResearch struct {
	ID         string       `json:"id"`
	ShowroomID string       `json:"showroom_id"`
	ManagerID  string       `json:"manager_id"`
	Kind       ResearchKind `json:"kind"`
	Date       Date         `json:"date"`
	Subject    string       `json:"subject"` // the competitor, project or company surveyed
	Details    string       `json:"details"` // trends, promotions, news, cooperation …
	// For housing projects (区域楼盘): 价格、数量、交房时间、销售情况、装修情况.
	PricePerM2  int64  `json:"price_per_m2,omitempty"`
	Units       int    `json:"units,omitempty"`
	Delivery    Date   `json:"delivery,omitempty"`
	SalesStatus string `json:"sales_status,omitempty"`
	Decoration  string `json:"decoration,omitempty"`
	Cooperation string `json:"cooperation,omitempty"` // 小区合作方式 / cooperation with a decorator
}

// Validate checks the record.
func (r MarketResearch) Validate() error {
	switch {
	case !known(ResearchKinds(), r.Kind):
		return Errorf(EINVALID, "err.bad_research_kind", "Value", string(r.Kind)).OnField("kind")
	case r.Date.IsZero():
		return Errorf(EINVALID, "err.required").OnField("date")
	case strings.TrimSpace(r.Subject) == "":
		return Errorf(EINVALID, "err.required").OnField("subject")
	case strings.TrimSpace(r.Details) == "" && r.Kind != ResearchProject:
		return Errorf(EINVALID, "err.required").OnField("details")
	case r.PricePerM2 < 0 || r.Units < 0:
		return Errorf(EINVALID, "err.negative", "Value", min(r.PricePerM2, int64(r.Units))).OnField("price_per_m2")
	}
	return nil
}

// EvidenceCount counts records by the assessment item they evidence, within
// a period.
func EvidenceCount(rs []MarketResearch, p Period) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		if p.Contains(r.Date) {
			out[r.Kind.Evidences()]++
		}
	}
	return out
}
