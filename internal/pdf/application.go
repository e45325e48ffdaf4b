package pdf

import (
	"fmt"
	"io"

	"kaohe/internal/kaohe"
)

// ApplicationData is a level application form (考级报名表).
type ApplicationData struct {
	Lang        kaohe.Lang
	Showroom    string
	Manager     kaohe.Manager
	Current     kaohe.Text // current level's name
	Target      kaohe.LevelInfo
	Application kaohe.Application
	State       kaohe.AppState
	Submitted   kaohe.Date
}

var (
	appTitle     = kaohe.Text{Zh: "客户经理考级报名表", En: "Customer Manager Level Application"}
	appApplicant = kaohe.Text{Zh: "申请人信息", En: "Applicant"}
	appGender    = kaohe.Text{Zh: "性别", En: "Gender"}
	appHired     = kaohe.Text{Zh: "入职日期", En: "Hired"}
	appPhone     = kaohe.Text{Zh: "电话", En: "Phone"}
	appCurrent   = kaohe.Text{Zh: "现任等级", En: "Current level"}
	appTarget    = kaohe.Text{Zh: "申请等级", En: "Applying for"}
	appEdu       = kaohe.Text{Zh: "学历", En: "Education"}
	appEduNeed   = kaohe.Text{Zh: "学历要求", En: "Required"}
	appEduCheck  = kaohe.Text{Zh: "学历审核", En: "Education check"}
	appMeets     = kaohe.Text{Zh: "符合要求", En: "Meets the requirement"}
	appExReq     = kaohe.Text{Zh: "不符合要求，已申请豁免（待总部批准）", En: "Below the requirement; exemption requested (HQ to approve)"}
	appExOK      = kaohe.Text{Zh: "不符合要求，总部已批准豁免", En: "Below the requirement; exemption approved by HQ"}
	appExNo      = kaohe.Text{Zh: "不符合要求，豁免未获批准", En: "Below the requirement; exemption refused"}
	appBelow     = kaohe.Text{Zh: "不符合要求", En: "Below the requirement"}
	appExWhy     = kaohe.Text{Zh: "豁免理由", En: "Exemption reason"}
	appSubmitted = kaohe.Text{Zh: "提交日期", En: "Submitted"}
	appPersonal  = kaohe.Text{Zh: "一、个人基本情况介绍", En: "1. Personal information"}
	appAchieve   = kaohe.Text{Zh: "二、个人主要政绩", En: "2. Main achievements"}
	appReport    = kaohe.Text{Zh: "三、述职报告（%d 字，本级要求不少于 %d 字）", En: "3. Report (%d characters; this level needs at least %d)"}
	appSignSelf  = kaohe.Text{Zh: "申请人签字：", En: "Applicant:"}
	appSignMgr   = kaohe.Text{Zh: "展厅经理意见：", En: "Showroom manager:"}
	appSignHQ    = kaohe.Text{Zh: "评审小组意见：", En: "Review group:"}
	genderText   = map[kaohe.Gender]kaohe.Text{kaohe.GenderMale: {Zh: "男", En: "Male"}, kaohe.GenderFemale: {Zh: "女", En: "Female"}}
)

// Application writes a level application form with the whole report.
func Application(w io.Writer, a ApplicationData, font *Font) error {
	return render(w, font, portrait, a.Lang, func(d *doc) error { return d.application(a) })
}

func (d *doc) application(a ApplicationData) error {
	d.portraitSetup(a.Showroom + "　" + a.Manager.Name)
	d.AddPage()
	d.title(d.t(appTitle), a.Showroom)
	m, app := a.Manager, a.Application
	check := kaohe.CheckEducation(app.Education, a.Target, app.Exemption)
	verdict := appMeets
	if !check.Meets {
		verdict = map[kaohe.ExemptionStatus]kaohe.Text{
			kaohe.ExemptionRequested: appExReq, kaohe.ExemptionApproved: appExOK, kaohe.ExemptionRejected: appExNo,
		}[app.Exemption]
		if verdict == (kaohe.Text{}) {
			verdict = appBelow
		}
	}
	d.heading(d.t(appApplicant))
	kv := [][2]string{
		{d.t(repName), m.Name}, {d.t(repNo), m.EmployeeNo},
		{d.t(appGender), d.t(genderText[m.Gender])}, {d.t(appPhone), m.Phone},
		{d.t(appHired), d.date(m.HireDate)}, {d.t(repShowroom), a.Showroom},
		{d.t(appCurrent), d.t(a.Current)}, {d.t(appTarget), d.t(a.Target.Name)},
		{d.t(appEdu), d.t(app.Education.Name())}, {d.t(appEduNeed), d.t(a.Target.MinEducation.Name())},
		{d.t(appEduCheck), d.t(verdict)}, {d.t(appSubmitted), d.date(a.Submitted)},
	}
	if app.Exemption != kaohe.ExemptionNone {
		kv = append(kv, [2]string{d.t(appExWhy), app.ExemptReason})
	}
	d.pairs(kv)
	newPage := func() { d.AddPage(); d.SetY(marginTop) }
	for _, sec := range []struct {
		title, body string
	}{
		{d.t(appPersonal), app.PersonalInfo},
		{d.t(appAchieve), app.Achievements},
		{fmt.Sprintf(d.t(appReport), kaohe.CountChars(app.Report), a.Target.MinReportChars), app.Report},
	} {
		d.heading(sec.title)
		d.SetFontSize(10.5)
		d.SetX(marginX)
		d.paragraph(sec.body, contentW, 6.2, newPage)
		d.Ln(3)
	}
	d.signatures(d.t(appSignSelf), d.t(appSignMgr), d.t(appSignHQ))
	return nil
}
