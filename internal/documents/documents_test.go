package documents

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
)

var ctx = context.Background()

func demoMaker(t *testing.T) *Maker {
	t.Helper()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := demo.Seed(ctx, s, demo.Options{Today: kaohe.D(2026, 11, 27)}); err != nil {
		t.Fatal(err)
	}
	return &Maker{Store: s, Lang: kaohe.LangZh, PublicURL: "https://hq.example.cn"}
}

func text(t *testing.T, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "d.pdf")
	os.WriteFile(p, pdf, 0o644)
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("\n", "", " ", "").Replace(string(out))
}

func TestCertificateOriginalThenCopy(t *testing.T) {
	m := demoMaker(t)
	certs, _ := m.Store.Certificates(ctx, "")
	holder, _ := m.Store.Manager(ctx, certs[0].ManagerID)
	var first, second bytes.Buffer
	if _, err := m.Certificate(ctx, &first, "王经理", holder.EmployeeNo); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Certificate(ctx, &second, "王经理", holder.EmployeeNo); err != nil {
		t.Fatal(err)
	}
	t1, t2 := text(t, first.Bytes()), text(t, second.Bytes())
	if !strings.Contains(t1, holder.Name) || !strings.Contains(t1, certs[0].Serial) || strings.Contains(t1, "副本") {
		t.Errorf("first print: %s", t1)
	}
	if !strings.Contains(t2, "副本") {
		t.Errorf("the reprint is not marked 副本")
	}
	audit, _ := m.Store.Audit(ctx, "", "", 5)
	if audit[0].Action != "certificate.print" || audit[0].Actor != "王经理" {
		t.Errorf("print not audited: %+v", audit[0])
	}
	// Someone without a certificate gets a clear refusal, and no print is logged.
	var b bytes.Buffer
	if _, err := m.Certificate(ctx, &b, "王经理", "D001"); kaohe.ErrorCode(err) != kaohe.ENOTFOUND || b.Len() != 0 {
		t.Errorf("certificate of D001 = %v (%d bytes)", err, b.Len())
	}
}

func TestReportSummaryApplication(t *testing.T) {
	m := demoMaker(t)
	var b bytes.Buffer
	if err := m.Report(ctx, &b, "D003", "2026-H1"); err != nil {
		t.Fatal(err)
	}
	mgr, _ := m.Store.ManagerByNo(ctx, "D003")
	tx := text(t, b.Bytes())
	for _, want := range []string{"客户经理考核报告", mgr.Name, "2026年上半年", "销售额", "历次考核总分趋势"} {
		if !strings.Contains(tx, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if err := m.Report(ctx, &b, "D003", "1999-H1"); kaohe.ErrorCode(err) != kaohe.ENOTFOUND {
		t.Errorf("report of a period without assessment = %v", err)
	}

	b.Reset()
	if err := m.Summary(ctx, &b, "2025-H2"); err != nil {
		t.Fatal(err)
	}
	ts := text(t, b.Bytes())
	ms, _ := m.Store.ListManagers(ctx, kaohe.ManagerFilter{})
	for _, mg := range ms {
		if mg.Status == kaohe.StatusActive && mg.Level == kaohe.Level1 && !strings.Contains(ts, mg.EmployeeNo) {
			t.Errorf("summary lacks %s", mg.EmployeeNo)
		}
	}

	apps, _ := m.Store.Applications(ctx, "")
	for _, a := range apps {
		if a.Review.State == kaohe.AppProbation {
			owner, _ := m.Store.Manager(ctx, a.ManagerID)
			b.Reset()
			if err := m.Application(ctx, &b, owner.EmployeeNo); err != nil {
				t.Fatal(err)
			}
			ta := text(t, b.Bytes())
			if !strings.Contains(ta, "客户经理考级报名表") || !strings.Contains(ta, owner.Name) {
				t.Errorf("application form: %.200s", ta)
			}
			// The whole report is there.
			want := strings.NewReplacer("\n", "", " ", "").Replace(a.Report)
			if !strings.Contains(ta, want[:200]) || !strings.Contains(ta, want[len(want)-200:]) {
				t.Errorf("the report is not whole in the form")
			}
		}
	}
}

func TestReportsBatchAndCancel(t *testing.T) {
	m := demoMaker(t)
	dir := t.TempDir()
	var seen []int
	files, err := m.Reports(ctx, dir, "2025-H2", func(done, total int) { seen = append(seen, done) })
	if err != nil {
		t.Fatal(err)
	}
	as, _ := m.Store.Assessments(ctx, store.AssessmentFilter{PeriodID: "2025-H2"})
	if len(files) != len(as) || len(seen) != len(as) || seen[len(seen)-1] != len(as) {
		t.Errorf("%d files, progress %v, for %d assessments", len(files), seen, len(as))
	}
	// Cancel half-way: what was done stays, nothing half-written remains.
	cctx, cancel := context.WithCancel(ctx)
	dir2 := t.TempDir()
	files, err = m.Reports(cctx, dir2, "2025-H2", func(done, total int) {
		if done == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || len(files) != 3 {
		t.Errorf("cancelled batch: %d files, %v", len(files), err)
	}
	left, _ := filepath.Glob(filepath.Join(dir2, "*"))
	if len(left) != 3 {
		t.Errorf("after cancel the folder holds %v", left)
	}
}

// A certificate without HQ's verify address says why it cannot be checked:
// printed before enrolling, or, once enrolled, because HQ has published no
// address (kaohe-hq serve without --public-url), never that an enrolled
// showroom is not enrolled.
func TestCertificateSaysWhyItIsNotVerifiable(t *testing.T) {
	m := demoMaker(t)
	m.PublicURL = ""
	certs, _ := m.Store.Certificates(ctx, "")
	holder, _ := m.Store.Manager(ctx, certs[0].ManagerID)
	print := func() string {
		var b bytes.Buffer
		if _, err := m.Certificate(ctx, &b, "王经理", holder.EmployeeNo); err != nil {
			t.Fatal(err)
		}
		return text(t, b.Bytes())
	}
	if got := print(); !strings.Contains(got, "尚未可验证：本展厅尚未在总部登记") {
		t.Errorf("before enrolling: %s", got)
	}
	if err := m.Store.SetMeta(ctx, map[string]string{store.MetaToken: "t0ken"}); err != nil {
		t.Fatal(err)
	}
	if got := print(); !strings.Contains(got, "尚未可验证：总部尚未公布核验网址，请联系总部") || strings.Contains(got, "尚未在总部登记") {
		t.Errorf("enrolled, HQ without a public address: %s", got)
	}
	if err := m.Store.SetMeta(ctx, map[string]string{store.MetaPublicURL: "https://hq.example.cn"}); err != nil {
		t.Fatal(err)
	}
	if got := print(); strings.Contains(got, "尚未可验证") || !strings.Contains(got, "扫码验证真伪") {
		t.Errorf("with HQ's address: %s", got)
	}
}
