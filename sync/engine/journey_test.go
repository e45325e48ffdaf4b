package engine

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kaohe/internal/documents"
	"kaohe/internal/kaohe"
	"kaohe/internal/pdf"
	"kaohe/internal/store"
	"kaohe/sync/protocol"
)

// TestReviewJourney follows one promotion across two showrooms and HQ:
// application, first review, exam, second review, the three-month
// probation, third review, the level granted with a signed certificate that
// the showroom pulls and prints, and its verification: genuine, forged when
// edited, revoked when withdrawn.
func TestReviewJourney(t *testing.T) {
	h := newHQ(t)
	// HQ publishes its public address; certificates' QR codes carry it.
	if err := h.store.SetPublicURL(ctx, h.proxy.URL); err != nil {
		t.Fatal(err)
	}
	a := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	b := enroll(t, h, "BJ01", "北京朝阳展厅", true)
	seedReference(t, a.store)

	// The showroom: a level-1 manager applies for level 2.
	var mgr kaohe.Manager
	var app kaohe.Application
	err := a.store.Update(ctx, "展厅经理", func(tx *store.Tx) error {
		var err error
		if mgr, err = tx.CreateManager(kaohe.Manager{EmployeeNo: "D001", Name: "欧阳堃", Education: kaohe.EduCollege, HireDate: kaohe.D(2023, 3, 1)}, kaohe.Level1, kaohe.Date{}); err != nil {
			return err
		}
		if app, err = tx.SaveApplication(kaohe.Application{ManagerID: mgr.ID, TargetLevel: kaohe.Level2, PersonalInfo: "大专学历，2023年入职。",
			Achievements: "连续两个考核期优秀。", Report: strings.Repeat("述职", 1600)}); err != nil {
			return err
		}
		_, err = tx.SubmitApplication(app.ID, kaohe.D(2026, 1, 5))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)

	hqCred := hqCredential(t, h)
	by := []string{"陈建国（总经理）", "周静（人事部经理）"}
	decide := func(stage kaohe.Stage, pass bool, on kaohe.Date, score float64) protocol.Result {
		d := kaohe.Decision{ID: store.NewID(), AppID: app.ID, Stage: stage, Pass: pass, Date: on, DecidedBy: by, Comment: "评审小组意见"}
		if stage == kaohe.StageExam {
			d.ExamScore = &score
		}
		p, _ := json.Marshal(d)
		res, err := h.store.Push(ctx, hqCred, []protocol.Change{{ID: store.NewID(), Entity: kaohe.EntDecision, RowID: d.ID, Op: "upsert", Payload: p}})
		if err != nil {
			t.Fatal(err)
		}
		return res[0]
	}
	refused := func(r protocol.Result, why string) {
		t.Helper()
		if r.Status != protocol.Refused {
			t.Errorf("%s was accepted", why)
		}
	}
	applied := func(r protocol.Result, what string) {
		t.Helper()
		if r.Status != protocol.Applied {
			t.Fatalf("%s: %s %s", what, r.Status, r.Message)
		}
	}

	refused(decide(kaohe.StageExam, true, kaohe.D(2026, 1, 20), 90), "an exam before the first review")
	applied(decide(kaohe.StageFirst, true, kaohe.D(2026, 1, 10), 0), "first review")
	refused(decide(kaohe.StageFirst, true, kaohe.D(2026, 1, 11), 0), "a second first review")
	applied(decide(kaohe.StageExam, true, kaohe.D(2026, 2, 1), 86), "exam")
	applied(decide(kaohe.StageSecond, true, kaohe.D(2026, 11, 30), 0), "second review")
	refused(decide(kaohe.StageThird, true, kaohe.D(2027, 2, 27), 0), "a third review during probation")

	// A showroom may not decide for HQ, and may not send a certificate.
	forged, _ := json.Marshal(kaohe.Decision{ID: "x", AppID: app.ID, Stage: kaohe.StageThird, Pass: true, Date: kaohe.D(2027, 3, 1), DecidedBy: []string{"自己"}})
	token, _ := a.store.Meta(ctx, store.MetaToken)
	res, err := fastClient(h.proxy.URL, token).Push(ctx, []protocol.Change{{ID: store.NewID(), Entity: kaohe.EntDecision, RowID: "x", Op: "upsert", Payload: forged}})
	if err != nil || res[0].Status != protocol.Refused {
		t.Errorf("a showroom-forged decision: %+v %v", res, err)
	}
	// Nor may HQ send a certificate or level change by hand.
	fake, _ := json.Marshal(kaohe.Certificate{ID: "c", ManagerID: mgr.ID, Serial: "KH-2026-999999"})
	if r, _ := h.store.Push(ctx, hqCred, []protocol.Change{{ID: store.NewID(), Entity: kaohe.EntCertificate, RowID: "c", Op: "upsert", Payload: fake}}); r[0].Status != protocol.Refused {
		t.Errorf("a hand-made certificate was accepted")
	}

	mustSync(t, a)
	v, _ := a.store.Application(ctx, app.ID)
	if v.Review.State != kaohe.AppProbation || v.Review.ProbationEnd != kaohe.D(2027, 2, 28) {
		t.Fatalf("at the showroom: %s, probation ends %v; want probation to 2027-02-28", v.Review.State, v.Review.ProbationEnd)
	}

	// Not before probation has really ended by HQ's clock, whatever the
	// decision says.
	h.setToday(time.Date(2027, 2, 27, 12, 0, 0, 0, time.UTC))
	if r := decide(kaohe.StageThird, true, kaohe.D(2027, 2, 28), 0); r.Status != protocol.Refused || r.Code != kaohe.EINVALID {
		t.Errorf("third review dated after HQ's today: %+v", r)
	}
	// Probation over: the third review passes and HQ grants the level.
	h.setToday(time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))
	applied(decide(kaohe.StageThird, true, kaohe.D(2027, 2, 28), 0), "third review")
	mustSync(t, a)
	mustSync(t, b)
	row, _ := a.store.Manager(ctx, mgr.ID)
	if row.Level != kaohe.Level2 {
		t.Errorf("the showroom's manager is at level %d after the grant; want 2", row.Level)
	}
	certs, _ := a.store.Certificates(ctx, mgr.ID)
	if len(certs) != 1 {
		t.Fatalf("certificates at the showroom: %d", len(certs))
	}
	cert := certs[0]
	if cert.Serial != "KH-2027-000001" || len(cert.VerifyCode) != 8 || cert.Signature == "" || cert.HolderName != "欧阳堃" || cert.Showroom != "上海徐汇旗舰展厅" {
		t.Errorf("certificate = %+v", cert)
	}
	if _, err := b.store.CertificateBySerial(ctx, cert.Serial); err == nil {
		t.Errorf("BJ01 received SH01's certificate")
	}

	// The showroom prints it: the PDF carries the serial, the code, and a
	// QR code for HQ's verify page.
	var out bytes.Buffer
	maker := &documents.Maker{Store: a.store, Lang: kaohe.LangZh}
	if _, err := maker.Certificate(ctx, &out, "展厅经理", "D001"); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, out.Bytes())
	for _, want := range []string{"等级证书", "欧阳堃", "二级客户经理", "2027年2月28日", cert.Serial, cert.VerifyCode} {
		if !strings.Contains(text, want) {
			t.Errorf("the printed certificate lacks %q", want)
		}
	}
	published, _ := a.store.Meta(ctx, store.MetaPublicURL)
	if published != h.proxy.URL {
		t.Errorf("the showroom got HQ's public address %q; want %q", published, h.proxy.URL)
	}
	link := pdf.VerifyLink(published, cert)
	if !strings.HasPrefix(link, h.proxy.URL+"/verify/"+cert.Serial+"?code=") {
		t.Errorf("verify link = %q", link)
	}
	page := get(t, link)
	if !strings.Contains(page, "真实有效") || !strings.Contains(page, "欧阳堃") || !strings.Contains(page, "2027年2月28日") || !strings.Contains(page, "二级客户经理") {
		t.Errorf("verify page for the genuine certificate:\n%s", page)
	}
	if !strings.Contains(get(t, strings.Replace(link, cert.VerifyCode, "AAAAAAAA", 1)), "未找到") {
		t.Errorf("a wrong code does not say unknown")
	}

	// Verified offline with HQ's keys: genuine; edited fields: forged.
	keys, _ := h.store.PublicKeys(ctx)
	if got := cert.Verify(cert.VerifyCode, keys); got != kaohe.Genuine {
		t.Errorf("offline check = %s", got)
	}
	edited := cert
	edited.HolderName = "欧阳坤"
	if got := edited.Verify(cert.VerifyCode, keys); got != kaohe.Forged {
		t.Errorf("edited certificate = %s; want forged", got)
	}
	if c, v, _ := h.store.Verify(ctx, cert.Serial, cert.VerifyCode); v != kaohe.Genuine || c.Serial != cert.Serial {
		t.Errorf("kaohe-hq verify = %s", v)
	}

	// The showroom checks it offline with HQ's keys received by sync.
	localKeys, _ := a.store.HQKeys(ctx)
	if got := cert.Verify(cert.VerifyCode, localKeys); got != kaohe.Genuine {
		t.Errorf("offline at the showroom = %s (%d keys)", got, len(localKeys))
	}
	// A key rotation keeps the old certificate genuine, at HQ and offline.
	if _, err := h.store.NewKey(ctx); err != nil {
		t.Fatal(err)
	}
	if _, v, _ := h.store.Verify(ctx, cert.Serial, cert.VerifyCode); v != kaohe.Genuine {
		t.Errorf("after a key rotation: %s", v)
	}
	mustSync(t, a)
	if localKeys, _ = a.store.HQKeys(ctx); len(localKeys) != 2 || cert.Verify(cert.VerifyCode, localKeys) != kaohe.Genuine {
		t.Errorf("after a rotation the showroom has %d keys", len(localKeys))
	}

	// Revoked: the page and the showroom both say so.
	if _, err := h.store.Revoke(ctx, cert.Serial, "申报材料不实"); err != nil {
		t.Fatal(err)
	}
	if page := get(t, link); !strings.Contains(page, "已吊销") || !strings.Contains(page, "申报材料不实") {
		t.Errorf("verify page after revocation:\n%s", page)
	}
	mustSync(t, a)
	if certs, _ := a.store.Certificates(ctx, mgr.ID); !certs[0].Revoked {
		t.Errorf("the showroom does not know of the revocation")
	}
}

// seedReference gives a fresh showroom the levels, template and periods
// HQ would send.
func seedReference(t *testing.T, s *store.Store) {
	err := s.Update(ctx, "hq", func(tx *store.Tx) error {
		if err := tx.PutLevels(kaohe.DefaultLevels()); err != nil {
			return err
		}
		return tx.PutTemplate(kaohe.DefaultTemplate(), true)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.pdf")
	os.WriteFile(p, data, 0o644)
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("\n", "", " ", "").Replace(string(out))
}

// TestHQModeReplicaDecides: the review group's app, enrolled with an HQ
// credential, replicates every showroom, decides offline, syncs later; the
// decision reaches the applicant's showroom.
func TestHQModeReplicaDecides(t *testing.T) {
	h := newHQ(t)
	a := enroll(t, h, "SH01", "上海徐汇旗舰展厅", true)
	b := enroll(t, h, "BJ01", "北京朝阳展厅", true)
	mustSync(t, a)
	mustSync(t, b)

	code, _ := h.store.AddHQUser(ctx, "评审小组")
	rep, err := store.Open(ctx, filepath.Join(t.TempDir(), "hq-replica.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	if sr, err := Enroll(ctx, rep, h.proxy.URL, code); err != nil || sr.ID != "" {
		t.Fatalf("HQ enrollment: %+v %v", sr, err)
	}
	if role, _ := rep.Role(ctx); role != store.RoleHQ {
		t.Fatalf("role %s", role)
	}
	token, _ := rep.Meta(ctx, store.MetaToken)
	e := &Engine{Store: rep, Client: fastClient(h.proxy.URL, token)}
	if err := e.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	ms, _ := rep.ListManagers(ctx, kaohe.ManagerFilter{})
	if len(ms) != 40 {
		t.Errorf("the replica holds %d managers; want both showrooms' 40", len(ms))
	}
	// Decide offline: approve the exemption if asked, then the first review.
	apps, _ := rep.Applications(ctx, "")
	var target kaohe.ApplicationView
	for _, v := range apps {
		if v.Review.State == kaohe.AppSubmitted {
			owner, _ := rep.Manager(ctx, v.ManagerID)
			srA, _ := a.store.Showroom(ctx)
			// The demo writes HQ's decisions locally (it has no HQ): pick an
			// application the showroom also sees as just submitted.
			local, _ := a.store.Application(ctx, v.ID)
			if owner.ShowroomID == srA.ID && local.Review.State == kaohe.AppSubmitted {
				target = v
			}
		}
	}
	if target.ID == "" {
		t.Fatal("no submitted application of SH01 in the replica")
	}
	err = rep.Update(ctx, "陈建国（总经理）", func(tx *store.Tx) error {
		if target.Exemption == kaohe.ExemptionRequested {
			if _, err := tx.DecideExemption(kaohe.Exemption{AppID: target.ID, Approved: true, Date: kaohe.D(2026, 11, 27), DecidedBy: "陈建国"}); err != nil {
				return err
			}
		}
		_, err := tx.RecordDecision(kaohe.Decision{AppID: target.ID, Stage: kaohe.StageFirst, Pass: true, Date: kaohe.D(2026, 11, 28), DecidedBy: []string{"陈建国（总经理）"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if rs, _ := rep.Refused(ctx); len(rs) != 0 {
		t.Errorf("HQ refused the replica's decisions: %+v", rs)
	}
	mustSync(t, a)
	if v, _ := a.store.Application(ctx, target.ID); v.Review.State != kaohe.AppExam {
		t.Errorf("at the showroom: %s; want exam", v.Review.State)
	}
}
