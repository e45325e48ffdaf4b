package kaohe

import "testing"

// TestShowroomAssessorIsItsLevel3Manager: a showroom's level-1 managers are
// assessed by its manager (一级：由相应展厅的展厅经理考核): the record names
// her by name and employee number, she is the accepting side's manager of
// that number and name, still there at the period's end, and at level 3
// then. Anyone else is refused, once the accepting side holds the
// showroom's manager at all; until HQ has recorded her (a new showroom),
// anyone but the assessed person assesses.
func TestShowroomAssessorIsItsLevel3Manager(t *testing.T) {
	h1, _ := StandardPeriod(PeriodHalf, 2026, 1) // 2026-01-01 .. 2026-06-30
	boss := Manager{ID: "m9", EmployeeNo: "A900", Name: "赵 敏", Status: StatusActive}
	hire := LevelChange{ID: "h", To: Level1, Date: D(2020, 3, 1)}
	step := func(from Level, d Date) LevelChange {
		return LevelChange{ID: "s" + d.String(), From: from, To: from + 1, Date: d}
	}
	level3 := []LevelChange{hire, step(Level1, D(2021, 1, 4)), step(Level2, D(2022, 1, 4))}
	left := boss
	left.Status, left.LeftOn = StatusLeft, D(2026, 5, 31)
	leftAfter := left
	leftAfter.LeftOn = D(2026, 7, 1)
	for _, c := range []struct {
		name     string
		assessor string
		who      Manager
		found    bool
		history  []LevelChange
		code     string // "" accepted
		key      string
	}{
		{"her account as records name it", "赵敏（A900）", boss, true, level3, "", ""},
		{"ASCII parentheses, the number in another case", "赵 敏 (a900)", boss, true, level3, "", ""},
		{"left after the period's end", "赵敏（A900）", leftAfter, true, level3, "", ""},
		{"no employee number", "展厅经理 赵敏", boss, true, level3, EUNAUTHORIZED, "err.assessor_not_showroom_manager"},
		{"nobody of the showroom has the number", "赵敏（A999）", Manager{}, false, nil, EUNAUTHORIZED, "err.assessor_not_showroom_manager"},
		{"her number under another name", "李四（A900）", boss, true, level3, EUNAUTHORIZED, "err.assessor_not_showroom_manager"},
		{"a manager found by another number", "赵敏（A901）", boss, true, level3, EUNAUTHORIZED, "err.assessor_not_showroom_manager"},
		{"left before the period's end", "赵敏（A900）", left, true, level3, EUNAUTHORIZED, "err.assessor_not_showroom_manager"},
		{"at level 1, another is the showroom's manager", "赵敏（A900）", boss, true, []LevelChange{hire}, EUNAUTHORIZED, "err.assessor_not_level3"},
		{"level 3 only after the period", "赵敏（A900）", boss, true, []LevelChange{hire, step(Level1, D(2025, 1, 4)), step(Level2, D(2026, 7, 1))}, EUNAUTHORIZED, "err.assessor_not_level3"},
		{"at level 4, no showroom's manager", "赵敏（A900）", boss, true, append(level3, step(Level3, D(2023, 1, 4))), EUNAUTHORIZED, "err.assessor_not_level3"},
	} {
		err := CheckShowroomAssessor(c.assessor, c.who, c.found, c.history, h1, true)
		if ErrorCode(err) != c.code || ErrorKey(err) != c.key {
			t.Errorf("%s: CheckShowroomAssessor(%q) = %v; want %s %s", c.name, c.assessor, err, c.code, c.key)
		}
		if e, ok := err.(*Error); ok && c.key == "err.assessor_not_level3" && (e.Args["Period"] != h1.Name.Zh || e.Args["PeriodEn"] != h1.Name.En) {
			t.Errorf("%s: the message names the period %v / %v; want its names %q / %q", c.name, e.Args["Period"], e.Args["PeriodEn"], h1.Name.Zh, h1.Name.En)
		}
		// Before HQ has recorded any manager of the showroom at level 3,
		// nobody can be told apart: not the person assessed is all.
		if err := CheckShowroomAssessor(c.assessor, c.who, c.found, c.history, h1, false); err != nil {
			t.Errorf("%s, no showroom manager recorded: %v", c.name, err)
		}
	}
	if !ManagesShowroomOn(boss, level3, h1.End) || ManagesShowroomOn(left, level3, h1.End) || !ManagesShowroomOn(leftAfter, level3, h1.End) ||
		ManagesShowroomOn(boss, []LevelChange{hire}, h1.End) {
		t.Error("ManagesShowroomOn: level 3 on the day and not gone before it")
	}
}
