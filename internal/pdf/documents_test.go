package pdf

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
)

func save(name string, b []byte) {
	if out := os.Getenv("KAOHE_PDF_OUT"); out != "" {
		os.WriteFile(out+"/"+name, b, 0o644)
	}
}

func sampleManager() kaohe.Manager {
	return kaohe.Manager{EmployeeNo: "D007", Name: "司马喆", Gender: kaohe.GenderMale, Phone: "13800138000",
		Education: kaohe.EduCollege, HireDate: kaohe.D(2021, 3, 8), Status: kaohe.StatusActive}
}

func TestReport(t *testing.T) {
	tpl := kaohe.DefaultTemplate()
	p, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2026, 1)
	a := kaohe.Assessment{Scores: kaohe.Scores{"plan": 95, "satisfaction": 85, "expansion": 70, "feedback": 80, "cooperation": 90},
		Assessor: "王经理", Comment: "销售目标完成良好，团队协作意识强；需加强大客户谈判技巧。", Status: kaohe.AssessSubmitted}
	if _, err := a.Score(tpl); err != nil {
		t.Fatal(err)
	}
	r := ReportData{
		Showroom: "上海徐汇旗舰展厅", Manager: sampleManager(), LevelName: kaohe.DefaultLevels()[1].Name,
		Period: p, Template: tpl, Assessment: a,
		Figures: []MetricCompletion{{kaohe.DefaultMetrics()[0], kaohe.Completion{Target: 1200000, Actual: 1260000}}},
		Trend:   []Point{{"2024年上半年", 78.5}, {"2024年下半年", 82}, {"2025年上半年", 88.25}, {"2025年下半年", 91}, {"2026年上半年", 86.5}},
	}
	var b bytes.Buffer
	if err := Report(&b, r, nil); err != nil {
		t.Fatal(err)
	}
	save("report.pdf", b.Bytes())
	text := pdfText(t, b.Bytes())
	for _, want := range []string{"客户经理考核报告", "司马喆", "D007", "二级客户经理", "2026年上半年", "年度工作计划", "客户满意度",
		"市场拓展情况", "客户信息收集反馈", "协作", "40%", "86.5", "良好", "1.00", "105.0%", "1,260,000 元", "王经理", "需加强大客户谈判技巧", "被考核人签字", "第 1 页 / 共 1 页"} {
		if !contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	fontsEmbedded(t, b.Bytes())
}

func TestSummaryPagesAndRows(t *testing.T) {
	tpl := kaohe.DefaultTemplate()
	p, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2026, 1)
	s := SummaryData{Showroom: "上海徐汇旗舰展厅", Period: p, Template: tpl}
	for i := 1; i <= 150; i++ {
		total := float64(50 + (i*37)%50)
		g := tpl.GradeOf(total)
		s.Rows = append(s.Rows, SummaryRow{
			Manager:    kaohe.Manager{EmployeeNo: fmt.Sprintf("D%03d", i), Name: []string{"张喆", "李玥", "王堃"}[i%3] + fmt.Sprint(i)},
			LevelName:  kaohe.DefaultLevels()[i%3].Name,
			Assessment: kaohe.Assessment{Total: total, Grade: g.Code, Coefficient: g.Coefficient},
			Grade:      g.Name, Sales: kaohe.Completion{Target: 1000, Actual: int64(800 + i)},
		})
	}
	var b bytes.Buffer
	if err := Summary(&b, s, nil); err != nil {
		t.Fatal(err)
	}
	save("summary.pdf", b.Bytes())
	pages := pageCount(t, b.Bytes())
	if pages < 4 {
		t.Errorf("150 managers in %d pages", pages)
	}
	text := pdfText(t, b.Bytes())
	if !contains(text, fmt.Sprintf("第 1 页 / 共 %d 页", pages)) || !contains(text, fmt.Sprintf("第 %d 页 / 共 %d 页", pages, pages)) {
		t.Errorf("page numbers missing")
	}
	// Every manager appears exactly once: no row lost or split in two.
	for i := 1; i <= 150; i++ {
		no := fmt.Sprintf("D%03d", i)
		if n := strings.Count(text, no); n != 1 {
			t.Errorf("%s appears %d times", no, n)
		}
	}
	for _, want := range []string{"展厅客户经理考核汇总", "考核等级分布", "优秀", "不合格", "参加考核 150 人"} {
		if !contains(text, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	// Highest total first.
	best, worst := s.Rows[0], s.Rows[0]
	for _, r := range s.Rows {
		if r.Assessment.Total > best.Assessment.Total {
			best = r
		}
		if r.Assessment.Total < worst.Assessment.Total {
			worst = r
		}
	}
	if ib, iw := strings.Index(text, best.Manager.EmployeeNo+"\n"), strings.Index(text, worst.Manager.EmployeeNo+"\n"); ib < 0 || iw < 0 || ib > iw {
		t.Errorf("ranking not by total: best %s at %d, worst %s at %d", best.Manager.EmployeeNo, ib, worst.Manager.EmployeeNo, iw)
	}
}

func TestApplicationLongReportAndRareNames(t *testing.T) {
	var rb strings.Builder
	for i := 0; rb.Len() < 60000; i++ {
		fmt.Fprintf(&rb, "第%d段：本考核期内我负责展厅散户与小区客户，堃喆玥等生僻字不可丢失。Customer-first, 以客户为中心。\n", i+1)
	}
	report := rb.String() + "结尾标记ZZEND"
	levels := kaohe.DefaultLevels()
	a := ApplicationData{
		Showroom: "上海徐汇旗舰展厅", Manager: sampleManager(), Current: levels[0].Name, Target: levels[1],
		Application: kaohe.Application{TargetLevel: kaohe.Level2, PersonalInfo: "司马喆，大专学历。", Achievements: "1. 连续两年完成指标；\n2. 开发三个小区。",
			Report: report, Education: kaohe.EduVocational, Exemption: kaohe.ExemptionRequested, ExemptReason: "业绩特别优秀"},
		Submitted: kaohe.D(2026, 11, 2),
	}
	a.Manager.Education = kaohe.EduVocational
	var b bytes.Buffer
	if err := Application(&b, a, nil); err != nil {
		t.Fatal(err)
	}
	save("application.pdf", b.Bytes())
	text := pdfText(t, b.Bytes())
	// Take the page footers out: they stand between one page's text and the next.
	body := regexp.MustCompile(`第 \d+ 页 / 共 \d+ 页`).ReplaceAllString(text, "")
	squash := strings.NewReplacer("\n", "", " ", "", "\f", "", "　", "").Replace
	body = strings.ReplaceAll(squash(body), "上海徐汇旗舰展厅司马喆", "")
	if !strings.Contains(body, squash(report)) {
		t.Errorf("the report did not come out whole")
	}
	for _, want := range []string{"客户经理考级报名表", "司马喆", "二级客户经理", "不符合要求，已申请豁免（待总部批准）", "业绩特别优秀",
		fmt.Sprintf("（%d 字，本级要求不少于 3000 字）", kaohe.CountChars(report)), "2026年11月2日"} {
		if !contains(text, want) {
			t.Errorf("application lacks %q", want)
		}
	}
	if n := pageCount(t, b.Bytes()); n < 10 {
		t.Errorf("a 60 KB report fit in %d pages?", n)
	}
	fontsEmbedded(t, b.Bytes())
}
