// Package server is the HQ sync server's HTTP side: enrollment, push and pull
// under /api/v1, with the schema version checked before anything else, every
// request authenticated by a bearer token whose showroom it acts for, gzip
// both ways, and bounded bodies.
package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/internal/update"
	"kaohe/sync/protocol"
)

// Server serves one HQ database.
type Server struct {
	Store *hq.Store
	Log   *slog.Logger
	// Insecure lets showrooms enroll over plain HTTP from other machines
	// (a one-time code then crosses the network in clear); without it only
	// HTTPS or a caller on this machine may enroll.
	Insecure bool
	// Now is the clock of the rate limits; default time.Now.
	Now func() time.Time
	// Releases is the folder of builds published with kaohe-hq release add
	// (release.go); empty: no updates offered.
	Releases update.Dir

	gates *gates
	order order // each credential's pipelined pushes, in the order sent
}

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	s.gates = newGates(s.Now)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+protocol.PathHealth, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(protocol.HeaderVersion, strconv.Itoa(protocol.Version))
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /verify/{serial}", s.guardVerify(s.verify))
	mux.HandleFunc("POST "+protocol.PathEnroll, s.versioned(s.guardEnroll(s.enroll)))
	mux.HandleFunc("POST "+protocol.PathPush, s.versioned(s.authed(s.push)))
	mux.HandleFunc("POST "+protocol.PathPull, s.versioned(s.authed(s.pull)))
	mux.HandleFunc("POST "+protocol.PathConfirm, s.versioned(s.authed(s.confirm)))
	mux.HandleFunc("POST "+protocol.PathRecover, s.versioned(s.authed(s.recover)))
	s.releaseRoutes(mux)
	return s.logged(mux)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(sw, r)
		s.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"ms", time.Since(start).Milliseconds(), "remote", r.RemoteAddr)
	})
}

// fail answers with a protocol.Error and the status its code maps to.
func (s *Server) fail(w http.ResponseWriter, err error) {
	status, code := http.StatusInternalServerError, kaohe.EINTERNAL
	body := protocol.Error{Message: err.Error()}
	var ke *kaohe.Error
	if errors.As(err, &ke) {
		code = ke.Code
		body.Key, body.Args = ke.Key, ke.Args
		status = map[string]int{kaohe.EINVALID: 400, kaohe.EUNAUTHORIZED: 401, kaohe.ENOTFOUND: 404, kaohe.ECONFLICT: 409}[ke.Code]
		if status == 0 {
			status = 500
		}
	}
	if status == 500 {
		s.Log.Error("internal", "err", err)
	}
	body.Code = code
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set(protocol.HeaderVersion, strconv.Itoa(protocol.Version))
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// versioned refuses a client of another schema version before reading or
// writing anything, with a "please upgrade" answer.
func (s *Server) versioned(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get(protocol.HeaderVersion); v != strconv.Itoa(protocol.Version) {
			writeJSON(w, http.StatusUpgradeRequired, protocol.Error{Code: protocol.CodeUpgrade,
				Message: fmt.Sprintf("版本不一致，请升级程序 / please upgrade: server schema %d, client %q", protocol.Version, v)})
			return
		}
		next(w, r)
	}
}

func (s *Server) authed(next func(http.ResponseWriter, *http.Request, hq.Credential)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			s.fail(w, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.unauthorized"))
			return
		}
		cred, err := s.Store.Authenticate(r.Context(), token)
		if err != nil {
			s.fail(w, err)
			return
		}
		next(w, r, cred)
	}
}

// decode reads a JSON body, gzip or not, refusing one too large or malformed.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, protocol.MaxBodyBytes)
	var rd io.Reader = body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(body)
		if err != nil {
			return kaohe.Errorf(kaohe.EINVALID, "err.bad_request", "Detail", "gzip")
		}
		defer zr.Close()
		// The limit holds after inflating too: a small bomb is refused.
		rd = io.LimitReader(zr, protocol.MaxBodyBytes+1)
	}
	data, err := io.ReadAll(rd)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || len(data) > protocol.MaxBodyBytes {
		return kaohe.Errorf(kaohe.EINVALID, "err.too_large")
	}
	if err != nil {
		return kaohe.Errorf(kaohe.EINVALID, "err.bad_request", "Detail", err.Error())
	}
	// The request itself is read as strictly as any row (duplicate keys,
	// unknown fields, control and bidi characters); each change's payload is
	// judged on its own, so one bad change is refused alone.
	if err := kaohe.CheckEnvelope(data, "payload"); err != nil {
		return err
	}
	if req, ok := v.(*protocol.PushRequest); ok {
		return decodePush(data, req)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return kaohe.Errorf(kaohe.EINVALID, "err.bad_request", "Detail", err.Error())
	}
	return nil
}

func (s *Server) enroll(w http.ResponseWriter, r *http.Request) {
	var req protocol.EnrollRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	resp, err := s.Store.Enroll(r.Context(), req.Code, req.PublicKey, req.RequestID)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.Log.Info("enrolled", "showroom", resp.ShowroomCode)
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) push(w http.ResponseWriter, r *http.Request, cred hq.Credential) {
	if !s.order.begin(cred.ID) {
		s.outOfOrder(w)
		return
	}
	committed := ""
	defer func() { s.order.end(cred.ID, committed) }()
	start := time.Now()
	var req protocol.PushRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	if len(req.Changes) > protocol.MaxBatch {
		s.fail(w, kaohe.Errorf(kaohe.EINVALID, "err.too_large"))
		return
	}
	if req.After != "" {
		if err := kaohe.CheckID(req.After); err != nil {
			s.fail(w, err)
			return
		}
	}
	batch := hq.NewBatch(cred, req.Changes) // the payloads and what they say alone, before waiting
	decoded := time.Now()
	if req.After != "" {
		// Decoded while the batch before is applied; applied after it.
		if err := s.order.waitFor(r.Context(), s.Store, cred, req.After); err == errOutOfOrder {
			s.outOfOrder(w)
			return
		} else if err != nil {
			s.fail(w, err)
			return
		}
	}
	waited := time.Now()
	results, err := s.Store.PushBatch(r.Context(), cred, req.Replica, batch)
	if err != nil {
		s.fail(w, err)
		return
	}
	applied := time.Now()
	if n := len(req.Changes); n > 0 {
		committed = req.Changes[n-1].ID
	}
	refused := 0
	for _, res := range results {
		if res.Status == protocol.Refused {
			refused++
		}
	}
	// Where the time went: reading and decoding the request, waiting for
	// the batch before (pipelined pushes), checking and writing it (until
	// commit).
	s.Log.Info("push", "credential", cred.ID, "showroom", cred.ShowroomID, "changes", len(req.Changes), "refused", refused,
		"read_ms", ms(decoded.Sub(start)), "wait_ms", ms(waited.Sub(decoded)), "apply_ms", ms(applied.Sub(waited)))
	writeJSON(w, http.StatusOK, protocol.PushResponse{Results: results})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (s *Server) confirm(w http.ResponseWriter, r *http.Request, cred hq.Credential) {
	var req protocol.ConfirmRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	if err := s.Store.Confirm(r.Context(), cred, req.Replica); err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

func (s *Server) recover(w http.ResponseWriter, r *http.Request, cred hq.Credential) {
	var req protocol.RecoverRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	resp, err := s.Store.Recover(r.Context(), cred, req.Cursor, req.Limit)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.Log.Info("recover", "credential", cred.ID, "showroom", cred.ShowroomID, "rows", len(resp.Changes))
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request, cred hq.Credential) {
	var req protocol.PullRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	resp, err := s.Store.Pull(r.Context(), cred, req.Cursor, req.Limit)
	if err != nil {
		s.fail(w, err)
		return
	}
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set(protocol.HeaderVersion, strconv.Itoa(protocol.Version))
		zw := gzip.NewWriter(w)
		json.NewEncoder(zw).Encode(resp)
		zw.Close()
		return
	}
	writeJSON(w, http.StatusOK, resp)
}
