package i18n

import (
	"errors"
	"os"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
)

func TestError(t *testing.T) {
	err := kaohe.Errorf(kaohe.EINVALID, "err.report_too_short", "Count", 10, "Min", 2000, "Level", 1).OnField("report")
	if got := Error(kaohe.LangZh, err); got != "述职报告：述职报告 10 字，申请1级至少需 2000 字。" {
		t.Errorf("zh = %q", got)
	}
	if got := Error(kaohe.LangEn, err); got != "Report: The report has 10 characters; level 1 needs at least 2000." {
		t.Errorf("en = %q", got)
	}
	row := kaohe.Errorf(kaohe.EINVALID, "err.xlsx_row", "Row", 3, "Cause", kaohe.Errorf(kaohe.EINVALID, "err.bad_name"))
	if got := Error(kaohe.LangZh, row); got != "第 3 行：请填写姓名（不超过40字）。" {
		t.Errorf("nested = %q", got)
	}
	if got := Error(kaohe.LangZh, errors.New("disk full")); got != "操作失败：disk full" {
		t.Errorf("plain = %q", got)
	}
	_, openErr := os.Open("no-such-roster.xlsx")
	if got := Error(kaohe.LangEn, openErr); got != "File not found: no-such-roster.xlsx. Check the path or choose the file again." {
		t.Errorf("missing file = %q", got)
	}
}

func TestEveryProblemOnItsOwnLine(t *testing.T) {
	err := kaohe.Manager{EmployeeNo: "", Name: "王堃", Phone: "abc", Education: kaohe.EduUnknown, Status: kaohe.StatusActive}.Validate()
	got := Error(kaohe.LangZh, err)
	want := "工号：此项必填。\n电话：“abc”无效：只能用数字、空格和 + - ( )，5 到 20 位，例如 138 0013 8000。\n学历：请从列表中选择。"
	if got != want {
		t.Errorf("Error(zh, three problems) =\n%s\nwant\n%s", got, want)
	}
	if en := Error(kaohe.LangEn, err); strings.Count(en, "\n") != 2 || !strings.Contains(en, "Education: Choose one from the list.") {
		t.Errorf("Error(en, three problems) =\n%s", en)
	}
}

// TestBelow: faults from SQLite, the file system and the network that a
// test cannot easily cause for real (the tests run as root, offline) are
// said with their own translation, in Chinese without English words.
func TestBelow(t *testing.T) {
	for msg, key := range map[string]string{
		"migrate: attempt to write a readonly database":     "err.db_readonly",
		"begin: database is locked":                         "err.db_locked",
		"commit: database or disk is full":                  "err.disk_full",
		"write kaohe.db: no space left on device":           "err.disk_full",
		"backup: disk I/O error":                            "err.disk_io",
		"open x: file is not a database":                    "err.db_not_database",
		"query: database disk image is malformed":           "err.db_corrupt",
		"x509: certificate has expired or is not yet valid": "err.tls_invalid",
		"open D:\\a.xlsx: The process cannot access the file because it is being used by another process.": "err.file_in_use",
		"dial tcp 10.0.0.1:8443: connect: network is unreachable":                                          "err.net_unreachable",
		"read tcp: connection reset by peer":                                                               "err.net_broken",
	} {
		err := errors.New(msg)
		if got, _ := Below(err); got != key {
			t.Errorf("Below(%q) = %q; want %q", msg, got, key)
		}
		zh := strings.NewReplacer("kaohe restore", "", "Excel", "", "PDF", "", "backups", "", ".db", "").Replace(Error(kaohe.LangZh, err))
		for _, r := range zh {
			if r < 128 && (r >= 'a' && r <= 'z') {
				t.Errorf("Chinese for %q holds English: %s", msg, zh)
				break
			}
		}
	}
}

func TestHistoryRefusalNamesOnlyWhatThereIs(t *testing.T) {
	err := kaohe.CheckDelete("D001 董喆", kaohe.History{LevelChanges: 1, Trainings: 13, Rewards: 2})
	if got := Error(kaohe.LangZh, err); !strings.HasPrefix(got, "D001 董喆 已有记录：培训 13 次；奖惩 2 条；不能删除") || !strings.Contains(got, "离职") {
		t.Errorf("zh = %q", got)
	}
	if got := Error(kaohe.LangEn, err); !strings.HasPrefix(got, "D001 董喆 has a history: 13 trainings; 2 rewards or penalties; it cannot be deleted") {
		t.Errorf("en = %q", got)
	}
}

// TestSecondRowRefusalsSaidInBothLanguages: HQ's refusal of a second row
// for a natural key, as a push result carries it, reads in the user's
// language with the metric named in it.
func TestSecondRowRefusalsSaidInBothLanguages(t *testing.T) {
	cases := []struct {
		entity string
		row    any
		zh, en string
	}{
		{kaohe.EntTarget, &kaohe.Target{Metric: kaohe.MetricSales, Year: 2026}, "2026年的“销售额”已有另一条目标记录", "another target for “Sales” in 2026"},
		{kaohe.EntActual, &kaohe.Actual{Metric: kaohe.MetricOrders, Year: 2026, Month: 3}, "2026年3月的“订单数”", "“Orders” in 2026-3"},
		{kaohe.EntAttendance, &kaohe.Attendance{}, "这次培训已有另一条参训记录", "another attendance record for this training"},
		{kaohe.EntAssessment, &kaohe.Assessment{PeriodID: "2026-H1"}, "考核期“2026-H1”已有另一份考核", "another assessment for period “2026-H1”"},
	}
	for _, c := range cases {
		e, err := kaohe.EntityOf(c.entity)
		if err != nil {
			t.Fatal(err)
		}
		var ke *kaohe.Error
		if !errors.As(e.Duplicate(c.row), &ke) {
			t.Fatalf("%s: not a domain error", c.entity)
		}
		msg := ke.Error()
		if got := Refusal(kaohe.LangZh, msg); !strings.Contains(got, c.zh) {
			t.Errorf("%s in Chinese: %q; want %q in it", c.entity, got, c.zh)
		}
		if got := Refusal(kaohe.LangEn, msg); !strings.Contains(got, c.en) {
			t.Errorf("%s in English: %q; want %q in it", c.entity, got, c.en)
		}
	}
}
