package server

import (
	"html/template"
	"net/http"

	"kaohe/internal/kaohe"
)

// verifyPage shows what a certificate's QR code leads to: the certified
// content as HQ issued it, and whether it is genuine, revoked, forged or
// unknown — never a bare "valid".
var verifyPage = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>等级证书验证 · Certificate check</title>
<style>
body{font-family:"Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{color:#b71c1c;font-size:1.5rem}.v{padding:1rem;border-radius:.5rem;font-size:1.15rem;margin:1rem 0}
.genuine{background:#e8f5e9;border:2px solid #2e7d32}.revoked,.forged{background:#ffebee;border:2px solid #b71c1c}.unknown{background:#fff8e1;border:2px solid #f9a825}
table{border-collapse:collapse;width:100%}td{padding:.4rem;border-bottom:1px solid #ddd}td:first-child{color:#666;width:7rem}small{color:#666}
</style></head><body>
<h1>客户经理等级证书验证</h1>
<div class="v {{.Verdict}}">
{{if eq .Verdict "genuine"}}✓ 真实有效：此证书由{{.C.Issuer}}签发，内容与签发记录一致。<br><small>Genuine: issued by HQ, content unchanged.</small>
{{else if eq .Verdict "revoked"}}✗ 已吊销：此证书已被总部收回。原因：{{.C.RevokedWhy}}<br><small>Revoked by HQ.</small>
{{else if eq .Verdict "forged"}}✗ 伪造：证书内容与总部签发记录不符，请勿采信。<br><small>Forged: the content does not match what HQ signed.</small>
{{else}}？ 未找到：证书编号或验证码不正确，请核对证书上的编号与验证码。<br><small>Unknown: no certificate with this serial and code.</small>{{end}}
</div>
{{if or (eq .Verdict "genuine") (eq .Verdict "revoked")}}
<p>请核对纸质证书上的内容与下列记录一致 / Check the printed certificate against this record:</p>
<table>
<tr><td>持证人</td><td>{{.C.HolderName}}</td></tr>
<tr><td>展厅</td><td>{{.C.Showroom}}</td></tr>
<tr><td>等级</td><td>{{.Level}}</td></tr>
<tr><td>授予日期</td><td>{{.C.GrantedOn.Chinese}}</td></tr>
<tr><td>证书编号</td><td>{{.C.Serial}}</td></tr>
<tr><td>颁发单位</td><td>{{.C.Issuer}}</td></tr>
</table>{{end}}
</body></html>`))

func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	c, verdict, err := s.Store.Verify(r.Context(), r.PathValue("serial"), r.URL.Query().Get("code"))
	if err != nil {
		s.fail(w, err)
		return
	}
	level := ""
	if ls, err := s.Store.Levels(r.Context()); err == nil {
		if li, err := ls.Get(c.Level); err == nil {
			level = li.Name.Zh
		}
	}
	if verdict == kaohe.Unknown {
		c = kaohe.Certificate{} // say nothing of a certificate the asker cannot name
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusOK
	if verdict == kaohe.Unknown {
		status = http.StatusNotFound
	}
	w.WriteHeader(status)
	verifyPage.Execute(w, struct {
		Verdict kaohe.Verdict
		C       kaohe.Certificate
		Level   string
	}{verdict, c, level})
}
