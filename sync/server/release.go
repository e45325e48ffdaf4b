package server

import (
	"net/http"
	"strconv"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// releaseRoutes serve HQ's published builds to enrolled callers. They skip
// the schema-version check on purpose: an app HQ refuses with "please
// upgrade" fetches its update here.
func (s *Server) releaseRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+protocol.PathReleaseLatest, s.authed(s.releaseLatest))
	mux.HandleFunc("GET "+protocol.PathReleaseFile+"{name}", s.authed(s.releaseFile))
}

func (s *Server) releaseLatest(w http.ResponseWriter, r *http.Request, _ hq.Credential) {
	if s.Releases == "" {
		s.fail(w, kaohe.Errorf(kaohe.ENOTFOUND, "err.update_none"))
		return
	}
	rel, ok, err := s.Releases.Latest()
	if err != nil {
		s.fail(w, err)
		return
	}
	if !ok {
		s.fail(w, kaohe.Errorf(kaohe.ENOTFOUND, "err.update_none"))
		return
	}
	writeJSON(w, http.StatusOK, rel)
}

func (s *Server) releaseFile(w http.ResponseWriter, r *http.Request, cred hq.Credential) {
	if s.Releases == "" {
		s.fail(w, kaohe.Errorf(kaohe.ENOTFOUND, "err.update_none"))
		return
	}
	f, rel, err := s.Releases.Open(r.PathValue("name"))
	if err != nil {
		s.fail(w, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		s.fail(w, err)
		return
	}
	s.Log.Info("release download", "credential", cred.ID, "file", rel.File, "version", rel.Version)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	http.ServeContent(w, r, rel.File, st.ModTime(), f)
}
