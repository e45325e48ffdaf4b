package kaohe

// Level is a customer-manager level, 1 to 5.
type Level int

// The policy's levels. 4 (省级) and 5 (片区) come "when the business grows"
// and are disabled until HQ enables them.
const (
	Level1 Level = 1
	Level2 Level = 2
	Level3 Level = 3 // 展厅经理级: the showroom manager
	Level4 Level = 4
	Level5 Level = 5
)

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool { return l >= Level1 && l <= Level5 }

// Assessor says who assesses a level.
type Assessor string

// Assessors.
const (
	// AssessorShowroom: 由相应展厅的展厅经理考核，报总部备案 (level 1).
	AssessorShowroom Assessor = "showroom"
	// AssessorReviewGroup: the HQ review group (评审小组).
	AssessorReviewGroup Assessor = "review_group"
)

// LevelInfo is the reference data of one level, owned by HQ.
type LevelInfo struct {
	Level          Level     `json:"level"`
	Name           Text      `json:"name"`
	Duties         []Text    `json:"duties"`
	Skills         []Text    `json:"skills"`
	CustomerGroups []Text    `json:"customer_groups"`
	MinEducation   Education `json:"min_education"`
	MinReportChars int       `json:"min_report_chars"` // 述职报告 字数
	AssessedBy     Assessor  `json:"assessed_by"`
	Enabled        bool      `json:"enabled"`
	// HireLevel: a showroom may give a new hire this level as the first one;
	// every other level change is HQ's (the policy's default: level 1 only).
	HireLevel bool `json:"hire_level"`
	// ExamPassMark is the 等级考试 score at or above which the exam of an
	// application for this level passes (0 means DefaultExamPassMark).
	ExamPassMark float64 `json:"exam_pass_mark"`
}

// DefaultExamPassMark is the pass mark of a level exam unless HQ sets one.
const DefaultExamPassMark = 60

// PassMark is the level's exam pass mark.
func (li LevelInfo) PassMark() float64 {
	if li.ExamPassMark <= 0 {
		return DefaultExamPassMark
	}
	return li.ExamPassMark
}

// ReportLongEnough says whether a 述职报告 of n 字 is long enough for the level.
func (li LevelInfo) ReportLongEnough(n int) bool { return n >= li.MinReportChars }

// Validate checks the reference data itself.
func (li LevelInfo) Validate() error {
	switch {
	case !li.Level.Valid():
		return Errorf(EINVALID, "err.bad_level", "Value", int(li.Level)).OnField("level")
	case li.Name.Zh == "":
		return Errorf(EINVALID, "err.required").OnField("name")
	case !li.MinEducation.Valid():
		return Errorf(EINVALID, "err.bad_education", "Value", int(li.MinEducation)).OnField("min_education")
	case li.MinReportChars <= 0:
		return Errorf(EINVALID, "err.required").OnField("min_report_chars")
	case li.AssessedBy != AssessorShowroom && li.AssessedBy != AssessorReviewGroup:
		return Errorf(EINVALID, "err.required").OnField("assessed_by")
	case li.ExamPassMark < 0 || li.ExamPassMark > 100:
		return Errorf(EINVALID, "err.exam_score_required").OnField("exam_pass_mark")
	}
	return nil
}

// Levels is the level reference data in force, indexed by level.
type Levels []LevelInfo

// Get returns the info of level l.
func (ls Levels) Get(l Level) (LevelInfo, error) {
	for _, li := range ls {
		if li.Level == l {
			return li, nil
		}
	}
	return LevelInfo{}, Errorf(EINVALID, "err.bad_level", "Value", int(l))
}

// Enabled returns the info of level l if it exists and is enabled.
func (ls Levels) Enabled(l Level) (LevelInfo, error) {
	li, err := ls.Get(l)
	if err != nil {
		return li, err
	}
	if !li.Enabled {
		return li, Errorf(EINVALID, "err.level_disabled", "Level", int(l))
	}
	return li, nil
}

// MaxEnabled returns the highest enabled level.
func (ls Levels) MaxEnabled() Level {
	m := Level(0)
	for _, li := range ls {
		if li.Enabled && li.Level > m {
			m = li.Level
		}
	}
	return m
}

var (
	dutySales = Text{"展厅日常的销售与设计。", "Daily sales and design in the showroom."}
	dutyRival = Text{"各主要竞争对手的动态调查（包括产品发展趋势，促销方式，小区宣传模式，广告形式与区域，市场营销重点板块等）。",
		"Survey of the main competitors (product trends, promotions, residential-community publicity, advertising forms and areas, key marketing segments, etc.)."}
	dutyRealEstate = Text{"房地产市场调查（包括房地产市场热点新闻，房地产区域发展模式等）。",
		"Real-estate market survey (hot news of the property market, regional development patterns, etc.)."}
	dutyProjects = Text{"区域楼盘调查（包括楼盘价格、数量、环境、交房时间、销售情况、小区合作方式、装修情况等）。",
		"Survey of local housing projects (price, volume, environment, handover date, sales, cooperation with the community, decoration, etc.)."}
	dutyFollow     = Text{"做好跟单和服务好客户的工作。", "Follow orders through and serve customers well."}
	dutyDecorators = Text{"装修公司市场动态调查以及同装修工程公司的合作（重点调查专业做工程项目的装修公司以及同他们的合作）。",
		"Survey of decoration companies and cooperation with decoration contractors (above all those doing project work)."}

	skillsCommon = []Text{
		{"要有分析问题、解决问题的综合能力。", "Ability to analyse and solve problems."},
		{"要有良好的沟通能力。", "Good communication."},
		{"要有极强的谈判技巧。", "Very strong negotiation skills."},
		{"要有极强的说服能力。", "Very strong persuasion."},
		{"要有优秀的学习能力。", "Excellent ability to learn."},
	}
	groupWalkIn = Text{"展厅散户", "Walk-in showroom customers"}
	groupEstate = Text{"小区客户", "Residential-community customers"}
	groupVIP    = Text{"具有从点到面带来影响力的VIP贵宾客户", "VIP customers whose influence spreads from one to many"}
)

func withSkills(extra ...Text) []Text {
	return append(append([]Text{}, skillsCommon...), extra...)
}

// DefaultLevels returns the levels as the policy writes them. HQ may edit
// them; levels 4 and 5 are disabled until HQ enables them.
func DefaultLevels() Levels {
	return Levels{
		{
			Level: Level1, Name: Text{"一级客户经理", "Level-1 customer manager"},
			Duties: []Text{dutySales, dutyRival, dutyRealEstate, dutyProjects, dutyFollow},
			Skills: withSkills(
				Text{"要有相应的专业知识，包括产品知识、产品设计、产品报价、相关专业知识（装修、房地产、二手房等方面的行业知识）、非相关专业知识等。",
					"Adequate professional knowledge: products, design, quotation, related trades (decoration, real estate, second-hand housing) and beyond."},
				Text{"要有良好的文字处理能力。", "Good writing skills."},
				Text{"要有良好的思路，能够提供相应的解决方案。", "Clear thinking that yields fitting solutions."},
			),
			CustomerGroups: []Text{groupWalkIn, groupEstate},
			MinEducation:   EduVocational, MinReportChars: 2000,
			AssessedBy: AssessorShowroom, Enabled: true, HireLevel: true, ExamPassMark: DefaultExamPassMark,
		},
		{
			Level: Level2, Name: Text{"二级客户经理", "Level-2 customer manager"},
			Duties: []Text{dutySales, dutyRival, dutyRealEstate, dutyProjects, dutyDecorators},
			Skills: withSkills(
				Text{"要有完整的专业知识，包括产品知识、产品设计、产品报价、相关专业知识（装修、房地产、二手房等方面的行业知识）、非相关专业知识等。",
					"Complete professional knowledge: products, design, quotation, related trades (decoration, real estate, second-hand housing) and beyond."},
				Text{"要有良好的文字处理能力。", "Good writing skills."},
				Text{"要有良好的思路，根据不同的模式，提供不同的解决方案。", "Clear thinking that yields different solutions for different models."},
			),
			CustomerGroups: []Text{groupWalkIn, groupEstate, groupVIP},
			MinEducation:   EduCollege, MinReportChars: 3000,
			AssessedBy: AssessorReviewGroup, Enabled: true, ExamPassMark: DefaultExamPassMark,
		},
		{
			Level: Level3, Name: Text{"三级客户经理（展厅经理级）", "Level-3 customer manager (showroom manager)"},
			Duties: []Text{
				dutySales,
				{"负责本展厅职能范围的全面工作，并努力完成公司下达的各项工作任务。", "Runs all the showroom's work and meets the tasks the company sets."},
				{"负责制定实施本地市场的销售和业务年度计划，直接管理本地市场开发的经营运作。做好市场营销工作，收集市场反馈信息，及时向总公司或上级提供营销情况。",
					"Draws up and carries out the local annual sales and business plan, manages local market development, collects market feedback and reports it to HQ promptly."},
				{"负责检查监督本地市场操作的速度与质量。", "Checks the speed and quality of local market operations."},
			},
			Skills: []Text{
				{"理解的能力", "Understanding"},
				{"分析市场的能力", "Market analysis"},
				{"准确决策的能力", "Sound decisions"},
				{"目标确定能力", "Setting targets"},
				{"协调关系能力", "Coordinating relationships"},
			},
			CustomerGroups: []Text{groupWalkIn, groupEstate, groupVIP},
			MinEducation:   EduCollege, MinReportChars: 5000,
			AssessedBy: AssessorReviewGroup, Enabled: true, ExamPassMark: DefaultExamPassMark,
		},
		{
			Level: Level4, Name: Text{"四级客户经理（省级）", "Level-4 customer manager (province)"},
			Duties:         []Text{{"负责全省市场的销售与各展厅的管理。", "Sales across the province and management of its showrooms."}},
			CustomerGroups: []Text{groupVIP},
			// The policy names no length above level 3; it keeps level 3's.
			MinEducation: EduCollege, MinReportChars: 5000,
			AssessedBy: AssessorReviewGroup, Enabled: false, ExamPassMark: DefaultExamPassMark,
		},
		{
			Level: Level5, Name: Text{"五级客户经理（片区）", "Level-5 customer manager (region)"},
			Duties:         []Text{{"负责片区市场的销售与各省的管理。", "Sales across the region and management of its provinces."}},
			CustomerGroups: []Text{groupVIP},
			MinEducation:   EduCollege, MinReportChars: 5000,
			AssessedBy: AssessorReviewGroup, Enabled: false, ExamPassMark: DefaultExamPassMark,
		},
	}
}
