package store

import (
	"database/sql"
	"errors"

	"kaohe/internal/kaohe"
)

// dropStandIns removes, when a showroom enrolls with HQ for the first time,
// HQ's acts this database made up while it knew no HQ — the demo's review
// decisions, exemption decisions, filings, level changes, certificate and
// signing key, written so that a showroom without HQ shows every stage —
// and the showroom's prints of those certificates. HQ never made them: a
// print of the demo's certificate sent to it was refused as a missing
// reference, and the demo's applications stood at later stages here than
// at HQ. From enrollment on the showroom holds what HQ decided, as HQ sends
// it (HQ's demo sends the same decisions and a certificate signed by HQ).
// A row received from HQ has a version here (row_versions) and stays.
// It returns how many rows it removed.
func (tx *Tx) dropStandIns() (int, error) {
	var prev string
	err := tx.queryRow(`SELECT value FROM meta WHERE key = ?`, MetaToken).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if prev != "" { // enrolled before: HQ-owned rows here came from HQ
		return 0, nil
	}
	// Stand-ins: HQ-owned rows (the kinds kaohe.OwnedByHQ names, told apart
	// from their table mates as logChange tells them) never received.
	notReceived := func(entity string) string {
		return ` AND id NOT IN (SELECT row_id FROM row_versions WHERE entity = '` + entity + `')`
	}
	standInCerts := `SELECT id FROM certificates WHERE true` + notReceived(kaohe.EntCertificate)
	prints := `SELECT id FROM certificate_prints WHERE certificate_id IN (` + standInCerts + `)`
	stmts := []string{
		// The showroom's prints of stand-in certificates, with their unsent changes.
		`DELETE FROM outbox WHERE entity = '` + kaohe.EntCertificatePrint + `' AND ` + sqlUnsent + ` AND row_id IN (` + prints + `)`,
		`DELETE FROM row_versions WHERE entity = '` + kaohe.EntCertificatePrint + `' AND row_id IN (` + prints + `)`,
		`DELETE FROM certificate_prints WHERE certificate_id IN (` + standInCerts + `)`,
		`DELETE FROM certificates WHERE true` + notReceived(kaohe.EntCertificate),
		`DELETE FROM decisions WHERE stage IN ('` + string(kaohe.StageFirst) + `', '` + string(kaohe.StageExam) + `', '` +
			string(kaohe.StageSecond) + `', '` + string(kaohe.StageThird) + `')` + notReceived(kaohe.EntDecision),
		`DELETE FROM exemptions WHERE true` + notReceived(kaohe.EntExemption),
		`DELETE FROM filings WHERE true` + notReceived(kaohe.EntFiling),
		`DELETE FROM level_changes WHERE from_level <> 0` + notReceived(kaohe.EntLevelChange), // a hire's first level is the showroom's
		`DELETE FROM account_blocks WHERE true` + notReceived(kaohe.EntAccountBlock),
		`DELETE FROM hq_keys WHERE true` + notReceived(kaohe.EntHQKey), // the demo's key must not vouch for certificates
	}
	n := 0
	for _, q := range stmts {
		res, err := tx.exec(q)
		if err != nil {
			return n, err
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}
