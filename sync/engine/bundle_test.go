package engine

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/sync/bundle"
	"kaohe/sync/protocol"
)

// hqImport checks and applies a showroom bundle at HQ.
func hqImport(t *testing.T, h *hqServer, data []byte) (hq.Imported, error) {
	t.Helper()
	return h.store.ImportFile(ctx, bytes.NewReader(data))
}

func hqExport(t *testing.T, h *hqServer, code string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := h.store.ExportFile(ctx, code, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOfflineBundles(t *testing.T) {
	h := newHQ(t)
	a := enroll(t, h, "SH01", "上海徐汇旗舰展厅", true) // enrolled online once, then offline
	b := enroll(t, h, "BJ01", "北京朝阳展厅", false)

	var out bytes.Buffer
	n, err := ExportBundle(ctx, a.store, &out)
	if err != nil || n < 1000 {
		t.Fatalf("export = %d, %v", n, err)
	}
	bundleA := out.Bytes()
	res, err := hqImport(t, h, bundleA)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != n || res.Refused != 0 || res.Duplicates != 0 {
		t.Fatalf("import of %d changes: %+v", n, res)
	}
	// The same bundle again changes nothing.
	before, _ := h.store.Stats(ctx)
	res, _ = hqImport(t, h, bundleA)
	if res.Duplicates != n || res.Applied != 0 {
		t.Errorf("re-import: %+v", res)
	}
	after, _ := h.store.Stats(ctx)
	if before["SH01"]["actuals"] != after["SH01"]["actuals"] || after["SH01"]["managers"] != 20 {
		t.Errorf("re-import changed HQ: %v -> %v", before["SH01"], after["SH01"])
	}

	// Tampered: one figure changed inside the signed content.
	if _, err := hqImport(t, h, tamper(t, bundleA)); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
		t.Errorf("tampered bundle = %v", err)
	}
	// Foreign: B's key signing a bundle that claims to be A's.
	var forged bytes.Buffer
	_, bKey, _ := ed25519.GenerateKey(rand.Reader)
	bundle.Write(&forged, bundle.Bundle{Kind: bundle.ToHQ, ShowroomID: showroomID(t, a), Changes: nil}, bKey)
	if _, err := hqImport(t, h, forged.Bytes()); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
		t.Errorf("foreign bundle = %v", err)
	}
	// Not a bundle at all.
	if _, err := hqImport(t, h, []byte("PK\x03\x04 a spreadsheet")); kaohe.ErrorCode(err) != kaohe.EINVALID {
		t.Errorf("junk = %v", err)
	}

	// HQ decides, and writes a bundle back.
	apps, _ := a.store.Applications(ctx, "")
	var submitted kaohe.ApplicationView
	for _, v := range apps {
		if v.Review.State == kaohe.AppSubmitted {
			submitted = v
		}
	}
	hqCred := hqCredential(t, h)
	approveExemption(t, hqPusher{h, hqCred}, submitted)
	d := kaohe.Decision{ID: store.NewID(), AppID: submitted.ID, Stage: kaohe.StageFirst, Pass: true, Date: kaohe.D(2026, 11, 28), DecidedBy: []string{"陈建国"}}
	p, _ := json.Marshal(d)
	if r, err := h.store.Push(ctx, hqCred, []protocol.Change{{ID: store.NewID(), Entity: kaohe.EntDecision, RowID: d.ID, Op: "upsert", Payload: p}}); err != nil || r[0].Status != protocol.Applied {
		t.Fatalf("decision: %+v %v", r, err)
	}
	older := hqExport(t, h, "SH01") // holds the first decision
	d2 := kaohe.Decision{ID: store.NewID(), AppID: submitted.ID, Stage: kaohe.StageExam, Pass: true, Date: kaohe.D(2026, 12, 5), DecidedBy: []string{"陈建国"}, ExamScore: ptr(88)}
	p, _ = json.Marshal(d2)
	h.store.Push(ctx, hqCred, []protocol.Change{{ID: store.NewID(), Entity: kaohe.EntDecision, RowID: d2.ID, Op: "upsert", Payload: p}})
	newer := hqExport(t, h, "SH01")

	if n, _ := a.store.PendingCount(ctx); n == 0 {
		t.Fatal("the showroom's changes should still be queued before HQ's bundle")
	}
	if _, err := ImportBundle(ctx, a.store, bytes.NewReader(newer)); err != nil {
		t.Fatal(err)
	}
	v, _ := a.store.Application(ctx, submitted.ID)
	if v.Review.State != kaohe.AppSecond {
		t.Errorf("after HQ's bundle: %s; want second", v.Review.State)
	}
	if n, _ := a.store.PendingCount(ctx); n != 0 {
		t.Errorf("%d changes still queued after HQ acknowledged them", n)
	}
	// The older bundle afterwards, and the newer again: nothing changes.
	for _, again := range [][]byte{older, newer} {
		if n, err := ImportBundle(ctx, a.store, bytes.NewReader(again)); err != nil || n != 0 {
			t.Errorf("old/duplicate bundle applied %d changes, %v", n, err)
		}
	}
	if v, _ := a.store.Application(ctx, submitted.ID); v.Review.State != kaohe.AppSecond {
		t.Errorf("an old bundle moved the application back to %s", v.Review.State)
	}
	// A's bundle is refused by B.
	if _, err := ImportBundle(ctx, b.store, bytes.NewReader(newer)); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
		t.Errorf("A's bundle at B = %v", err)
	}
	// A showroom's own bundle is not for a showroom to import.
	if _, err := ImportBundle(ctx, a.store, bytes.NewReader(bundleA)); kaohe.ErrorCode(err) != kaohe.EINVALID {
		t.Errorf("wrong direction = %v", err)
	}
}

func ptr(v float64) *float64 { return &v }

func showroomID(t *testing.T, sr *showroom) string {
	s, err := sr.store.Showroom(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func hqCredential(t *testing.T, h *hqServer) hq.Credential {
	code, _ := h.store.AddHQUser(ctx, "评审小组")
	resp, err := h.store.Enroll(ctx, code, "")
	if err != nil {
		t.Fatal(err)
	}
	cred, err := h.store.Authenticate(ctx, resp.Token)
	if err != nil {
		t.Fatal(err)
	}
	return cred
}

// tamper changes a byte of a bundle's content and packs it again.
func tamper(t *testing.T, data []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	i := bytes.Index(raw, []byte(`"value":`))
	if i < 0 {
		t.Fatal("no figure to tamper with")
	}
	raw[i+len(`"value":`)] = '9'
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(raw)
	zw.Close()
	return out.Bytes()
}
