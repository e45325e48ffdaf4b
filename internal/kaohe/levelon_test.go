package kaohe

import (
	"testing"
)

// TestLevelOnAtThePeriodsEnd: the level held on a date, and so who a
// showroom may assess for a period, at the boundaries of a promotion.
func TestLevelOnAtThePeriodsEnd(t *testing.T) {
	h1, _ := StandardPeriod(PeriodHalf, 2025, 1) // 2025-01-01 .. 2025-06-30
	hire := LevelChange{ID: "a", To: Level1, Date: D(2024, 3, 1)}
	up := func(d Date) LevelChange { return LevelChange{ID: "b", From: Level1, To: Level2, Date: d} }
	levels := DefaultLevels()
	m := Manager{ID: "m1", EmployeeNo: "B001", Name: "王堃"}
	for _, c := range []struct {
		name    string
		changes []LevelChange
		on      Date
		want    Level
	}{
		{"promoted on the period's last day", []LevelChange{hire, up(h1.End)}, h1.End, Level2},
		{"promoted the day after", []LevelChange{hire, up(h1.End.AddDays(1))}, h1.End, Level1},
		{"the day before the promotion", []LevelChange{up(D(2025, 7, 1)), hire}, D(2025, 6, 30), Level1}, // any order
		{"on the promotion's day", []LevelChange{up(D(2025, 7, 1)), hire}, D(2025, 7, 1), Level2},
		{"before the first event: its From", []LevelChange{up(D(2025, 7, 1))}, D(2023, 1, 1), Level1},
		{"before the first assignment: its level", []LevelChange{hire}, D(2020, 1, 1), Level1},
		{"no history", nil, h1.End, 0},
		{"demoted, later entry wins a tie", []LevelChange{hire, up(D(2025, 1, 1)), {ID: "c", From: Level2, To: Level1, Date: D(2025, 1, 1)}}, h1.End, Level1},
	} {
		if got := LevelOn(c.changes, c.on); got != c.want {
			t.Errorf("%s: LevelOn(%s) = %d, want %d", c.name, c.on, got, c.want)
		}
	}
	// The rule itself: promoted on 2025-06-30, 2025-H1 is the review group's;
	// promoted on 2025-07-01, it is the showroom's, and 2025-H2 is not.
	if err := CheckAssessableIn(levels, []LevelChange{hire, up(h1.End)}, h1, m, "展厅经理 孙莉"); ErrorCode(err) != EUNAUTHORIZED {
		t.Errorf("promoted on the period's last day: %v, want refused", err)
	}
	if err := CheckAssessableIn(levels, []LevelChange{hire, up(h1.End.AddDays(1))}, h1, m, "展厅经理 孙莉"); err != nil {
		t.Errorf("promoted the day after the period: %v, want accepted", err)
	}
	h2, _ := StandardPeriod(PeriodHalf, 2025, 2)
	if err := CheckAssessableIn(levels, []LevelChange{hire, up(h1.End.AddDays(1))}, h2, m, "展厅经理 孙莉"); ErrorCode(err) != EUNAUTHORIZED {
		t.Errorf("a period after the promotion: %v, want refused", err)
	}
	if err := CheckAssessableIn(levels, []LevelChange{hire}, h1, m, "王堃（B001）"); err == nil {
		t.Error("self-assessment accepted")
	}
}
