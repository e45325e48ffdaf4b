package engine

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/sync/bundle"
	"kaohe/sync/client"
	"kaohe/sync/protocol"
)

// Meta keys of the bundle keys.
const (
	metaShowroomKey = "showroom_key"  // base64 Ed25519 private key: signs this showroom's bundles
	metaHQKeys      = "hq_public_key" // base64 Ed25519: checks HQ's bundles
)

// Enroll trades HQ's one-time code for a credential. A showroom's code makes
// this database that showroom's; an HQ user's code makes it HQ's replica of
// every showroom (returning a zero Showroom). For a showroom it makes
// the key pair that signs the showroom's offline bundles, registers the
// public half, and keeps HQ's public key to check HQ's bundles.
//
// It survives a lossy link: every attempt of one enrollment sends the same
// random request id, so a retry after a lost answer gets the same
// credential; the code is used up only once the credential is stored here
// and confirmed to HQ (an unconfirmed one is confirmed by the next sync).
func Enroll(ctx context.Context, s *store.Store, hqURL, code string) (kaohe.Showroom, error) {
	if err := kaohe.CheckEnrollment(hqURL, code); err != nil {
		return kaohe.Showroom{}, err
	}
	return enrollWith(ctx, s, client.New(hqURL, "", client.Options{}), hqURL, code, 8)
}

func enrollWith(ctx context.Context, s *store.Store, c *client.Client, hqURL, code string, attempts int) (kaohe.Showroom, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return kaohe.Showroom{}, err
	}
	requestID := store.NewID()
	var resp protocol.EnrollResponse
	for i := 0; ; i++ {
		resp, err = c.Enroll(ctx, code, base64.StdEncoding.EncodeToString(pub), requestID)
		if err == nil || !isOffline(err) || i+1 >= attempts || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return kaohe.Showroom{}, err
	}
	var sr kaohe.Showroom
	if resp.ShowroomID == "" { // an HQ credential: this database becomes HQ's replica
		if err := s.EnrolledHQ(ctx, hqURL, resp.Token, resp.Replica); err != nil {
			return kaohe.Showroom{}, err
		}
		err = s.SetMeta(ctx, map[string]string{metaHQKeys: resp.HQPublicKey, metaConfirmed: ""})
	} else {
		sr = kaohe.Showroom{ID: resp.ShowroomID, Code: resp.ShowroomCode, Name: resp.ShowroomName}
		if err := s.Enrolled(ctx, sr, hqURL, resp.Token, resp.Replica); err != nil {
			return sr, err
		}
		err = s.SetMeta(ctx, map[string]string{metaShowroomKey: base64.StdEncoding.EncodeToString(priv), metaHQKeys: resp.HQPublicKey, metaConfirmed: ""})
	}
	if err != nil {
		return sr, err
	}
	// Stored: now the code may be used up. If the link fails here, the next
	// sync confirms.
	confirm(ctx, s, client.New(hqURL, resp.Token, client.Options{}))
	return sr, nil
}

// metaConfirmed is "1" once HQ knows the credential is stored here.
const metaConfirmed = "enroll_confirmed"

// confirm tells HQ, once, that this database has stored its credential.
func confirm(ctx context.Context, s *store.Store, c interface {
	Confirm(ctx context.Context, replica string) error
}) error {
	if v, _ := s.Meta(ctx, metaConfirmed); v == "1" {
		return nil
	}
	replica, err := s.Meta(ctx, store.MetaReplica)
	if err != nil {
		return err
	}
	if err := c.Confirm(ctx, replica); err != nil {
		return err
	}
	return s.SetMeta(ctx, map[string]string{metaConfirmed: "1"})
}

// ExportBundle writes this showroom's unsent changes as a signed bundle.
// They stay queued: HQ's answer (online, or its bundle back) takes them out.
func ExportBundle(ctx context.Context, s *store.Store, w io.Writer) (int, error) {
	keyS, err := s.Meta(ctx, metaShowroomKey)
	if err != nil {
		return 0, err
	}
	key, _ := base64.StdEncoding.DecodeString(keyS)
	if len(key) != ed25519.PrivateKeySize {
		return 0, kaohe.Errorf(kaohe.ECONFLICT, "err.not_enrolled")
	}
	sr, err := s.Showroom(ctx)
	if err != nil {
		return 0, err
	}
	if err := s.NumberPending(ctx); err != nil {
		return 0, err
	}
	b := bundle.Bundle{Kind: bundle.ToHQ, ShowroomID: sr.ID, Created: nowStamp()}
	for after := int64(0); ; {
		cs, err := s.PendingChangesAfter(ctx, after, protocol.MaxBatch)
		if err != nil {
			return 0, err
		}
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			b.Changes = append(b.Changes, toWire(c))
		}
		after = cs[len(cs)-1].Seq
	}
	var buf bytes.Buffer
	if err := bundle.Write(&buf, b, ed25519.PrivateKey(key)); err != nil {
		return 0, err
	}
	_, err = w.Write(buf.Bytes())
	return len(b.Changes), err
}

// ImportBundle applies HQ's bundle: the changes after this database's
// cursor (an older bundle, or the same one twice, changes nothing), then
// marks the showroom changes HQ acknowledges as sent.
func ImportBundle(ctx context.Context, s *store.Store, r io.Reader) (applied int, err error) {
	sum, err := ImportBundleReport(ctx, s, r)
	return sum.Applied, err
}

// Imported sums up HQ's bundle imported here: the changes applied and the
// ones skipped for breaking a local rule (the first 1,000, with reasons).
type Imported struct {
	Applied, Refused int
	Refusals         []store.Refusal
	// Release is the build HQ's bundle names (its signature still to be
	// checked, StageFile), also when the bundle was refused as written for
	// a newer protocol; nil when it names none.
	Release *protocol.Release
}

// ImportBundleReport is ImportBundle that also tells which changes were
// refused and why, for the note beside the file in a drop folder.
func ImportBundleReport(ctx context.Context, s *store.Store, r io.Reader) (sum Imported, err error) {
	applied := 0
	defer func() { sum.Applied = applied }()
	keyS, err := s.Meta(ctx, metaHQKeys)
	if err != nil {
		return sum, err
	}
	hqKey, _ := base64.StdEncoding.DecodeString(keyS)
	sr, err := s.Showroom(ctx)
	if err != nil {
		return sum, err
	}
	f, err := bundle.Open(r, bundle.ToShowroom, func(string) []ed25519.PublicKey { return []ed25519.PublicKey{hqKey} }, bundle.DefaultLimits)
	var outdated *bundle.Outdated
	if errors.As(err, &outdated) {
		sum.Release = outdated.Release // the build that reads this bundle
	}
	if err != nil {
		return sum, err
	}
	defer f.Close()
	if f.ShowroomID != sr.ID {
		return sum, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.bundle_foreign")
	}
	sum.Release = f.Release
	cursor, err := s.PullCursor(ctx)
	if err != nil {
		return sum, err
	}
	// Batch by batch, each with the cursor it reaches: an import cut short
	// resumes where it stopped, and an older bundle, or the same one twice,
	// changes nothing.
	err = f.Read(func(cs []protocol.Change) error {
		var changes []store.Change
		next := cursor
		for _, c := range cs {
			if c.Seq > cursor {
				changes = append(changes, store.Change{ID: c.ID, Entity: c.Entity, RowID: c.RowID, Op: c.Op, Payload: c.Payload, Created: c.At, Version: c.Version, By: c.By})
				next = max(next, c.Seq)
			}
		}
		if len(changes) == 0 {
			return nil
		}
		refused, err := s.ApplyRemoteRefused(ctx, "总部同步包", changes, next)
		if err != nil {
			return err
		}
		applied += len(changes) // taken in; the refused ones are audited and noted
		sum.Refused += len(refused)
		for _, r := range refused {
			if len(sum.Refusals) < 1000 {
				sum.Refusals = append(sum.Refusals, r)
			}
		}
		cursor = next
		return nil
	}, func(ids []string) error {
		acks := make([]store.Outcome, len(ids))
		for i, id := range ids {
			acks[i] = store.Outcome{ChangeID: id}
		}
		return s.MarkPushed(ctx, acks)
	})
	if err != nil {
		return sum, err
	}
	if f.Cursor > cursor {
		err = s.ApplyRemote(ctx, "总部同步包", nil, f.Cursor)
	}
	return sum, err
}
