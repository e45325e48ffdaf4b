package hq

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"

	"kaohe/internal/kaohe"
)

// ledger is HQ's state of record as the domain's rules read it
// (kaohe.Ledger), inside one transaction. Reference data and level
// histories are read once per batch and kept until a change of theirs is
// recorded in it.
type ledger struct {
	tx        *txn
	today     kaohe.Date
	levels    kaohe.Levels
	templates map[string]*kaohe.Template
	periods   map[string]*kaohe.Period
	history   map[string][]kaohe.LevelChange
	managers  map[string]*kaohe.Manager // nil: none (or deleted)
	byNo      map[string]*kaohe.Manager // by natural key (showroom, employee number); nil: none
	filed     map[string]bool           // assessment id → has a filing

	// Trainings the batch's attendance named (nil: none, or deleted).
	trainings map[string]*kaohe.Training
	// The managers of a showroom HQ ever recorded at level 3 (Appointed).
	level3 map[string][]string
}

func newLedger(tx *txn, today kaohe.Date) *ledger {
	return &ledger{tx: tx, today: today, templates: map[string]*kaohe.Template{}, periods: map[string]*kaohe.Period{},
		history: map[string][]kaohe.LevelChange{}, managers: map[string]*kaohe.Manager{}, byNo: map[string]*kaohe.Manager{}, filed: map[string]bool{},
		trainings: map[string]*kaohe.Training{}, level3: map[string][]string{}}
}

// recorded forgets what a change just written makes stale.
func (l *ledger) recorded(entity, rowID, parent string) {
	switch entity {
	case kaohe.EntLevel:
		l.levels = nil
	case kaohe.EntTemplate:
		delete(l.templates, rowID)
	case kaohe.EntPeriod:
		delete(l.periods, rowID)
	case kaohe.EntLevelAssignment, kaohe.EntLevelChange:
		delete(l.history, parent)
		clear(l.level3)
	case kaohe.EntManager:
		delete(l.managers, rowID)
		clear(l.byNo) // a number may have moved to another manager
	case kaohe.EntFiling:
		delete(l.filed, parent)
	case kaohe.EntTraining:
		delete(l.trainings, rowID)
	}
}

// added is recorded for a row HQ did not hold before, now stored as v (the
// entity's type, as decoded from the change): what the ledger keeps of it
// is brought up to date instead of read again. A new row is the last of
// its parent's children (children: in the order written), so a level
// history kept grows by it.
func (l *ledger) added(entity, rowID, parent string, v any) {
	switch v := v.(type) {
	case *kaohe.LevelChange:
		if h, ok := l.history[parent]; ok && entity == kaohe.EntLevelAssignment && v.ManagerID == parent {
			l.history[parent] = append(h[:len(h):len(h)], *v)
			if v.To == kaohe.ShowroomManagerLevel {
				clear(l.level3)
			}
			return
		}
	case *kaohe.Manager:
		if entity == kaohe.EntManager && v.ID == rowID {
			m := *v
			l.managers[rowID] = &m
			delete(l.byNo, managerKey(m.ShowroomID, m.EmployeeNo))
			return
		}
	}
	l.recorded(entity, rowID, parent)
}

func (l *ledger) Today() kaohe.Date { return l.today }

// Training is a training HQ holds, read once per batch (its attendance
// asks for it, kaohe.Attendance.CheckHeld).
func (l *ledger) Training(id string) (kaohe.Training, bool, error) {
	if t, ok := l.trainings[id]; ok {
		if t == nil {
			return kaohe.Training{}, false, nil
		}
		return *t, true, nil
	}
	t, ok, err := rowOf[kaohe.Training](l.tx, kaohe.EntTraining, id)
	if err == nil {
		l.trainings[id] = nil
		if ok {
			l.trainings[id] = &t
		}
	}
	return t, ok, err
}

// Attended counts a training's live attendance (its rows' parent), read
// only for a training dated after today (kaohe.Training.CheckDay).
func (l *ledger) Attended(trainingID string) (int, error) {
	var n int
	err := l.tx.QueryRow(sqlAttended, trainingID).Scan(&n)
	return n, err
}

// sqlAttended uses rows_parent, as children does.
const sqlAttended = `SELECT count(*) FROM rows WHERE parent = ? AND parent <> '' AND entity = 'attendance' AND deleted = 0`

func (l *ledger) Levels() (kaohe.Levels, error) {
	if l.levels != nil {
		return l.levels, nil
	}
	ls, err := levels(l.tx)
	l.levels = ls
	return ls, err
}

func (l *ledger) Manager(id string) (kaohe.Manager, bool, error) {
	if m, ok := l.managers[id]; ok {
		if m == nil {
			return kaohe.Manager{}, false, nil
		}
		return *m, true, nil
	}
	m, ok, err := rowOf[kaohe.Manager](l.tx, kaohe.EntManager, id)
	if err == nil {
		l.managers[id] = nil
		if ok {
			l.managers[id] = &m
		}
	}
	return m, ok, err
}

// ManagerByEmployeeNo finds a showroom's live manager by the natural key
// HQ keeps of her (the showroom and her employee number, as
// kaohe.EmployeeNoKey compares it), read once per batch.
func (l *ledger) ManagerByEmployeeNo(showroomID, employeeNo string) (kaohe.Manager, bool, error) {
	key := managerKey(showroomID, employeeNo)
	if key == "" {
		return kaohe.Manager{}, false, nil
	}
	if m, ok := l.byNo[key]; ok {
		if m == nil {
			return kaohe.Manager{}, false, nil
		}
		return *m, true, nil
	}
	var p string
	err := l.tx.QueryRow(sqlManagerByKey, key).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		l.byNo[key] = nil
		return kaohe.Manager{}, false, nil
	}
	if err != nil {
		return kaohe.Manager{}, false, err
	}
	var m kaohe.Manager
	if err := json.Unmarshal([]byte(p), &m); err != nil {
		return m, false, err
	}
	l.byNo[key] = &m
	return m, true, nil
}

// Appointed says whether HQ holds a manager of the showroom as its manager
// (level 3) on a day (kaohe.ManagesShowroomOn): the managers it ever
// recorded at level 3 are read once per batch, their histories as the
// rules read them.
func (l *ledger) Appointed(showroomID string, on kaohe.Date) (bool, error) {
	ids, ok := l.level3[showroomID]
	if !ok {
		rows, err := l.tx.Query(sqlLevel3Managers, showroomID, int(kaohe.ShowroomManagerLevel))
		if err != nil {
			return false, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return false, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return false, err
		}
		l.level3[showroomID] = ids
	}
	for _, id := range ids {
		m, found, err := l.Manager(id)
		if err != nil || !found {
			if err != nil {
				return false, err
			}
			continue
		}
		h, err := l.LevelHistory(id)
		if err != nil {
			return false, err
		}
		if kaohe.ManagesShowroomOn(m, h, on) {
			return true, nil
		}
	}
	return false, nil
}

// sqlLevel3Managers: the showroom's level rows through the partial index
// rows_showroom_levels, whose condition it repeats.
const sqlLevel3Managers = `SELECT DISTINCT parent FROM rows WHERE showroom_id = ? AND entity IN ('level_assignment', 'level_change')
	AND deleted = 0 AND parent <> '' AND payload ->> '$.to_level' = ?`

// managerKey is the natural key of a showroom's manager with an employee
// number ("" for none).
func managerKey(showroomID, employeeNo string) string {
	e, err := kaohe.EntityOf(kaohe.EntManager)
	if err != nil {
		return ""
	}
	return e.NaturalKey(&kaohe.Manager{EmployeeNo: employeeNo}, showroomID)
}

// sqlManagerByKey repeats the partial index rows_natural_key's condition.
const sqlManagerByKey = `SELECT payload FROM rows WHERE natural_key = ? AND natural_key <> '' AND entity = 'manager' AND deleted = 0`

func (l *ledger) LevelHistory(managerID string) ([]kaohe.LevelChange, error) {
	if h, ok := l.history[managerID]; ok {
		return h, nil
	}
	h, err := children[kaohe.LevelChange](l.tx, managerID, kaohe.EntLevelAssignment, kaohe.EntLevelChange)
	if err == nil {
		l.history[managerID] = h
	}
	return h, err
}

// prefetch reads, in two queries for a push batch, what the rules will ask
// of the rows its changes refer to: the level histories of the managers its
// assessments and level assignments name, and which of its assessments are
// filed (as prepare listed them). What the batch then writes makes them
// stale one by one (recorded).
func (l *ledger) prefetch(b *Batch) error {
	managers, assessments := b.managers, b.assessments
	if len(managers) > 0 {
		rows, err := l.tx.Query(sqlHistories, b.managersJSON)
		if err != nil {
			return err
		}
		h := map[string][]kaohe.LevelChange{}
		for rows.Next() {
			var parent, p string
			if err := rows.Scan(&parent, &p); err != nil {
				rows.Close()
				return err
			}
			var lc kaohe.LevelChange
			if err := json.Unmarshal([]byte(p), &lc); err != nil {
				rows.Close()
				return err
			}
			h[parent] = append(h[parent], lc)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range managers {
			l.history[m] = h[m]
		}
	}
	if len(assessments) > 0 {
		rows, err := l.tx.Query(sqlFiled, b.assessmentsJSON)
		if err != nil {
			return err
		}
		filed := map[string]bool{}
		for rows.Next() {
			var parent string
			if err := rows.Scan(&parent); err != nil {
				rows.Close()
				return err
			}
			filed[parent] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, a := range assessments {
			l.filed[a] = filed[a]
		}
	}
	return nil
}

// History counts what HQ holds about a manager besides her profile, as the
// app counts it (kaohe.CheckDelete): her level changes, the rows that refer
// to her, and her attendance (which refers to its training first).
func (l *ledger) History(managerID string) (kaohe.History, error) {
	var h kaohe.History
	rows, err := l.tx.Query(sqlHistoryCounts, managerID)
	if err != nil {
		return h, err
	}
	defer rows.Close()
	for rows.Next() {
		var entity string
		var n int
		if err := rows.Scan(&entity, &n); err != nil {
			return h, err
		}
		if c := h.Count(entity); c != nil { // the kinds of kaohe.HistoryKinds
			*c += n
		}
	}
	if err := rows.Err(); err != nil {
		return h, err
	}
	// Attendance refers to its training first (its parent): read apart.
	var n int
	err = l.tx.QueryRow(sqlAttendanceOf, managerID).Scan(&n)
	*h.Count(kaohe.EntAttendance) += n
	return h, err
}

// The reads of History: the rows whose parent is the manager (rows_parent),
// and her attendance among her showroom's: the attendance of its trainings
// (the trainings by the rows' key, their attendance by rows_parent). An
// attendance belongs to its training's showroom, which a training never
// leaves (kaohe.Entity.Root), so these are the showroom's attendance.
const (
	sqlHistoryCounts = `SELECT entity, count(*) FROM rows WHERE parent = ? AND parent <> '' AND deleted = 0 GROUP BY entity`
	sqlAttendanceOf  = `SELECT count(*) FROM rows WHERE parent IN (SELECT row_id FROM rows WHERE entity = 'training'
			AND +showroom_id = (SELECT showroom_id FROM rows WHERE entity = 'manager' AND row_id = ?1))
		AND parent <> '' AND entity = 'attendance' AND deleted = 0 AND payload ->> '$.manager_id' = ?1`
)

// The batch's reads of prefetch; like children, they repeat rows_parent's
// condition so the index is used.
const (
	sqlHistories = `SELECT parent, payload FROM rows WHERE parent IN (SELECT value FROM json_each(?)) AND parent <> ''
		AND entity IN ('level_assignment', 'level_change') AND deleted = 0 ORDER BY seq`
	sqlFiled = `SELECT DISTINCT parent FROM rows WHERE parent IN (SELECT value FROM json_each(?)) AND parent <> ''
		AND entity = 'filing' AND deleted = 0`
)

func (l *ledger) Application(id string) (kaohe.ApplicationView, bool, error) {
	app, ok, err := rowOf[kaohe.Application](l.tx, kaohe.EntApplication, id)
	if err != nil || !ok {
		return kaohe.ApplicationView{}, ok, err
	}
	ds, err := children[kaohe.Decision](l.tx, id, kaohe.EntApplicationEvent, kaohe.EntDecision)
	if err != nil {
		return kaohe.ApplicationView{}, true, err
	}
	r, err := kaohe.Replay(ds)
	if err != nil {
		return kaohe.ApplicationView{}, true, err
	}
	ex, err := children[kaohe.Exemption](l.tx, id, kaohe.EntExemption)
	if err != nil {
		return kaohe.ApplicationView{}, true, err
	}
	app.Exemption = kaohe.ExemptionOf(app.Exemption != kaohe.ExemptionNone, ex)
	return kaohe.ApplicationView{Application: app, Review: r}, true, nil
}

// Applications are a manager's applications HQ holds, with their reviews.
func (l *ledger) Applications(managerID string) ([]kaohe.ApplicationView, error) {
	apps, err := children[kaohe.Application](l.tx, managerID, kaohe.EntApplication)
	if err != nil {
		return nil, err
	}
	out := make([]kaohe.ApplicationView, 0, len(apps))
	for _, a := range apps {
		v, ok, err := l.Application(a.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, v)
		}
	}
	return out, nil
}

func (l *ledger) Assessment(id string) (kaohe.Assessment, bool, error) {
	return rowOf[kaohe.Assessment](l.tx, kaohe.EntAssessment, id)
}

func (l *ledger) Filed(assessmentID string) (bool, error) {
	if f, ok := l.filed[assessmentID]; ok {
		return f, nil
	}
	fs, err := children[kaohe.Filing](l.tx, assessmentID, kaohe.EntFiling)
	if err == nil {
		l.filed[assessmentID] = len(fs) > 0
	}
	return len(fs) > 0, err
}

func (l *ledger) Template(id string, version int) (kaohe.Template, bool, error) {
	key := id + "@" + strconv.Itoa(version)
	if t, ok := l.templates[key]; ok {
		if t == nil {
			return kaohe.Template{}, false, nil
		}
		return *t, true, nil
	}
	t, ok, err := rowOf[kaohe.Template](l.tx, kaohe.EntTemplate, key)
	if err == nil {
		l.templates[key] = nil
		if ok {
			l.templates[key] = &t
		}
	}
	return t, ok, err
}

func (l *ledger) Period(id string) (kaohe.Period, bool, error) {
	if p, ok := l.periods[id]; ok {
		if p == nil {
			return kaohe.Period{}, false, nil
		}
		return *p, true, nil
	}
	p, ok, err := rowOf[kaohe.Period](l.tx, kaohe.EntPeriod, id)
	if err == nil {
		l.periods[id] = nil
		if ok {
			l.periods[id] = &p
		}
	}
	return p, ok, err
}

const sqlRowPayload = `SELECT payload FROM rows WHERE entity = ? AND row_id = ? AND deleted = 0`

// rowOf reads a row's current state at HQ.
func rowOf[T any](tx *txn, entity, id string) (T, bool, error) {
	var v T
	var p string
	err := tx.QueryRow(sqlRowPayload, entity, id).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, err
	}
	return v, true, json.Unmarshal([]byte(p), &v)
}

// children reads the current state of the rows of up to two entities that
// refer to parent, in the order they were written.
func children[T any](tx *txn, parent string, entities ...string) ([]T, error) {
	e2 := entities[0]
	if len(entities) > 1 {
		e2 = entities[1]
	}
	// "parent <> ''" lets SQLite use the partial index rows_parent.
	rows, err := tx.Query(`SELECT payload FROM rows WHERE parent = ? AND parent <> '' AND entity IN (?, ?) AND deleted = 0 ORDER BY seq`, parent, entities[0], e2)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal([]byte(p), &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// levels is the level reference data HQ holds, or the policy's.
func levels(tx *txn) (kaohe.Levels, error) {
	rows, err := tx.Query(`SELECT payload FROM rows WHERE entity = ? AND deleted = 0 ORDER BY row_id`, kaohe.EntLevel)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out kaohe.Levels
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		var li kaohe.LevelInfo
		if json.Unmarshal([]byte(p), &li) == nil {
			out = append(out, li)
		}
	}
	if len(out) == 0 {
		return kaohe.DefaultLevels(), rows.Err()
	}
	return out, rows.Err()
}

// Application is an application as HQ holds it: its materials and the
// review replayed from the stages HQ holds (found false when HQ has none).
func (s *Store) Application(ctx context.Context, id string) (v kaohe.ApplicationView, found bool, err error) {
	err = s.tx(ctx, func(tx *txn) error {
		v, found, err = newLedger(tx, s.today()).Application(id)
		return err
	})
	return v, found, err
}

// LevelHistory is a manager's level changes as HQ holds them, in order.
func (s *Store) LevelHistory(ctx context.Context, managerID string) (h []kaohe.LevelChange, err error) {
	err = s.tx(ctx, func(tx *txn) error {
		h, err = newLedger(tx, s.today()).LevelHistory(managerID)
		return err
	})
	return h, err
}
