package server

import (
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestAssessmentKeepsItsKeyAtHQ: a showroom sends its draft assessment
// again under the same id, moved to another manager or another period (its
// own store refuses such a save): refused with err.assessment_key_fixed,
// the draft as HQ held it; the draft edited in place is applied.
func TestAssessmentKeepsItsKeyAtHQ(t *testing.T) {
	w := newWorld(t)
	before := w.stored()
	toManager := w.draftA
	toManager.ManagerID = "mA2"
	toPeriod := w.draftA
	toPeriod.PeriodID = "2026-Q2"
	w.expectCode(w.tokenA, w.change(kaohe.EntAssessment, toManager), "err.assessment_key_fixed")
	w.expectCode(w.tokenA, w.change(kaohe.EntAssessment, toPeriod), "err.assessment_key_fixed")
	if after := w.stored(); after != before {
		t.Errorf("a refused move changed HQ:\n%s\nwant\n%s", after, before)
	}
	edited := w.draftA
	edited.Comment = "改过的评语"
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntAssessment, edited)})
	var who, period, comment string
	w.query(`SELECT json_extract(payload, '$.manager_id'), json_extract(payload, '$.period_id'), json_extract(payload, '$.comment') FROM rows WHERE entity = 'assessment' AND row_id = 'draftA'`, &who, &period, &comment)
	if who != "mA1" || period != w.draftA.PeriodID || comment != edited.Comment {
		t.Errorf("HQ holds draftA for %s/%s %q", who, period, comment)
	}
}
