// Package demo seeds a realistic, deterministic demo showroom: Chinese names,
// managers across levels 1–3, monthly targets and actuals, assessments for
// every period, trainings in all five categories, rewards and penalties, and
// level applications at every review stage, one of them granted with its
// certificate. The same seed and day give the same data.
package demo

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/password"
	"kaohe/internal/store"
)

// Options shape the demo. The zero value is the standard demo showroom.
type Options struct {
	Seed     uint64     // default 20061016
	Managers int        // default 20
	Years    int        // years of figures and assessments, ending with Today's; default 2
	Today    kaohe.Date // the demo's "now"; required
	// Progress, if set, is told how many managers are done.
	Progress func(done, total int)
}

// Summary counts what Seed wrote.
type Summary struct {
	Managers, Periods, Assessments, Trainings, Rewards, Applications int
	// HQ are the acts the demo wrote as HQ's stand-in, in the order it wrote
	// them: levels HQ set (*kaohe.LevelChange), exemption decisions
	// (*kaohe.Exemption) and review decisions (*kaohe.Decision). SeedHQ has
	// HQ make them itself.
	HQ []HQAct
}

// HQAct is one of HQ's acts in the demo's story: the entity and the row.
type HQAct struct {
	Entity string
	Row    any
}

const actor = "演示数据"

// Seed fills an empty database with the demo showroom. It refuses a
// database that already has managers, so it never mixes with real data.
func Seed(ctx context.Context, s *store.Store, o Options) (Summary, error) {
	o = o.withDefaults()
	if o.Today.IsZero() {
		return Summary{}, fmt.Errorf("demo: Today is required")
	}
	existing, err := s.ListManagers(ctx, kaohe.ManagerFilter{WithDeleted: true})
	if err != nil {
		return Summary{}, err
	}
	if len(existing) > 0 {
		return Summary{}, kaohe.Errorf(kaohe.ECONFLICT, "err.demo_not_empty", "Count", len(existing))
	}
	g := &gen{o: o, r: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), s: s}
	// An enrolled showroom has an HQ that decides for itself: the demo then
	// plays no part of HQ's (no review decisions, levels above a hire's
	// first, certificate), which HQ would never hold and could not accept
	// a reference to. A showroom without HQ gets them as HQ's stand-in,
	// dropped when it first enrolls.
	token, err := s.Meta(ctx, store.MetaToken)
	if err != nil {
		return Summary{}, err
	}
	g.enrolled = token != ""
	// Row ids come from the seed too (and from the showroom's id when it is
	// enrolled already, so two enrolled demo showrooms never share an id):
	// the same demo has the same ids in every database, which lets HQ's demo
	// (SeedHQ) make the decisions on the very rows this one writes.
	g.ids = rowIDs(o, s)
	s.RowIDs = g.ids
	defer func() { s.RowIDs = nil }()
	if err := g.reference(ctx); err != nil {
		return g.sum, fmt.Errorf("demo reference data: %w", err)
	}
	if err := g.managers(ctx); err != nil {
		return g.sum, fmt.Errorf("demo managers: %w", err)
	}
	if err := g.trainings(ctx); err != nil {
		return g.sum, fmt.Errorf("demo trainings: %w", err)
	}
	if err := g.applications(ctx); err != nil {
		return g.sum, fmt.Errorf("demo applications: %w", err)
	}
	if err := Accounts(ctx, s); err != nil {
		return g.sum, fmt.Errorf("demo accounts: %w", err)
	}
	return g.sum, nil
}

// withDefaults fills in the standard demo's options where o has none.
func (o Options) withDefaults() Options {
	if o.Seed == 0 {
		o.Seed = 20061016
	}
	if o.Managers <= 0 {
		o.Managers = 20
	}
	if o.Years <= 0 {
		o.Years = 2
	}
	return o
}

// Periods are the assessment periods the demo assesses (半年一考评): the
// half-years of its years (o.Years, ending with Today's) that have begun by
// Today. HQ's demo publishes the same ones (SeedHQ), so the demo's oldest
// assessments have their period at HQ whatever years it was made with.
func Periods(o Options) []kaohe.Period {
	o = o.withDefaults()
	var out []kaohe.Period
	for y := o.Today.Year - o.Years + 1; y <= o.Today.Year; y++ {
		for h := 1; h <= 2; h++ {
			p, err := kaohe.StandardPeriod(kaohe.PeriodHalf, y, h)
			if err == nil && !p.Start.After(o.Today) {
				out = append(out, p)
			}
		}
	}
	return out
}

// ReviewGroup is the demo's review group: the policy's roles
// (kaohe.DefaultReviewGroup, the same ids HQ publishes) with names.
func ReviewGroup() []kaohe.ReviewMember {
	names := map[string]string{"rg-leader": "陈建国", "rg-admin-finance": "刘芳", "rg-marketing": "孙浩", "rg-hr": "周静", "rg-finance": "吴磊"}
	out := kaohe.DefaultReviewGroup()
	for i := range out {
		out[i].Name = names[out[i].ID]
		if out[i].Role == "leader" {
			out[i].Title = "总经理"
		}
	}
	return out
}

// rowIDs is the demo's source of row ids: UUIDv7-shaped (time-ordered by
// the order of writing, from the demo's today), the rest from the seed.
func rowIDs(o Options, s *store.Store) func() string {
	var salt uint64
	if sr, err := s.Showroom(context.Background()); err == nil {
		for _, c := range []byte(sr.ID) {
			salt = salt*131 + uint64(c)
		}
	}
	r := rand.New(rand.NewPCG(o.Seed^0x5bd1e995, salt))
	ms := uint64(o.Today.Time().UnixMilli())
	n := uint64(0)
	return func() string {
		var u [16]byte
		n++
		t := ms + n
		for i := 0; i < 6; i++ {
			u[i] = byte(t >> (40 - 8*i))
		}
		a, b := r.Uint64(), r.Uint64()
		for i := 6; i < 16; i++ {
			if i < 11 {
				u[i] = byte(a >> (8 * (i - 6)))
			} else {
				u[i] = byte(b >> (8 * (i - 11)))
			}
		}
		u[6] = 0x70 | (u[6] & 0x0f)
		u[8] = 0x80 | (u[8] & 0x3f)
		return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
	}
}

// DemoAccount is one of the demo's accounts, one per showroom role, with
// its documented password (README).
type DemoAccount struct {
	EmployeeNo, Name, Password string
	Role                       kaohe.Role
}

// DemoAccounts are the demo's accounts: the level-3 showroom manager D001, a
// clerk without a manager record, and the level-1 customer manager D002.
var DemoAccounts = []DemoAccount{
	{EmployeeNo: "D001", Password: "manager-demo", Role: kaohe.RoleShowroomManager},
	{EmployeeNo: "W001", Name: "王芳", Password: "clerk-demo", Role: kaohe.RoleClerk},
	{EmployeeNo: "D002", Password: "staff-demo", Role: kaohe.RoleCustomerManager},
}

// Accounts adds the demo accounts whose employee numbers have none yet (an
// account made at set-up keeps its own password), named as the manager
// records with their numbers.
func Accounts(ctx context.Context, s *store.Store) error {
	for _, d := range DemoAccounts {
		if _, err := s.AccountByEmployeeNo(ctx, d.EmployeeNo); err == nil {
			continue
		}
		name := d.Name
		if m, err := s.ManagerByNo(ctx, d.EmployeeNo); err == nil {
			name = m.Name
		}
		h, err := password.Hash(d.Password)
		if err != nil {
			return err
		}
		if err := s.Update(ctx, actor, func(tx *store.Tx) error {
			_, err := tx.SaveAccount(kaohe.Account{Name: name, EmployeeNo: d.EmployeeNo, Role: d.Role, PasswordHash: h})
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

type gen struct {
	enrolled bool // an HQ decides: write none of its acts
	ids      func() string
	o        Options
	r        *rand.Rand
	s        *store.Store
	sum      Summary
	periods  []kaohe.Period
	staff    []staff
	members  []string
	assessor string // the showroom manager, as assessments name her
	room     kaohe.Showroom
}

type staff struct {
	m     kaohe.Manager
	level kaohe.Level
	skill float64 // 0.55–1.0: how well this person tends to do
}

func (g *gen) firstYear() int { return g.o.Today.Year - g.o.Years + 1 }

func (g *gen) reference(ctx context.Context) error {
	return g.s.Update(ctx, actor, func(tx *store.Tx) error {
		// A showroom already enrolled with HQ keeps its identity.
		if sr, err := g.s.Showroom(ctx); err == nil {
			g.room = sr
		} else if g.room, err = tx.SetShowroom(kaohe.Showroom{Code: "SH-XH01", Name: "上海徐汇旗舰展厅", Region: "华东片区", City: "上海"}); err != nil {
			return err
		}
		if err := tx.PutLevels(kaohe.DefaultLevels()); err != nil {
			return err
		}
		if err := tx.PutTemplate(kaohe.DefaultTemplate(), true); err != nil {
			return err
		}
		for _, m := range ReviewGroup() {
			if _, err := tx.PutReviewMember(m); err != nil {
				return err
			}
			g.members = append(g.members, m.Name+"（"+m.Title+"）")
		}
		// Half-year periods (半年一考评) up to the current one.
		for _, p := range Periods(g.o) {
			if err := tx.PutPeriod(p); err != nil {
				return err
			}
			g.periods = append(g.periods, p)
		}
		g.sum.Periods = len(g.periods)
		return nil
	})
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
		"刚", "桂英", "建华", "晓东", "婷婷", "志强", "海燕", "雪梅", "子轩", "浩然", "欣怡", "梓涵", "一鸣", "思远", "嘉怡", "俊杰", "雨桐", "晨曦", "佳琪", "宇航"}
	// Rare characters that a GB2312-only font loses; the demo keeps them in
	// sight so a missing glyph shows at once.
	rareGiven = []string{"喆", "堃", "玥", "昱", "珺", "翀"}
)

func (g *gen) name(used map[string]bool, i int) string {
	for {
		sn := string(surnames[g.r.IntN(len(surnames))])
		var gn string
		if i%7 == 1 {
			gn = rareGiven[g.r.IntN(len(rareGiven))]
		} else {
			gn = given[g.r.IntN(len(given))]
		}
		if g.r.IntN(3) == 0 && len([]rune(gn)) == 1 {
			gn += given[g.r.IntN(20)]
		}
		n := sn + gn
		if !used[n] || len(used) > 5000 {
			used[n] = true
			return n
		}
	}
}

// employeeNo is D001, D002 … D999, D1000 …: the same at every size, so the
// demo accounts (D001, D002) name the same people in a demo of 10,000.
func (g *gen) employeeNo(i int) string {
	return fmt.Sprintf("D%03d", i)
}

// levelFor spreads levels as a showroom has them: one level-3 showroom
// manager per 20 people, about a quarter at level 2, the rest level 1.
func levelFor(i int) kaohe.Level {
	switch {
	case (i-1)%20 == 0:
		return kaohe.Level3
	case i%4 == 0:
		return kaohe.Level2
	}
	return kaohe.Level1
}

var seasonal = kaohe.SeasonalWeights()

func (g *gen) managers(ctx context.Context) error {
	used := map[string]bool{}
	edus := []kaohe.Education{kaohe.EduVocational, kaohe.EduCollege, kaohe.EduCollege, kaohe.EduBachelor, kaohe.EduBachelor, kaohe.EduHighSchool, kaohe.EduMaster}
	const batch = 50
	for start := 1; start <= g.o.Managers; start += batch {
		err := g.s.Update(ctx, actor, func(tx *store.Tx) error {
			for i := start; i < start+batch && i <= g.o.Managers; i++ {
				if err := g.manager(tx, i, used, edus); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if g.o.Progress != nil {
			g.o.Progress(min(start+batch-1, g.o.Managers), g.o.Managers)
		}
	}
	return nil
}

func (g *gen) manager(tx *store.Tx, i int, used map[string]bool, edus []kaohe.Education) error {
	level := levelFor(i)
	edu := edus[g.r.IntN(len(edus))]
	if level > kaohe.Level1 && edu < kaohe.EduCollege {
		edu = kaohe.EduCollege
	}
	gender := kaohe.GenderFemale
	if g.r.IntN(2) == 0 {
		gender = kaohe.GenderMale
	}
	hire := kaohe.D(g.firstYear()-1-g.r.IntN(5), 1+time.Month(g.r.IntN(12)), 1+g.r.IntN(28))
	// A year at each level before the next, and a year before anyone applies:
	// however short the history asked for, HQ's last grant is not after today
	// and nobody applied before being hired.
	if latest := g.o.Today.AddMonths(-12*max(int(level-1), 1) - 1); hire.After(latest) {
		hire = latest.AddDays(-g.r.IntN(300))
	}
	// The showroom manager reached level 3 before the first period the
	// demo assesses: she assesses every one of them (CheckShowroomAssessor
	// judges her level at each period's end).
	if first := g.firstYear() - 5; level == kaohe.Level3 && hire.Year > first {
		hire = kaohe.D(first, hire.Month, min(hire.Day, 28))
	}
	m := kaohe.Manager{
		EmployeeNo: g.employeeNo(i), Name: g.name(used, i), Gender: gender,
		Phone:     fmt.Sprintf("13%d%08d", 5+g.r.IntN(5), g.r.IntN(100000000)),
		Education: edu, HireDate: hire, Status: kaohe.StatusActive,
	}
	// A couple of people left during the last year, as people do.
	if g.o.Managers >= 10 && i%9 == 0 && level == kaohe.Level1 {
		m.Status, m.LeftOn = kaohe.StatusLeft, kaohe.D(g.o.Today.Year, 1+time.Month(g.r.IntN(int(g.o.Today.Month))), 15)
	}
	var err error
	// A showroom gives a new hire level 1; higher levels are HQ's decisions
	// (written here as the demo's stand-in for HQ).
	if m, err = tx.CreateManager(m, kaohe.Level1, hire); err != nil {
		return err
	}
	for l := kaohe.Level2; l <= level && !g.enrolled; l++ {
		lc, err := tx.RecordLevelChange(kaohe.LevelChange{ManagerID: m.ID, From: l - 1, To: l, Date: hire.AddMonths(12 * int(l-1)),
			Reason: "总部评定", DecidedBy: "客户经理绩效考核实施小组"})
		if err != nil {
			return err
		}
		g.sum.HQ = append(g.sum.HQ, HQAct{kaohe.EntLevelChange, &lc})
	}
	if level == kaohe.Level3 && g.assessor == "" {
		g.assessor = kaohe.Actor{Name: m.Name, EmployeeNo: m.EmployeeNo}.String() // as the window names its account
	}
	st := staff{m: m, level: level, skill: 0.55 + 0.45*g.r.Float64()}
	if i == 2 {
		st.skill = 0.98 // a star: two outstanding half-years in a row
	}
	if i == 8 {
		st.skill = 0.5 // and someone who struggles
	}
	g.staff = append(g.staff, st)
	g.sum.Managers++
	if err := g.figures(tx, st); err != nil {
		return err
	}
	if err := g.assessments(tx, st); err != nil {
		return err
	}
	if err := g.research(tx, st); err != nil {
		return err
	}
	return g.rewards(tx, st)
}

// figures sets two metrics' annual targets (seasonal split) and the monthly
// actuals up to last month.
func (g *gen) figures(tx *store.Tx, st staff) error {
	for y := g.firstYear(); y <= g.o.Today.Year; y++ {
		base := map[kaohe.Level]int64{kaohe.Level1: 1200000, kaohe.Level2: 2000000, kaohe.Level3: 3000000}[st.level]
		sales := base + int64(g.r.IntN(400000))
		orders := sales / 25000
		for _, t := range []struct {
			metric string
			annual int64
		}{{kaohe.MetricSales, sales}, {kaohe.MetricOrders, orders}} {
			tg, err := tx.SetTarget(st.m.ID, t.metric, y, t.annual, seasonal)
			if err != nil {
				return err
			}
			for mo := 1; mo <= 12; mo++ {
				if y == g.o.Today.Year && mo >= int(g.o.Today.Month) {
					break
				}
				if st.m.Status == kaohe.StatusLeft && !st.m.LeftOn.After(kaohe.D(y, time.Month(mo-1)+1, 1)) {
					break
				}
				perf := st.skill + 0.25*(g.r.Float64()-0.4)
				if _, err := tx.SetActual(st.m.ID, t.metric, y, mo, int64(float64(tg.Months[mo-1])*perf)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (g *gen) assessments(tx *store.Tx, st staff) error {
	if st.level != kaohe.Level1 { // levels 2 and up are assessed by HQ's review group
		return nil
	}
	// The showroom's manager assesses (一级：由相应展厅的展厅经理考核) once
	// HQ holds her at level 3. An enrolled showroom's demo writes no level
	// of HQ's, so its showroom manager is at her hire's level 1 until HQ
	// sets hers (定级): it has nobody to assess for it yet.
	if g.enrolled || g.assessor == "" {
		return nil
	}
	tpl := kaohe.DefaultTemplate()
	for pi, p := range g.periods {
		if st.m.Status == kaohe.StatusLeft && st.m.LeftOn.Before(p.End) {
			continue
		}
		finished := p.End.Before(g.o.Today)
		sc := kaohe.Scores{}
		for _, it := range tpl.Items {
			v := 100 * (st.skill + 0.12*(g.r.Float64()-0.35))
			sc[it.Code] = kaohe.Round2(min(100, max(35, v)))
		}
		if st.skill >= 0.97 && pi >= len(g.periods)-3 {
			for _, it := range tpl.Items {
				sc[it.Code] = 92 + float64(g.r.IntN(8))
			}
		}
		if st.skill <= 0.5 && pi == len(g.periods)-2 {
			for _, it := range tpl.Items {
				sc[it.Code] = 45 + float64(g.r.IntN(10))
			}
		}
		comment := comments[g.r.IntN(len(comments))]
		a := kaohe.Assessment{ManagerID: st.m.ID, PeriodID: p.ID, Scores: sc, Comment: comment, Assessor: g.assessor}
		if _, err := tx.SaveAssessment(a, finished); err != nil {
			return err
		}
		g.sum.Assessments++
	}
	return nil
}

var comments = []string{
	"工作积极主动，客户回访及时。", "市场调查资料完整，需加强谈判技巧。", "销售目标完成良好，团队协作意识强。",
	"小区推广效果明显，客户满意度高。", "需提高方案设计能力，加强专业知识学习。", "跟单细致，投诉处理得当。",
}

func (g *gen) rewards(tx *store.Tx, st staff) error {
	n := g.r.IntN(3)
	if g.o.Managers > 100 {
		n = g.r.IntN(2)
	}
	for k := 0; k < n; k++ {
		types := kaohe.RewardTypes()
		info := types[g.r.IntN(len(types))]
		if info.Type == kaohe.RewardPromotion || info.Type == kaohe.PenaltyDemotion {
			info = types[0]
		}
		r := kaohe.RewardPenalty{
			ManagerID: st.m.ID, Type: info.Type,
			Reason:    rewardReasons[info.Type][g.r.IntN(len(rewardReasons[info.Type]))],
			Date:      kaohe.D(g.firstYear()+g.r.IntN(g.o.Years), 1+time.Month(g.r.IntN(10)), 1+g.r.IntN(28)),
			DecidedBy: "展厅经理",
		}
		if r.Date.After(g.o.Today) {
			r.Date = g.o.Today.AddDays(-g.r.IntN(60) - 1)
		}
		if info.HasAmount {
			r.Amount = int64(200 * (1 + g.r.IntN(15)))
		}
		if _, err := tx.SaveRewardPenalty(r); err != nil {
			return err
		}
		g.sum.Rewards++
	}
	return nil
}

// research adds the surveys the policy asks of each manager: a few a year.
func (g *gen) research(tx *store.Tx, st staff) error {
	if st.m.Status != kaohe.StatusActive {
		return nil
	}
	rivals := []string{"欧派橱柜", "志邦厨柜", "金牌厨柜", "皮阿诺", "我乐家居"}
	projects := []string{"万科城三期", "保利天悦", "绿地海珀", "中海寰宇天下", "龙湖天街"}
	decorators := []string{"业之峰装饰", "东易日盛", "生活家装饰", "沪佳装饰"}
	n := 2 + g.r.IntN(3)
	if g.o.Managers > 100 {
		n = 1
	}
	for k := 0; k < n; k++ {
		kinds := kaohe.ResearchKinds()
		kind := kinds[g.r.IntN(len(kinds))].Code
		if kind == kaohe.ResearchDecorator && st.level < kaohe.Level2 {
			kind = kaohe.ResearchCompetitor
		}
		d := g.o.Today.AddDays(-1 - g.r.IntN(300))
		r := kaohe.MarketResearch{ManagerID: st.m.ID, Kind: kind, Date: d}
		switch kind {
		case kaohe.ResearchCompetitor:
			r.Subject = rivals[g.r.IntN(len(rivals))]
			r.Details = "推出整体厨房套餐促销，小区驻点宣传，主推岩板台面与智能收纳。"
		case kaohe.ResearchRealEstate:
			r.Subject = "区域房地产市场"
			r.Details = "本季度新房成交量环比上升，改善型需求增多，精装交付比例提高。"
		case kaohe.ResearchProject:
			r.Subject = projects[g.r.IntN(len(projects))]
			r.PricePerM2 = int64(35000 + 1000*g.r.IntN(30))
			r.Units = 200 + 50*g.r.IntN(20)
			r.Delivery = d.AddMonths(6 + g.r.IntN(18))
			r.SalesStatus = "已售" + []string{"三成", "五成", "七成", "九成"}[g.r.IntN(4)]
			r.Decoration = []string{"毛坯", "精装"}[g.r.IntN(2)]
			r.Cooperation = "物业允许周末驻点宣传"
		case kaohe.ResearchDecorator:
			r.Subject = decorators[g.r.IntN(len(decorators))]
			r.Details = "重点承接改善型住宅工程，洽谈厨柜配套合作。"
			r.Cooperation = "签订年度配套协议，按单返点"
		}
		if _, err := tx.SaveResearch(r); err != nil {
			return err
		}
	}
	return nil
}

var rewardReasons = map[kaohe.RewardType][]string{
	kaohe.RewardBonus:      {"季度销售额第一名", "成功开发大型楼盘合作", "客户书面表扬"},
	kaohe.RewardPraise:     {"主动收集竞争对手资料", "协助其他展厅完成大单", "获评月度服务之星"},
	kaohe.PenaltyFine:      {"客户投诉未及时处理", "报价错误造成损失"},
	kaohe.PenaltyWarning:   {"多次迟到", "未按时提交市场调查"},
	kaohe.PenaltyCriticism: {"违反展厅管理规定", "跟单不及时导致客户流失"},
}

func (g *gen) trainings(ctx context.Context) error {
	titles := map[kaohe.TrainingCategory][]string{
		kaohe.TrainInduction:  {"公司发展历程与组织架构", "新员工入职培训"},
		kaohe.TrainBasic:      {"现代市场营销学基础", "厨柜基础知识", "板材与五金认知"},
		kaohe.TrainProfession: {"厨柜市场调研方法", "购销谈判技巧", "客户服务规范", "物流管理实务"},
		kaohe.TrainNonRelated: {"房地产市场分析", "装修市场与二手房知识", "财务基础知识"},
		kaohe.TrainSkill:      {"厨房设计软件实操", "安装与组装规范", "现场测量与报价"},
	}
	trainers := []string{"王工程师", "外聘讲师 赵教授", "市场部 孙浩", "人事部 周静", "资深设计师 林峰"}
	active := []staff{}
	for _, st := range g.staff {
		if st.m.Status == kaohe.StatusActive {
			active = append(active, st)
		}
	}
	return g.s.Update(ctx, actor, func(tx *store.Tx) error {
		for y := g.firstYear(); y <= g.o.Today.Year; y++ {
			for ci, cat := range kaohe.TrainingCategories() {
				for k := 0; k < 2; k++ {
					d := kaohe.D(y, time.Month(1+(ci*2+k*5)%11), 5+g.r.IntN(20))
					if d.After(g.o.Today) {
						continue
					}
					methods := kaohe.TrainingMethods()
					tr, err := tx.SaveTraining(kaohe.Training{
						Title: titles[cat.Code][g.r.IntN(len(titles[cat.Code]))], Category: cat.Code,
						Method: methods[g.r.IntN(len(methods))].Code, Date: d,
						Hours: float64(2 + 2*g.r.IntN(4)), Trainer: trainers[g.r.IntN(len(trainers))],
					})
					if err != nil {
						return err
					}
					g.sum.Trainings++
					for _, st := range active {
						if g.r.IntN(3) == 0 && len(active) > 3 {
							continue
						}
						res := kaohe.AttendPassed
						switch g.r.IntN(12) {
						case 0:
							res = kaohe.AttendAbsent
						case 1:
							res = kaohe.AttendFailed
						}
						score := float64(60 + g.r.IntN(41))
						a := kaohe.Attendance{TrainingID: tr.ID, ManagerID: st.m.ID, Result: res}
						if res != kaohe.AttendAbsent {
							a.Score = &score
						}
						if _, err := tx.RecordAttendance(a); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	})
}

// applications puts one level application at each review stage, one of them
// granted with its certificate record. Each is a level-1 manager's for
// level 2, the level above the one every HQ holds for them: a level above
// the hire's first is HQ's (the demo's stand-in for it is dropped when the
// showroom enrolls), and a submit asks only for the level above the one HQ
// holds (kaohe.Levels.CheckNext), so a level-2 stand-in's application for
// level 3 would be refused by an HQ that never set her level 2.
func (g *gen) applications(ctx context.Context) error {
	var l1 []staff
	for _, st := range g.staff {
		if st.m.Status == kaohe.StatusActive && st.level == kaohe.Level1 {
			l1 = append(l1, st)
		}
	}
	stages := []kaohe.AppState{kaohe.AppGranted, kaohe.AppProbation, kaohe.AppSecond, kaohe.AppExam, kaohe.AppSubmitted, kaohe.AppDraft, kaohe.AppFailed}
	if len(l1) < len(stages) {
		return nil // too small a showroom to show them all
	}
	today := g.o.Today
	for k, state := range stages {
		st, target := l1[k], kaohe.Level2
		err := g.s.Update(ctx, actor, func(tx *store.Tx) error {
			return g.application(tx, st, target, state, today)
		})
		if err != nil {
			return fmt.Errorf("%s: %w", state, err)
		}
		g.sum.Applications++
	}
	return nil
}

func (g *gen) application(tx *store.Tx, st staff, target kaohe.Level, state kaohe.AppState, today kaohe.Date) error {
	levels := kaohe.DefaultLevels()
	li, _ := levels.Get(target)
	a := kaohe.Application{
		ManagerID: st.m.ID, TargetLevel: target,
		PersonalInfo: fmt.Sprintf("%s，%s学历，%s入职，现任%s。熟悉厨柜产品与设计，负责展厅散户与小区客户的销售和服务。",
			st.m.Name, st.m.Education.Name().Zh, st.m.HireDate.Chinese(), levels[st.level-1].Name.Zh),
		Achievements: "1. 连续两个考核期完成销售指标；\n2. 开发三个新小区团购合作；\n3. 收集竞争对手与区域楼盘资料二十余份，按时反馈总部。",
		Report:       report(g.r, li.MinReportChars+300),
		Education:    st.m.Education,
	}
	if st.m.Education < li.MinEducation {
		a.Exemption, a.ExemptReason = kaohe.ExemptionRequested, "业绩特别优秀，近两年销售额均居展厅前列。"
	}
	// Dates counted back from today so each stage is where it should be:
	// the probation one ends within the next month.
	var submitOn kaohe.Date
	switch state {
	case kaohe.AppGranted:
		submitOn = today.AddMonths(-9)
	case kaohe.AppProbation:
		submitOn = today.AddMonths(-5)
	case kaohe.AppFailed:
		submitOn = today.AddMonths(-4)
	default:
		submitOn = today.AddDays(-40)
	}
	app, err := tx.SaveApplication(a)
	if err != nil || state == kaohe.AppDraft {
		return err
	}
	if _, err := tx.SubmitApplication(app.ID, submitOn); err != nil || g.enrolled {
		return err
	}
	by := []string{g.members[0], g.members[2], g.members[3]}
	if app.Exemption == kaohe.ExemptionRequested {
		e, err := tx.DecideExemption(kaohe.Exemption{AppID: app.ID, Approved: true, Date: submitOn.AddDays(3), DecidedBy: g.members[0]})
		if err != nil {
			return err
		}
		g.sum.HQ = append(g.sum.HQ, HQAct{kaohe.EntExemption, &e})
	}
	score := 70 + float64(g.r.IntN(25))
	steps := []kaohe.Decision{
		{Stage: kaohe.StageFirst, Pass: true, Date: submitOn.AddDays(7), Comment: "材料齐全，同意参加等级考试。"},
		{Stage: kaohe.StageExam, Pass: true, Date: submitOn.AddDays(21), ExamScore: &score, Comment: "笔试与答辩通过。"},
		{Stage: kaohe.StageSecond, Pass: true, Date: submitOn.AddDays(30), Comment: "二审通过，进入三个月考察期。"},
	}
	if state == kaohe.AppProbation {
		steps[2].Date = today.AddMonths(-3).AddDays(12) // probation ends in 12 days
	}
	upTo := map[kaohe.AppState]int{kaohe.AppSubmitted: 0, kaohe.AppExam: 1, kaohe.AppFailed: 1, kaohe.AppSecond: 2}[state]
	if state == kaohe.AppProbation || state == kaohe.AppGranted {
		upTo = 3
	}
	decide := func(d kaohe.Decision) error {
		d.ID = g.ids()
		if _, err := tx.RecordDecision(d); err != nil {
			return err
		}
		g.sum.HQ = append(g.sum.HQ, HQAct{kaohe.EntDecision, &d})
		return nil
	}
	for _, d := range steps[:upTo] {
		d.AppID, d.DecidedBy = app.ID, by
		if err := decide(d); err != nil {
			return err
		}
	}
	switch state {
	case kaohe.AppFailed:
		failScore := 48.0
		if err := decide(kaohe.Decision{AppID: app.ID, Stage: kaohe.StageExam, Pass: false, Date: submitOn.AddDays(21),
			ExamScore: &failScore, DecidedBy: by, Comment: "考试未通过，可参加下次等级考试。"}); err != nil {
			return err
		}
	case kaohe.AppGranted:
		end := steps[2].Date.AddMonths(kaohe.ProbationMonths)
		if err := decide(kaohe.Decision{AppID: app.ID, Stage: kaohe.StageThird, Pass: true, Date: end, DecidedBy: by, Comment: "考察期表现优秀，授予二级客户经理。"}); err != nil {
			return err
		}
		third := g.sum.HQ[len(g.sum.HQ)-1].Row.(*kaohe.Decision)
		_, certID := kaohe.GrantIDs(third.ID)
		code := make([]byte, 8)
		const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
		for i := range code {
			code[i] = alphabet[g.r.IntN(len(alphabet))]
		}
		// The demo plays HQ: it signs with a demo key it registers as HQ's,
		// so the demo certificate checks as genuine offline.
		var seed [ed25519.SeedSize]byte
		for i := range seed {
			seed[i] = byte(g.r.IntN(256))
		}
		key := ed25519.NewKeyFromSeed(seed[:])
		hqKey := kaohe.HQKey{ID: "demo-hq-key", Public: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))}
		if err := tx.PutHQKey(hqKey); err != nil {
			return err
		}
		// The certificate HQ's grant makes has this id: it replaces this
		// stand-in when the demo showroom syncs with HQ's demo (SeedHQ).
		cert := kaohe.Certificate{ID: certID,
			ManagerID: st.m.ID, AppID: app.ID, Serial: kaohe.SerialFor(end.Year, 1), Level: target,
			HolderName: st.m.Name, Showroom: g.room.Name, GrantedOn: end, Issuer: "客户经理绩效考核实施小组",
			VerifyCode: string(code),
		}
		cert.Sign(hqKey.ID, key)
		if _, err := tx.SaveCertificate(cert); err != nil {
			return err
		}
	}
	return nil
}

// report writes a 述职报告 of at least n 字 from stock paragraphs.
func report(r *rand.Rand, n int) string {
	paras := []string{
		"一、工作回顾。本考核期内，我严格按照公司下达的年度工作计划，分解月度指标，做好展厅日常的销售与设计工作，认真接待每一位到店客户，做到热情、专业、高效。",
		"二、市场调查。我坚持对主要竞争对手的产品发展趋势、促销方式、小区宣传模式和广告形式进行动态调查，每月整理一份竞争对手动态报告，并及时反馈给展厅经理和总部市场部。",
		"三、区域楼盘。我对本区域的楼盘价格、数量、环境、交房时间、销售情况、小区合作方式和装修情况进行了系统调查，建立了楼盘信息台账，为小区推广提供了依据。",
		"四、客户服务。我重视跟单和售后服务，对每一位成交客户做到安装前确认、安装中跟进、安装后回访，客户满意度明显提高，全年无有效投诉。",
		"五、团队协作。我积极配合设计、安装和财务等部门的工作，主动帮助新同事熟悉产品和流程，在团队中发挥了骨干作用。",
		"六、学习提升。我参加了公司组织的专业知识、非相关专业知识和技能培训，系统学习了房地产、装修市场和二手房等知识，不断提高自己的综合素质。",
		"七、不足与改进。在大客户谈判和整体解决方案设计方面，我还有不足。下一步我将加强学习，提高分析问题、解决问题的综合能力，努力完成下一年度的工作目标。",
	}
	var b strings.Builder
	for count := 0; count < n; {
		p := paras[r.IntN(len(paras))]
		b.WriteString(p)
		b.WriteString("\n\n")
		count += kaohe.CountChars(p)
	}
	return b.String()
}
