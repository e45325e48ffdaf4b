package pdf

import (
	"bytes"
	"os"
	"testing"

	"kaohe/internal/kaohe"
)

func sampleCert() CertificateData {
	c := kaohe.Certificate{Serial: "KH-2026-000123", HolderName: "欧阳堃", Showroom: "上海徐汇旗舰展厅", Level: kaohe.Level2,
		GrantedOn: kaohe.D(2026, 11, 27), Issuer: "客户经理绩效考核实施小组", VerifyCode: "7KQ2M9XH"}
	return CertificateData{Certificate: c, LevelName: kaohe.DefaultLevels()[1].Name, VerifyURL: VerifyLink("https://hq.example.cn/", c)}
}

func TestCertificate(t *testing.T) {
	var b bytes.Buffer
	if err := Certificate(&b, sampleCert(), nil); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, b.Bytes())
	for _, want := range []string{"等级证书", "欧阳堃", "上海徐汇旗舰展厅", "二级客户经理", "2026年11月27日", "KH-2026-000123", "客户经理绩效考核实施小组", "7KQ2M9XH"} {
		if !contains(text, want) {
			t.Errorf("certificate lacks %q:\n%s", want, text)
		}
	}
	if contains(text, "副本") {
		t.Errorf("an original is marked 副本")
	}
	if n := pageCount(t, b.Bytes()); n != 1 {
		t.Errorf("%d pages", n)
	}
	fontsEmbedded(t, b.Bytes())
	if b.Len() > 60<<10 {
		t.Errorf("certificate is %d bytes; want ≤ 60 KB", b.Len())
	}
	if out := os.Getenv("KAOHE_PDF_OUT"); out != "" {
		os.WriteFile(out+"/certificate.pdf", b.Bytes(), 0o644)
	}

	c := sampleCert()
	c.Copy = true
	b.Reset()
	if err := Certificate(&b, c, nil); err != nil {
		t.Fatal(err)
	}
	if !contains(pdfText(t, b.Bytes()), "副本") {
		t.Errorf("a reprint is not marked 副本")
	}

	c.Lang = kaohe.LangEn
	b.Reset()
	if err := Certificate(&b, c, nil); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, b.Bytes()); !contains(text, "CERTIFICATE OF LEVEL") || !contains(text, "2026-11-27") || !contains(text, "欧阳堃") {
		t.Errorf("English certificate:\n%s", text)
	}
	if link := VerifyLink("https://hq.example.cn/", c.Certificate); link != "https://hq.example.cn/verify/KH-2026-000123?code=7KQ2M9XH" {
		t.Errorf("link = %q", link)
	}
	// Printed before enrolling: no QR code, and it says so.
	if link := VerifyLink("", c.Certificate); link != "" {
		t.Errorf("link without HQ's address = %q", link)
	}
	c.VerifyURL, c.Lang = "", kaohe.LangZh
	b.Reset()
	if err := Certificate(&b, c, nil); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, b.Bytes()); !contains(text, "尚未可验证：本展厅尚未在总部登记") {
		t.Errorf("an unverifiable certificate does not say so:\n%s", text)
	}
	// Enrolled, but HQ serves without --public-url: it says that, not that
	// the showroom is unknown to HQ.
	c.Enrolled = true
	b.Reset()
	if err := Certificate(&b, c, nil); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, b.Bytes()); !contains(text, "尚未可验证：总部尚未公布核验网址，请联系总部") || contains(text, "尚未在总部登记") {
		t.Errorf("an enrolled showroom's certificate without HQ's address says:\n%s", text)
	}
}
