package kaohe

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The 字数 golden file: every line of testdata/wordcount.golden is
// LibreOffice Writer's word count (meta:word-count) of one string, a tab,
// and the string in Go syntax. `make wordcount-golden` writes it by running
// LibreOffice over wordCorpus(); `make wordcount-diff` (in CI) runs
// LibreOffice again and fails on any difference. The everyday test below
// needs no LibreOffice.
const goldenPath = "testdata/wordcount.golden"

func TestCountCharsMatchesLibreOfficeGolden(t *testing.T) {
	cases := readGolden(t)
	if len(cases) < 500 {
		t.Fatalf("%s holds %d cases; want at least 500", goldenPath, len(cases))
	}
	bad := 0
	for _, c := range cases {
		if got := CountChars(c.text); got != c.want {
			bad++
			if bad <= 30 {
				t.Errorf("CountChars(%q) = %d; LibreOffice counts %d", c.text, got, c.want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d strings counted differently from LibreOffice", bad, len(cases))
	}
	// The golden file is the corpus: a changed generator needs a new run.
	corpus := wordCorpus(t)
	if len(corpus) != len(cases) {
		t.Fatalf("the corpus has %d strings, %s %d: run make wordcount-golden", len(corpus), goldenPath, len(cases))
	}
	for i := range corpus {
		if corpus[i] != cases[i].text {
			t.Fatalf("string %d of the corpus is %q, of %s %q: run make wordcount-golden", i, corpus[i], goldenPath, cases[i].text)
		}
	}
}

type goldenCase struct {
	text string
	want int
}

func readGolden(t *testing.T) []goldenCase {
	t.Helper()
	f, err := os.Open(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []goldenCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		count, quoted, ok := strings.Cut(line, "\t")
		want, err := strconv.Atoi(count)
		text, qerr := strconv.Unquote(quoted)
		if !ok || err != nil || qerr != nil {
			t.Fatalf("%s:%d: not COUNT<tab>QUOTED: %q", goldenPath, n, line)
		}
		out = append(out, goldenCase{text, want})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func writeGolden(t *testing.T, texts []string, counts []int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# 字数: LibreOffice Writer's meta:word-count of each string (count, tab, Go-quoted string).\n")
	b.WriteString("# Written by `make wordcount-golden`; do not edit by hand.\n")
	for i, s := range texts {
		fmt.Fprintf(&b, "%d\t%s\n", counts[i], strconv.Quote(s))
	}
	if err := os.WriteFile(goldenPath, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Pieces the corpus is made of: what a showroom's report, an application or
// a name may hold.
var (
	pieceHan       = []string{"述职报告", "客户经理", "展厅", "考核", "年度总结", "整体厨柜", "设计方案", "喆", "堃", "玥", "销售额", "完成", "市场", "服务"}
	pieceKana      = []string{"ひらがな", "カタカナ", "가나다", "ㄅㄆㄇ"}
	pieceFullPunct = []string{"，", "。", "、", "；", "：", "？", "！", "《", "》", "〈", "〉", "【", "】", "（", "）", "「", "」", "『", "』", "〔", "〕", "·", "￥", "％", "＃", "＠", "＆", "＊", "～", "〜", "・", "〃"}
	pieceHalfPunct = []string{",", ".", ";", ":", "?", "!", "(", ")", "[", "]", "{", "}", "<", ">", "/", "\\", "@", "#", "$", "%", "&", "*", "+", "=", "~", "`", "^", "|", "_", "§", "°", "©", "®", "™", "¥", "€", "£"}
	pieceDash      = []string{"—", "——", "–", "-", "‐", "‑", "‒", "―", "⸺", "－", "--", " - ", " — "}
	pieceEllipsis  = []string{"…", "……", "...", "⋯", "⋯⋯", "。。。"}
	pieceQuote     = []string{"“", "”", "‘", "’", "\"", "'", "«", "»", "„", "‹", "›", "〝", "〞", "＂", "＇"}
	pieceDigit     = []string{"2025", "3.14", "1,000", "50%", "12.5%", "0", "１２３", "２０２５", "Ⅲ", "①", "⑴", "1/2", "2025-10-05", "18:08:05", "No.1", "+86", "-5"}
	pieceLatin     = []string{"hello", "World", "iPhone15", "e-mail", "KPI", "O2O", "Wi-Fi", "don't", "café", "naïve", "Q3", "A4", "CEO", "Ａｂｃ", "ＡＢＣ", "αβγ", "Привет", "e\u0301"}
	pieceEmoji     = []string{"😀", "👍", "👍🏽", "👨\u200d👩\u200d👧", "❤️", "❤", "✅", "🇨🇳", "1️⃣", "☺", "⭐", "🎉", "🏠", "✨"}
	pieceSpace     = []string{" ", "  ", "\t", "\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\u200a", "\u202f", "\u205f", "\u2007", "\u200b", "\u2060", "\n"}
)

// wordCorpus is the fixed list of strings LibreOffice's count is taken of:
// hand-picked cases, generated mixes of every kind of piece (a fixed seed,
// so the list never changes by itself), and the company's policy, line by
// line and whole.
func wordCorpus(t *testing.T) []string {
	t.Helper()
	out := []string{
		"《述职报告》——2025年度",
		"客户经理，考核。", "hello world", "完成2000字", "iPhone15很好", "Q3 销售额增长12.5%，超额完成",
		"１２３", "ＡＢＣ公司", "《厨柜》“整体”方案……", "好👍", "👍🏻", "👨\u200d👩\u200d👧", "❤️", "café crème",
		"a,b c", "张三\u3000李四", "喆堃玥", "ㄅㄆ가나ひらカタ", "——", "—", "a—b", "a–b", "a-b", "中——文", "……", "...",
		"“你好”", "\"hello\"", "'hi'", "(注)", "（注）", "10%", "¥100", "$100", "😀😀", "你好😀", "😀你好", "A4纸", "2025年",
	}
	groups := [][]string{pieceHan, pieceKana, pieceFullPunct, pieceHalfPunct, pieceDash, pieceEllipsis, pieceQuote, pieceDigit, pieceLatin, pieceEmoji, pieceSpace}
	// Each piece alone, between two Han characters, between two Latin
	// words, and between a number and a Han character.
	for _, g := range groups {
		for _, p := range g {
			out = append(out, p, "中"+p+"文", "ab"+p+"cd", "12"+p+"中")
		}
	}
	r := rand.New(rand.NewPCG(20251005, 1))
	for len(out) < 1100 {
		n := 2 + r.IntN(7)
		var b strings.Builder
		for range n {
			g := groups[r.IntN(len(groups))]
			b.WriteString(g[r.IntN(len(g))])
		}
		out = append(out, b.String())
	}
	policy, err := os.ReadFile(filepath.Join("testdata", "policy.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(policy), "\r\n", "\n")
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	}
	out = append(out, strings.TrimRight(text, "\n"))
	// A string is one paragraph file for LibreOffice: it cannot begin with a
	// byte order mark, and a text file's final newline ends no word.
	for i, s := range out {
		out[i] = strings.TrimPrefix(s, "\ufeff")
	}
	return out
}
