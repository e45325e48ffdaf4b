package kaohe

import "testing"

// TestNotOneself: the assessor is the assessed person by identity — the
// account's manager record, or the employee number whatever the name, case
// or spacing — and someone else with the same-looking name is not.
func TestNotOneself(t *testing.T) {
	m := Manager{ID: "m1", EmployeeNo: "D001", Name: "董喆"}
	for _, a := range []string{"董喆（D001）", "董喆（d001）", "小董（D001）", "Dong Zhe (D001)", " 董喆 ( d001 ) ", "董喆", "董 喆", "d001", "D001"} {
		if err := CheckNotSelf(AssessorOf(a), m); ErrorCode(err) != EUNAUTHORIZED {
			t.Errorf("assessor %q of %s: %v, want refused", a, m.Name, err)
		}
	}
	for _, a := range []string{"王芳（D002）", "展厅经理", "", "董喆（D0011）"} {
		if err := CheckNotSelf(AssessorOf(a), m); err != nil {
			t.Errorf("assessor %q of %s: %v", a, m.Name, err)
		}
	}
	if CheckAssessor(Actor{Name: "别名", EmployeeNo: "X", ManagerID: "m1"}, "m1") == nil {
		t.Error("an account linked to the assessed manager may assess them")
	}
	if err := CheckAssessor(Actor{Name: "王芳", EmployeeNo: "W001"}, "m1"); err != nil {
		t.Errorf("a clerk without a manager record: %v", err)
	}
}
