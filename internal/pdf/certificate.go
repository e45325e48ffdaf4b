package pdf

import (
	"fmt"
	"io"

	"kaohe/internal/kaohe"
)

// CertificateData is what a printed certificate shows.
type CertificateData struct {
	kaohe.Certificate
	LevelName kaohe.Text // 二级客户经理
	VerifyURL string     // what the QR code opens; VerifyLink builds it
	// Enrolled: the printing install is enrolled with HQ, so an empty
	// VerifyURL means HQ has published no verify address (not that the
	// showroom is unknown to HQ).
	Enrolled bool
	Copy     bool // a reprint, marked 副本
	Lang     kaohe.Lang
}

// VerifyLink is the address of HQ's verify page for a certificate, which the
// QR code carries: {public}/verify/{serial}?code=…, public being the address
// HQ publishes (kaohe-hq serve --public-url). Without one it is "", and the
// certificate says it cannot be verified yet.
func VerifyLink(public string, c kaohe.Certificate) string {
	return kaohe.VerifyURL(public, c.Serial, c.VerifyCode)
}

var (
	certTitle  = lbl("等 级 证 书", "CERTIFICATE OF LEVEL")
	certHolder = lbl("兹证明", "This certifies that")
	certBody   = lbl("经客户经理绩效考核实施小组初审、等级考试、二审、三个月考察期及三审，成绩合格，特授予", "having passed the review group's first review, the level exam, the second review, three months' probation and the third review, is granted the level of")
	certCopy   = lbl("副本", "COPY")
	certSerial = lbl("证书编号", "Serial")
	certDate   = lbl("授予日期", "Granted on")
	certIssuer = lbl("颁发单位", "Issued by")
	certSeal   = lbl("（盖章）", "(seal)")
	certCode   = lbl("验证码", "Verification code")
	certScan   = lbl("扫码验证真伪", "Scan to verify")
	certNotYet = lbl("尚未可验证：本展厅尚未在总部登记", "Not yet verifiable: this showroom is not enrolled with HQ")
	certNoURL  = lbl("尚未可验证：总部尚未公布核验网址，请联系总部", "Not yet verifiable: HQ has not published its verify address; ask HQ")
)

// Certificate writes one certificate as an A4 landscape PDF.
func Certificate(w io.Writer, c CertificateData, font *Font) error {
	return render(w, font, landscape, c.Lang, func(d *doc) error { return d.certificate(c) })
}

func (d *doc) certificate(c CertificateData) error {
	if c.Serial == "" || c.HolderName == "" {
		return fmt.Errorf("certificate: serial and holder are required")
	}
	d.lang = c.Lang
	if d.lang == "" {
		d.lang = kaohe.LangZh
	}
	d.AddPage()
	const W, H = 297.0, 210.0
	// Borders: a thick red frame with a thin gold one inside.
	d.SetDrawColor(0xb7, 0x1c, 0x1c)
	d.SetLineWidth(2.2)
	d.Rect(8, 8, W-16, H-16, "D")
	d.SetDrawColor(0xc9, 0xa2, 0x27)
	d.SetLineWidth(0.6)
	d.Rect(13, 13, W-26, H-26, "D")
	d.SetFillColor(0xc9, 0xa2, 0x27)
	for _, p := range [][2]float64{{13, 13}, {W - 13, 13}, {13, H - 13}, {W - 13, H - 13}} {
		d.Circle(p[0], p[1], 2.2, "F")
	}

	d.SetTextColor(0xb7, 0x1c, 0x1c)
	title := d.t(certTitle)
	size := 40.0
	if d.lang == kaohe.LangEn {
		size = 30
	}
	d.text(0, 30, W, size, "C", title)
	if c.Copy {
		d.SetDrawColor(0xb7, 0x1c, 0x1c)
		d.SetLineWidth(0.8)
		d.Rect(W-58, 24, 32, 14, "D")
		d.text(W-58, 27.5, 32, 18, "C", d.t(certCopy))
	}

	d.SetTextColor(0x22, 0x22, 0x22)
	d.text(40, 62, W-80, 16, "L", d.t(certHolder))
	d.SetTextColor(0, 0, 0)
	d.text(0, 76, W, 30, "C", c.HolderName)
	d.SetTextColor(0x44, 0x44, 0x44)
	d.text(0, 92, W, 14, "C", c.Showroom)
	d.SetTextColor(0x22, 0x22, 0x22)
	d.SetFontSize(13)
	d.SetXY(40, 104)
	for _, line := range d.lines(d.t(certBody), W-80) {
		d.CellFormat(W-80, 7, d.note(line), "", 2, "C", false, 0, "")
		d.SetX(40)
	}
	d.SetTextColor(0xb7, 0x1c, 0x1c)
	d.text(0, 124, W, 28, "C", d.t(c.LevelName))

	// Particulars, bottom middle.
	d.SetTextColor(0x22, 0x22, 0x22)
	rows := [][2]string{
		{d.t(certSerial), c.Serial},
		{d.t(certDate), d.date(c.GrantedOn)},
		{d.t(certIssuer), c.Issuer},
	}
	for i, r := range rows {
		y := 150 + float64(i)*8
		d.text(70, y, 32, 11, "R", r[0]+(map[bool]string{true: "：", false: ": "}[d.lang == kaohe.LangZh]))
		d.text(103, y, 90, 11, "L", r[1])
	}

	// Seal area, bottom right: where the red company seal is stamped.
	d.SetDrawColor(0xb7, 0x1c, 0x1c)
	d.SetLineWidth(0.3)
	d.SetDashPattern([]float64{1.5, 1.2}, 0)
	d.Circle(W-62, 160, 21, "D")
	d.SetDashPattern([]float64{}, 0)
	d.SetTextColor(0x99, 0x99, 0x99)
	d.text(W-83, 158, 42, 10, "C", d.t(certSeal))
	d.SetTextColor(0x22, 0x22, 0x22)
	d.text(W-100, 184, 76, 11, "C", c.Issuer)

	// QR code and short code, bottom left.
	if c.VerifyURL == "" {
		// Printed before enrolling, or HQ has published no address: none
		// a phone could open yet.
		why := certNotYet
		if c.Enrolled {
			why = certNoURL
		}
		d.SetTextColor(0xaa, 0x22, 0x22)
		d.SetFontSize(9)
		for i, ln := range d.lines(d.t(why), 40) {
			d.text(18, 152+float64(i)*5, 42, 9, "C", ln)
		}
		d.SetTextColor(0x22, 0x22, 0x22)
	} else {
		if err := d.qr(c.VerifyURL, 24, 146, 30); err != nil {
			return err
		}
		d.text(18, 178, 42, 8, "C", d.t(certScan))
	}
	d.text(18, 183, 42, 9, "C", d.t(certCode)+" "+c.VerifyCode)
	d.SetTextColor(0, 0, 0)
	return nil
}
