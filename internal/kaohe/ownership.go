package kaohe

// Entities are the kinds of synced rows, as the change log names them.
const (
	EntShowroom         = "showroom"
	EntLevel            = "level"
	EntTemplate         = "template"
	EntPeriod           = "period"
	EntReviewMember     = "review_member"
	EntDecision         = "decision"
	EntExemption        = "exemption"
	EntFiling           = "filing"
	EntCertificate      = "certificate"
	EntLevelChange      = "level_change"
	EntManager          = "manager"
	EntLevelAssignment  = "level_assignment"
	EntTarget           = "target"
	EntActual           = "actual"
	EntAssessment       = "assessment"
	EntTraining         = "training"
	EntAttendance       = "attendance"
	EntReward           = "reward"
	EntApplication      = "application"
	EntApplicationEvent = "application_event"
	EntResearch         = "market_research"
	EntCertificatePrint = "certificate_print"
	EntHQKey            = "hq_key"        // HQ's public signing keys, for checking certificates offline
	EntAccount          = "account"       // a person's sign-in (hash only)
	EntAccountBlock     = "account_block" // HQ disabling an account
)

// hqOwned are the entities only HQ writes (SPEC §3): reference data and
// every decision. All others are written by the showroom they belong to.
var hqOwned = map[string]bool{
	EntShowroom: true, EntLevel: true, EntTemplate: true, EntPeriod: true, EntReviewMember: true,
	EntDecision: true, EntExemption: true, EntFiling: true, EntCertificate: true, EntLevelChange: true, EntHQKey: true,
	EntAccountBlock: true,
}

var showroomOwned = map[string]bool{
	EntManager: true, EntLevelAssignment: true, EntTarget: true, EntActual: true, EntAssessment: true,
	EntTraining: true, EntAttendance: true, EntReward: true, EntApplication: true, EntApplicationEvent: true,
	EntResearch: true, EntCertificatePrint: true, EntAccount: true,
}

// OwnedByHQ reports whether only HQ may write rows of the entity.
func OwnedByHQ(entity string) bool { return hqOwned[entity] }

// OwnedByShowroom reports whether the showroom a row belongs to writes it.
func OwnedByShowroom(entity string) bool { return showroomOwned[entity] }
