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
	appTitle     = lbl("客户经理考级报名表", "Customer Manager Level Application")
	appApplicant = lbl("申请人信息", "Applicant")
	appGender    = lbl("性别", "Gender")
	appHired     = lbl("入职日期", "Hired")
	appPhone     = lbl("电话", "Phone")
	appCurrent   = lbl("现任等级", "Current level")
	appTarget    = lbl("申请等级", "Applying for")
	appEdu       = lbl("学历", "Education")
	appEduNeed   = lbl("学历要求", "Required")
	appEduCheck  = lbl("学历审核", "Education check")
	appMeets     = lbl("符合要求", "Meets the requirement")
	appExReq     = lbl("不符合要求，已申请豁免（待总部批准）", "Below the requirement; exemption requested (HQ to approve)")
	appExOK      = lbl("不符合要求，总部已批准豁免", "Below the requirement; exemption approved by HQ")
	appExNo      = lbl("不符合要求，豁免未获批准", "Below the requirement; exemption refused")
	appBelow     = lbl("不符合要求", "Below the requirement")
	appExWhy     = lbl("豁免理由", "Exemption reason")
	appSubmitted = lbl("提交日期", "Submitted")
	appPersonal  = lbl("一、个人基本情况介绍", "1. Personal information")
	appAchieve   = lbl("二、个人主要政绩", "2. Main achievements")
	appReport    = lbl("三、述职报告（%d 字，本级要求不少于 %d 字）", "3. Report (%d characters; this level needs at least %d)")
	appSignSelf  = lbl("申请人签字：", "Applicant:")
	appSignMgr   = lbl("展厅经理意见：", "Showroom manager:")
	appSignHQ    = lbl("评审小组意见：", "Review group:")
	genderText   = map[kaohe.Gender]kaohe.Text{kaohe.GenderMale: lbl("男", "Male"), kaohe.GenderFemale: lbl("女", "Female")}
)

// Application writes a level application form with the whole report.
func Application(w io.Writer, a ApplicationData, font *Font) error {
	return render(w, font, portrait, a.Lang, func(d *doc) error { return d.application(a) })
}

func (d *doc) application(a ApplicationData) error {
	d.portraitSetup(a.Showroom + d.gap() + a.Manager.Name)
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
