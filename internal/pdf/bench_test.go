package pdf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"kaohe/internal/kaohe"
)

func benchCerts(n int) []CertificateData {
	given := []string{"喆", "堃", "玥", "子轩", "雨桐", "建华", "晓东", "思远", "欣怡", "浩然"}
	sur := []string{"张", "王", "李", "赵", "欧阳", "司马", "孙", "周", "吴", "郑"}
	out := make([]CertificateData, n)
	for i := range out {
		c := sampleCert()
		c.HolderName = sur[i%len(sur)] + given[(i/len(sur))%len(given)]
		c.Serial = fmt.Sprintf("KH-2026-%06d", i+1)
		c.VerifyURL = VerifyLink("https://hq.example.cn", c.Certificate)
		out[i] = c
	}
	return out
}

// BenchmarkCertificateFiles makes a batch of 1,000 certificates as separate
// files on disk, cutting the batch font once; ns/cert is the cost of each.
func BenchmarkCertificateFiles(b *testing.B) {
	certs := benchCerts(1000)
	dir := b.TempDir()
	var bytesTotal int64
	for b.Loop() {
		font, err := CutFontFor(certs)
		if err != nil {
			b.Fatal(err)
		}
		bytesTotal = 0
		for i, c := range certs {
			var buf bytes.Buffer
			if err := Certificate(&buf, c, font); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("c%04d.pdf", i)), buf.Bytes(), 0o644); err != nil {
				b.Fatal(err)
			}
			bytesTotal += int64(buf.Len())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000/1e6, "ms/cert")
	b.ReportMetric(float64(bytesTotal)/1000, "B/cert")
}

// BenchmarkCertificateSingle is one certificate with the full font, the
// cost when printing just one.
func BenchmarkCertificateSingle(b *testing.B) {
	c := sampleCert()
	var n int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Certificate(&buf, c, nil); err != nil {
			b.Fatal(err)
		}
		n = buf.Len()
	}
	b.ReportMetric(float64(n), "B/cert")
}

// BenchmarkSummary200Pages makes a showroom summary of about 200 pages.
func BenchmarkSummary200Pages(b *testing.B) {
	tpl := kaohe.DefaultTemplate()
	p, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2026, 1)
	s := SummaryData{Showroom: "上海徐汇旗舰展厅", Period: p, Template: tpl}
	for i := 1; i <= 6000; i++ {
		total := float64(40 + (i*37)%60)
		g := tpl.GradeOf(total)
		s.Rows = append(s.Rows, SummaryRow{
			Manager:   kaohe.Manager{EmployeeNo: fmt.Sprintf("D%05d", i), Name: []string{"张喆", "李玥", "王堃"}[i%3]},
			LevelName: kaohe.DefaultLevels()[i%3].Name, Assessment: kaohe.Assessment{Total: total, Grade: g.Code, Coefficient: g.Coefficient},
			Grade: g.Name, Sales: kaohe.Completion{Target: 1000, Actual: int64(800 + i%400)},
		})
	}
	var pages, size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Summary(&buf, s, nil); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	d := newDoc(FullFont(), portrait, kaohe.LangZh)
	d.summary(s)
	pages = d.PageNo()
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(size), "B/doc")
}
