// Package bundle is the offline path: a signed, gzip-compressed file of
// changes that a showroom writes for HQ (or HQ for a showroom) and the other
// side imports from a USB stick or a watched folder. Ed25519 signatures let
// the importer refuse a tampered or foreign file. Standard library only.
//
// A bundle comes from outside, so it is never held in memory whole: inside
// the gzip stream it is one JSON object a line (a header, then one line per
// change, then one per acknowledged change id, then the signature), and the
// signature covers a SHA-256 of the lines before it. Open reads the file
// once, line by line within limits, to check the signature; only a file that
// proves genuine is read again, in batches, for its changes.
package bundle

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// Kinds of bundle.
const (
	ToHQ       = "showroom-to-hq"
	ToShowroom = "hq-to-showroom"
)

// Ext is the file extension of bundles.
const Ext = ".kaohe"

// Header is a bundle's first line: what it is, for whom, and from when.
type Header struct {
	Format     string `json:"format"` // "kaohe-bundle"
	Layout     int    `json:"layout"` // 2: a line per change
	Version    int    `json:"version"`
	Kind       string `json:"kind"`
	ShowroomID string `json:"showroom_id"`
	Created    string `json:"created"`
	Cursor     int64  `json:"cursor,omitempty"` // HQ → showroom: the pull cursor after these changes
}

// Bundle is one file's content, as a writer gathers it.
type Bundle struct {
	Kind       string
	ShowroomID string
	Created    string
	Changes    []protocol.Change
	Cursor     int64    // HQ → showroom: the pull cursor after these
	Acked      []string // HQ → showroom: the showroom's changes HQ holds
	// Release (HQ → showroom) is the manifest of HQ's newest build, signed
	// with HQ's key as online; the build itself travels beside the bundle
	// (the same folder, under Release.File), too large for a bundle's limits.
	Release *protocol.Release
}

const (
	format = "kaohe-bundle"
	layout = 2
	// signContext separates what a bundle signature covers from anything
	// else the same key signs.
	signContext = "kaohe-bundle-v2\x00"
)

// Limits bound what reading one bundle may cost. A real showroom's change
// is a few kilobytes (the longest is a level-3 application with its 5,000-字
// report, about 20 KB); a showroom's whole history is a few tens of MB.
type Limits struct {
	File     int64 // bytes of the file as stored (compressed)
	Inflated int64 // bytes after inflating
	Line     int   // bytes of one line, i.e. one change
}

// DefaultLimits are the importers' limits.
var DefaultLimits = Limits{File: 64 << 20, Inflated: 256 << 20, Line: 1 << 20}

// Batch bounds on what Changes hands over at once.
const (
	batchChanges = protocol.MaxBatch
	batchBytes   = 8 << 20
	batchAcks    = 10000
)

// line is every line after the header: exactly one field is set.
type line struct {
	Change    *protocol.Change  `json:"change,omitempty"`
	Ack       string            `json:"ack,omitempty"`
	Release   *protocol.Release `json:"release,omitempty"`
	Signature string            `json:"signature,omitempty"`
}

// Write signs b with key and writes it compressed.
func Write(w io.Writer, b Bundle, key ed25519.PrivateKey) error {
	zw := gzip.NewWriter(w)
	bw := bufio.NewWriter(zw)
	h := sha256.New()
	out := io.MultiWriter(bw, h)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	hdr := Header{Format: format, Layout: layout, Version: protocol.Version, Kind: b.Kind, ShowroomID: b.ShowroomID, Created: b.Created, Cursor: b.Cursor}
	if err := enc.Encode(hdr); err != nil {
		return err
	}
	for i := range b.Changes {
		if err := enc.Encode(line{Change: &b.Changes[i]}); err != nil {
			return err
		}
	}
	for _, id := range b.Acked {
		if err := enc.Encode(line{Ack: id}); err != nil {
			return err
		}
	}
	if b.Release != nil {
		if err := enc.Encode(line{Release: b.Release}); err != nil {
			return err
		}
	}
	sig := ed25519.Sign(key, signedMessage(h))
	if err := json.NewEncoder(bw).Encode(line{Signature: base64.StdEncoding.EncodeToString(sig)}); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

func signedMessage(h hash.Hash) []byte {
	return append([]byte(signContext), h.Sum(nil)...)
}

// File is a bundle whose signature has been checked. Its bytes wait in a
// private temporary file until Changes reads them; Close removes it.
type File struct {
	Header
	Changes, Acks int // how many of each the file holds
	// Release is the build manifest the bundle carries, or nil. The bundle's
	// signature covers it; its own signature is still to be checked, as
	// online (update.VerifyManifest).
	Release *protocol.Release

	tmp    *os.File
	limits Limits
}

// errBad, errTooLarge and friends are the refusals, in the user's language
// through their keys.
func errBad() error      { return kaohe.Errorf(kaohe.EINVALID, "err.bundle_bad") }
func errTooLarge() error { return kaohe.Errorf(kaohe.EINVALID, "err.bundle_too_large") }
func errSignature() error {
	return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.bundle_signature")
}

// Outdated refuses a genuine bundle written for another protocol version
// (HQ has moved on, say). It still hands over the release manifest the
// bundle carries: a showroom that only exchanges bundles learns this way of
// the build that reads them. It says itself as "please upgrade".
type Outdated struct {
	Version int               // the bundle's protocol version
	Release *protocol.Release // the build it names, or nil
}

func (o *Outdated) Error() string { return o.Unwrap().Error() }

// Unwrap is the "please upgrade" refusal in the user's language.
func (o *Outdated) Unwrap() error {
	return kaohe.Errorf(kaohe.ECONFLICT, "err.upgrade", "Detail", kaohe.Errorf(kaohe.ECONFLICT, "err.upgrade_bundle"))
}

// Open checks a bundle: the format, the version, the kind expected, that
// its showroom has keys trusted for it, every line within the limits and
// the signature over all of them. r is read once, as a stream: a forged,
// foreign or oversized file is refused with memory bounded by the line
// limit, never by the file's size. Nothing of the file is handed over
// before the signature is proven. A genuine bundle of another protocol
// version is refused with *Outdated, which carries its release.
func Open(r io.Reader, kind string, trusted func(showroomID string) []ed25519.PublicKey, lim Limits) (*File, error) {
	tmp, err := os.CreateTemp("", "kaohe-bundle-*")
	if err != nil {
		return nil, err
	}
	f := &File{tmp: tmp, limits: lim}
	if err := f.check(r, kind, trusted); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Close removes the bundle's temporary copy.
func (f *File) Close() error {
	if f.tmp == nil {
		return nil
	}
	f.tmp.Close()
	err := os.Remove(f.tmp.Name())
	f.tmp = nil
	return err
}

// capped counts what passes through it and fails once more than n bytes
// would pass.
type capped struct {
	r io.Reader
	n int64
}

var errCap = errors.New("over the limit")

func (c *capped) Read(p []byte) (int, error) {
	if c.n < 0 {
		return 0, errCap
	}
	if int64(len(p)) > c.n+1 {
		p = p[:c.n+1]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	if c.n < 0 {
		return n, errCap
	}
	return n, err
}

// lines reads a bundle's inflated lines from compressed bytes r.
type lines struct {
	br  *bufio.Reader
	zr  *gzip.Reader
	err error
}

func newLines(r io.Reader, lim Limits) (*lines, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		if errors.Is(err, errCap) {
			return nil, errTooLarge()
		}
		return nil, errBad()
	}
	return &lines{zr: zr, br: bufio.NewReaderSize(&capped{r: zr, n: lim.Inflated}, lim.Line)}, nil
}

// next returns the next line, valid until the following call; io.EOF at a
// clean end.
func (l *lines) next() ([]byte, error) {
	b, err := l.br.ReadSlice('\n')
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, bufio.ErrBufferFull), errors.Is(err, errCap):
		return nil, errTooLarge()
	case err == io.EOF && len(b) == 0:
		return nil, io.EOF
	}
	return nil, errBad() // a line cut short, or a broken stream
}

func strict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil || dec.More() {
		return errBad()
	}
	return nil
}

// check is Open's one pass over the stream.
func (f *File) check(r io.Reader, kind string, trusted func(string) []ed25519.PublicKey) error {
	// Copy the compressed bytes as they are read: the second pass reads
	// the very bytes that were checked, not the source again.
	src := &capped{r: io.TeeReader(r, f.tmp), n: f.limits.File}
	ls, err := newLines(src, f.limits)
	if err != nil {
		return err
	}
	first, err := ls.next()
	if err != nil {
		if err == io.EOF {
			return errBad()
		}
		return err
	}
	h := sha256.New()
	h.Write(first)
	if err := strict(first, &f.Header); err != nil || f.Format != format || f.Layout != layout {
		return errBad()
	}
	if f.Kind != kind {
		return kaohe.Errorf(kaohe.EINVALID, "err.bundle_kind")
	}
	keys := trusted(f.ShowroomID)
	if len(keys) == 0 { // nobody here could have signed it: read no further
		return errSignature()
	}
	var release *protocol.Release
	for {
		b, err := ls.next()
		if err == io.EOF {
			return errBad() // no signature
		}
		if err != nil {
			if src.n < 0 {
				return errTooLarge()
			}
			return err
		}
		// Change and ack lines are only told apart here and hashed: a
		// forger's file costs the hashing of it, not its decoding. Read
		// decodes each line strictly once the file has proven genuine.
		switch {
		case bytes.HasPrefix(b, []byte(`{"change":`)):
			if f.Acks > 0 || release != nil { // changes, then acknowledgements, then the release
				return errBad()
			}
			f.Changes++
			h.Write(b)
			continue
		case bytes.HasPrefix(b, []byte(`{"ack":`)):
			if release != nil {
				return errBad()
			}
			f.Acks++
			h.Write(b)
			continue
		case bytes.HasPrefix(b, []byte(`{"release":`)):
			// One short line, decoded now but handed over only once the
			// signature is proven.
			var l line
			if release != nil || strict(b, &l) != nil || l.Release == nil || l.Change != nil || l.Ack != "" || l.Signature != "" {
				return errBad()
			}
			release = l.Release
			h.Write(b)
			continue
		}
		var l line
		if err := strict(b, &l); err != nil || l.Signature == "" || l.Change != nil || l.Ack != "" {
			return errBad()
		}
		sig, err := base64.StdEncoding.DecodeString(l.Signature)
		if err != nil {
			return errSignature()
		}
		if _, err := ls.next(); err != io.EOF {
			return errBad() // something after the signature
		}
		if _, err := io.Copy(io.Discard, src); err != nil { // the rest of the file, into the copy
			if src.n < 0 {
				return errTooLarge()
			}
			return errBad()
		}
		msg := signedMessage(h)
		for _, k := range keys {
			if len(k) == ed25519.PublicKeySize && ed25519.Verify(k, msg, sig) {
				f.Release = release
				if f.Version != protocol.Version {
					return &Outdated{Version: f.Version, Release: release}
				}
				return nil
			}
		}
		return errSignature()
	}
}

// Read hands over the checked bundle's changes in batches (bounded in
// count and bytes), then the acknowledged ids in batches. A callback's
// error stops the reading and is returned.
func (f *File) Read(changes func([]protocol.Change) error, acks func([]string) error) error {
	if f.tmp == nil {
		return fmt.Errorf("bundle: read after close")
	}
	if _, err := f.tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	ls, err := newLines(bufio.NewReader(f.tmp), f.limits)
	if err != nil {
		return err
	}
	if _, err := ls.next(); err != nil { // the header, already known
		return err
	}
	var batch []protocol.Change
	var ids []string
	size := 0
	flush := func() error {
		if len(batch) > 0 && changes != nil {
			if err := changes(batch); err != nil {
				return err
			}
		}
		batch, size = nil, 0
		if len(ids) > 0 && acks != nil {
			if err := acks(ids); err != nil {
				return err
			}
		}
		ids = nil
		return nil
	}
	for {
		b, err := ls.next()
		if err != nil {
			return err
		}
		var l line
		if err := strict(b, &l); err != nil {
			return err
		}
		switch {
		case l.Change != nil:
			batch = append(batch, *l.Change)
			size += len(b)
			if len(batch) >= batchChanges || size >= batchBytes {
				if err := flush(); err != nil {
					return err
				}
			}
		case l.Release != nil: // known since Open
		case l.Ack != "":
			if len(batch) > 0 {
				if err := flush(); err != nil {
					return err
				}
			}
			ids = append(ids, l.Ack)
			if len(ids) >= batchAcks {
				if err := flush(); err != nil {
					return err
				}
			}
		default: // the signature: the end
			return flush()
		}
	}
}
