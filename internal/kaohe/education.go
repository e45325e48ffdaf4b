package kaohe

import "strings"

// Education is a level of schooling, ordered so that a higher value is more.
type Education int

// The education scale (初中及以下 < 高中 < 中专 < 大专 < 本科 < 硕士 < 博士).
const (
	EduUnknown      Education = iota
	EduJuniorOrLess           // 初中及以下
	EduHighSchool             // 高中
	EduVocational             // 中专
	EduCollege                // 大专
	EduBachelor               // 本科
	EduMaster                 // 硕士
	EduDoctor                 // 博士
)

var educationNames = map[Education]Text{
	EduJuniorOrLess: {"初中及以下", "Junior high or less"},
	EduHighSchool:   {"高中", "Senior high school"},
	EduVocational:   {"中专", "Secondary vocational"},
	EduCollege:      {"大专", "Junior college"},
	EduBachelor:     {"本科", "Bachelor"},
	EduMaster:       {"硕士", "Master"},
	EduDoctor:       {"博士", "Doctorate"},
}

// Educations lists the scale from lowest to highest.
func Educations() []Education {
	return []Education{EduJuniorOrLess, EduHighSchool, EduVocational, EduCollege, EduBachelor, EduMaster, EduDoctor}
}

// Name returns the education's name in both languages.
func (e Education) Name() Text { return educationNames[e] }

// Valid reports whether e is on the scale.
func (e Education) Valid() bool { return e >= EduJuniorOrLess && e <= EduDoctor }

// ParseEducation reads an education by its Chinese or English name or its
// number, forgiving the common synonyms people type in rosters.
func ParseEducation(s string) (Education, error) {
	s = strings.TrimSpace(s)
	synonyms := map[string]Education{
		"初中": EduJuniorOrLess, "小学": EduJuniorOrLess, "中技": EduVocational, "技校": EduVocational,
		"职高": EduVocational, "专科": EduCollege, "大学专科": EduCollege, "高职": EduCollege,
		"大学本科": EduBachelor, "学士": EduBachelor, "研究生": EduMaster, "博士研究生": EduDoctor,
	}
	if e, ok := synonyms[s]; ok {
		return e, nil
	}
	for _, e := range Educations() {
		n := e.Name()
		if s == n.Zh || strings.EqualFold(s, n.En) || s == string(rune('0'+int(e))) {
			return e, nil
		}
	}
	return EduUnknown, Errorf(EINVALID, "err.bad_education", "Value", s)
}

// ExemptionStatus is where an education exemption request stands. Only HQ
// can approve one (业绩特别优秀者，学历不作要求，但需报总部批准).
type ExemptionStatus string

// Exemption states.
const (
	ExemptionNone      ExemptionStatus = ""
	ExemptionRequested ExemptionStatus = "requested"
	ExemptionApproved  ExemptionStatus = "approved"
	ExemptionRejected  ExemptionStatus = "rejected"
)

// EducationCheck is the outcome of checking a person's education against a
// target level.
type EducationCheck struct {
	Have, Need Education
	Meets      bool            // education alone is enough
	Exemption  ExemptionStatus // the exemption request, if any
}

// CanSubmit reports whether an application may be submitted: the education
// meets the level, or an exemption has been requested or approved.
func (c EducationCheck) CanSubmit() bool {
	return c.Meets || c.Exemption == ExemptionRequested || c.Exemption == ExemptionApproved
}

// CanPass reports whether the review may pass the applicant: education meets
// the level, or HQ approved the exemption.
func (c EducationCheck) CanPass() bool { return c.Meets || c.Exemption == ExemptionApproved }

// CheckEducation checks have against the minimum of the target level.
func CheckEducation(have Education, target LevelInfo, exemption ExemptionStatus) EducationCheck {
	return EducationCheck{
		Have: have, Need: target.MinEducation,
		Meets:     have >= target.MinEducation,
		Exemption: exemption,
	}
}

// Err returns nil when an application may be submitted, else a typed error
// saying what is needed.
func (c EducationCheck) Err() error {
	if c.CanSubmit() {
		return nil
	}
	return Errorf(EINVALID, "err.education_too_low", "Have", c.Have.Name().Zh, "Need", c.Need.Name().Zh, "HaveEn", c.Have.Name().En, "NeedEn", c.Need.Name().En).OnField("education")
}
