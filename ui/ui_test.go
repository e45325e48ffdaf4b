package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"kaohe/assets"
	"kaohe/internal/kaohe"
)

// fakeStore serves a fixed list, filtered the way the store filters.
type fakeStore struct{ rows []kaohe.ManagerLevel }

func (f *fakeStore) ListManagers(_ context.Context, flt kaohe.ManagerFilter) ([]kaohe.ManagerLevel, error) {
	var out []kaohe.ManagerLevel
	for _, r := range f.rows {
		if flt.Query != "" && !strings.Contains(r.Name+r.EmployeeNo+r.Phone, flt.Query) {
			continue
		}
		if flt.Level != 0 && r.Level != flt.Level {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

func (f *fakeStore) Showroom(context.Context) (kaohe.Showroom, error) {
	return kaohe.Showroom{Name: "上海徐汇旗舰展厅", Region: "华东片区"}, nil
}

func sample() *fakeStore {
	mk := func(no, name string, l kaohe.Level, e kaohe.Education, hire kaohe.Date) kaohe.ManagerLevel {
		return kaohe.ManagerLevel{Manager: kaohe.Manager{EmployeeNo: no, Name: name, Gender: kaohe.GenderFemale, Education: e, HireDate: hire, Status: kaohe.StatusActive}, Level: l}
	}
	return &fakeStore{rows: []kaohe.ManagerLevel{
		mk("D001", "王堃", kaohe.Level3, kaohe.EduBachelor, kaohe.D(2019, 3, 1)),
		mk("D002", "李喆", kaohe.Level1, kaohe.EduVocational, kaohe.D(2022, 7, 15)),
		mk("D003", "张玥", kaohe.Level2, kaohe.EduCollege, kaohe.D(2020, 11, 27)),
	}}
}

func TestManagersScreenShowsChineseAndFilters(t *testing.T) {
	test.NewTempApp(t)
	if err := SetLanguage(kaohe.LangZh); err != nil {
		t.Fatal(err)
	}
	var shown []error
	m := NewManagersScreen(sample(), func(err error) { shown = append(shown, err) })
	w := test.NewTempWindow(t, m.View())
	w.Resize(w.Canvas().Size().Max(m.View().MinSize()))

	if got := m.Count.Text; got != "共 3 人" {
		t.Errorf("count = %q; want 共 3 人", got)
	}
	if got := m.Cell(0, 1); got != "王堃" {
		t.Errorf("first name = %q", got)
	}
	if got := m.Cell(2, 3); got != "二级" {
		t.Errorf("level cell = %q; want 二级", got)
	}
	if got := m.Cell(2, 6); got != "2020年11月27日" {
		t.Errorf("date cell = %q; want the Chinese date", got)
	}
	if got := m.Cell(1, 4); got != "中专" {
		t.Errorf("education cell = %q", got)
	}

	test.Type(m.Search, "玥")
	if len(m.Rows()) != 1 || m.Cell(0, 0) != "D003" || m.Count.Text != "共 1 人" {
		t.Errorf("search 玥: %d rows, count %q", len(m.Rows()), m.Count.Text)
	}
	m.Search.SetText("")
	m.Level.SetSelectedIndex(1) // 一级
	if len(m.Rows()) != 1 || m.Cell(0, 0) != "D002" {
		t.Errorf("filter level 1: %v", m.Rows())
	}
	m.Level.SetSelectedIndex(0)

	m.SortBy(3) // level ascending
	if m.Cell(0, 0) != "D002" || m.Cell(2, 0) != "D001" {
		t.Errorf("sort by level: %s … %s", m.Cell(0, 0), m.Cell(2, 0))
	}
	m.SortBy(3) // and descending
	if m.Cell(0, 0) != "D001" {
		t.Errorf("sort by level descending: first %s", m.Cell(0, 0))
	}
	if len(shown) != 0 {
		t.Errorf("errors shown: %v", shown)
	}
}

func TestEnglish(t *testing.T) {
	test.NewTempApp(t)
	if err := SetLanguage(kaohe.LangEn); err != nil {
		t.Fatal(err)
	}
	defer SetLanguage(kaohe.LangZh)
	m := NewManagersScreen(sample(), func(error) {})
	if m.Count.Text != "3 people" || m.Cell(2, 3) != "Level 2" || m.Cell(2, 6) != "2020-11-27" || m.Cell(1, 4) != "Secondary vocational" {
		t.Errorf("English: count %q, level %q, date %q, edu %q", m.Count.Text, m.Cell(2, 3), m.Cell(2, 6), m.Cell(1, 4))
	}
}

func TestErrorText(t *testing.T) {
	test.NewTempApp(t)
	SetLanguage(kaohe.LangZh)
	err := kaohe.Errorf(kaohe.EINVALID, "err.report_too_short", "Count", 1999, "Min", 2000, "Level", 1).OnField("report")
	if got := ErrorText(err); got != "述职报告：述职报告 1999 字，申请1级至少需 2000 字。" {
		t.Errorf("ErrorText = %q", got)
	}
	if got := ErrorText(errors.New("disk full")); !strings.Contains(got, "操作失败") || !strings.Contains(got, "disk full") {
		t.Errorf("ErrorText(plain) = %q", got)
	}
	missing := filepath.Join(t.TempDir(), "名册.xlsx")
	_, openErr := os.Open(missing)
	if got := ErrorText(fmt.Errorf("import: %w", openErr)); got != "找不到文件："+missing+"。请检查路径或重新选择文件。" {
		t.Errorf("ErrorText(missing file) = %q", got)
	}
	SetLanguage(kaohe.LangEn)
	defer SetLanguage(kaohe.LangZh)
	if got := ErrorText(err); got != "Report: The report has 1999 characters; level 1 needs at least 2000." {
		t.Errorf("ErrorText(en) = %q", got)
	}
}

// TestTranslationsComplete fails when a key is missing in either language,
// or when the code uses an err./field. key that no translation has.
func TestTranslationsComplete(t *testing.T) {
	load := func(l string) map[string]string {
		b, err := assets.TranslationsFor(l)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.json: %v", l, err)
		}
		return m
	}
	zh, en := load("zh"), load("en")
	for k, v := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("zh.json has an empty %q", k)
		}
	}
	for k, v := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh.json lacks %q", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("en.json has an empty %q", k)
		}
	}
	used := usedKeys(t)
	// Keys built from a prefix and a value: every value needs its text.
	for _, st := range []kaohe.AppState{kaohe.AppDraft, kaohe.AppSubmitted, kaohe.AppExam, kaohe.AppSecond, kaohe.AppProbation, kaohe.AppGranted, kaohe.AppFailed, kaohe.AppWithdrawn} {
		used = append(used, "state."+string(st))
	}
	for _, st := range []kaohe.Stage{kaohe.StageSubmit, kaohe.StageWithdraw, kaohe.StageFirst, kaohe.StageExam, kaohe.StageSecond, kaohe.StageThird} {
		used = append(used, "stage."+string(st))
	}
	for _, g := range kaohe.DefaultTemplate().Grades {
		used = append(used, "grade."+g.Code)
	}
	for _, k := range docKinds {
		used = append(used, "doc."+k)
	}
	used = append(used, "astatus.draft", "astatus.submitted", "astatus.filed", "attend.passed", "attend.failed", "attend.absent",
		"gender.M", "gender.F", "status.active", "status.left", "verdict.pass", "verdict.fail", "span.quarter", "span.half", "span.year",
		"review.exemption_", "review.exemption_requested", "review.exemption_approved", "review.exemption_rejected",
		"verify.genuine", "verify.revoked", "verify.forged", "verify.unknown", "ref.kind_month", "ref.kind_quarter", "ref.kind_half", "ref.kind_year")
	for _, k := range used {
		if _, ok := zh[k]; !ok {
			t.Errorf("the code uses %q, which has no translation", k)
		}
	}
}

// usedKeys finds the literal translation keys in the project's Go code.
func usedKeys(t *testing.T) []string {
	keyRe := regexp.MustCompile(`"((?:err|field|nav|col|managers|app|apply|assess|dash|doc|profile|settings|action|excel|research|rewards|targets|training|span|sync|review|ref|hq|filing|verify|hqr)\.[a-z_.]+)"`)
	fieldRe := regexp.MustCompile(`OnField\("([a-z_]+)"\)`)
	tRe := regexp.MustCompile(`\bT\("([a-z_]+\.[a-z_.]+)"`)
	set := map[string]bool{}
	root := filepath.Join("..")
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() && (info.Name() == ".git" || info.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		// The test HQ is test code too: its file names are not messages.
		if strings.Contains(filepath.ToSlash(p), "internal/testhq/") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// The store names audit actions like keys ("training.save"); only
		// its error keys and fields are translations.
		inStore := strings.Contains(filepath.ToSlash(p), "internal/store/")
		for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") && !strings.HasSuffix(m[1], "_") && (!inStore || strings.HasPrefix(m[1], "err.")) {
				set[m[1]] = true
			}
		}
		for _, m := range fieldRe.FindAllStringSubmatch(string(b), -1) {
			set["field."+m[1]] = true
		}
		for _, m := range tRe.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], "_") && !strings.HasSuffix(m[1], ".") {
				set[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(out) < 50 {
		t.Fatalf("found only %d keys in the code; the scan is broken", len(out))
	}
	return out
}
