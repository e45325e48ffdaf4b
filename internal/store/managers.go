package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"kaohe/internal/kaohe"
)

// ownShowroom returns this database's showroom id, which local writes carry.
func (tx *Tx) ownShowroom() (string, error) {
	id, err := tx.ShowroomID()
	if err != nil {
		return "", kaohe.Errorf(kaohe.ECONFLICT, "err.no_showroom")
	}
	return id, nil
}

const managerCols = `id, showroom_id, employee_no, name, gender, phone, education, hire_date, status, left_on, note`

func scanManager(sc scanner) (kaohe.Manager, error) {
	var m kaohe.Manager
	err := sc.Scan(&m.ID, &m.ShowroomID, &m.EmployeeNo, &m.Name, &m.Gender, &m.Phone, &m.Education,
		dateCol{&m.HireDate}, &m.Status, dateCol{&m.LeftOn}, &m.Note)
	return m, err
}

// CreateManager adds a manager to this showroom with an initial level (a
// level change from 0, decided by the showroom on hiring).
func (tx *Tx) CreateManager(m kaohe.Manager, level kaohe.Level, since kaohe.Date) (kaohe.Manager, error) {
	sid, err := tx.ownShowroom()
	if err != nil {
		return m, err
	}
	if m.ID == "" {
		m.ID = tx.newID()
	}
	m.ShowroomID = sid
	if m.Status == "" {
		m.Status = kaohe.StatusActive
	}
	m.Name, m.EmployeeNo = strings.TrimSpace(m.Name), strings.TrimSpace(m.EmployeeNo)
	m = m.AsOf(tx.today())
	if err := m.CheckProfile(nil, tx.today()); err != nil {
		return m, err
	}
	if !level.Valid() {
		return m, kaohe.Errorf(kaohe.EINVALID, "err.bad_level", "Value", int(level)).OnField("level")
	}
	if err := tx.checkEmployeeNo(m); err != nil {
		return m, err
	}
	ts := stamp(tx.now)
	if _, err := tx.exec(`INSERT INTO managers (`+managerCols+`, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.ShowroomID, m.EmployeeNo, m.Name, string(m.Gender), m.Phone, int(m.Education), dateArg(m.HireDate),
		string(m.Status), dateArg(m.LeftOn), m.Note, ts, ts); err != nil {
		return m, err
	}
	if err := tx.logChange("manager", m.ID, OpUpsert, "manager.create", m); err != nil {
		return m, err
	}
	if since.IsZero() {
		since = m.HireDate
	}
	if since.IsZero() {
		since = tx.today()
	}
	_, err = tx.RecordLevelChange(kaohe.LevelChange{ManagerID: m.ID, From: 0, To: level, Date: since, Reason: "入职定级", DecidedBy: tx.actor})
	return m, err
}

// today is the showroom's calendar day: the policy's (kaohe.Today), the
// one HQ judges by, not the PC's zone's. A PC whose zone is ahead of China
// would otherwise save what HQ then refuses for good as dated in the
// future, and one behind refuse what HQ takes.
func (tx *Tx) today() kaohe.Date { return kaohe.Today(tx.now) }

// checkEmployeeNo refuses a number another manager of the showroom has,
// compared without regard to case (kaohe.SameEmployeeNo): d001 is D001.
// Employee numbers are ASCII (kaohe's pattern), so SQLite's lower() is exact.
func (tx *Tx) checkEmployeeNo(m kaohe.Manager) error {
	var other, no string
	err := tx.queryRow(`SELECT id, employee_no FROM managers WHERE showroom_id = ? AND lower(employee_no) = lower(?) AND deleted_at IS NULL AND id <> ?`,
		m.ShowroomID, strings.TrimSpace(m.EmployeeNo), m.ID).Scan(&other, &no)
	if err == nil && kaohe.SameEmployeeNo(no, m.EmployeeNo) {
		return kaohe.Errorf(kaohe.ECONFLICT, "err.employee_no_taken", "Value", no).OnField("employee_no")
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// UpdateManager saves a changed profile. The showroom and id stay.
func (tx *Tx) UpdateManager(m kaohe.Manager) (kaohe.Manager, error) {
	old, err := tx.manager(m.ID)
	if err != nil {
		return m, err
	}
	m.ShowroomID = old.ShowroomID
	m.Name, m.EmployeeNo = strings.TrimSpace(m.Name), strings.TrimSpace(m.EmployeeNo)
	m = m.AsOf(tx.today())
	if err := m.CheckProfile(&old, tx.today()); err != nil {
		return m, err
	}
	// A number kept as it was is no second one, even where another manager
	// holds it too (D001 and d001, both saved before numbers were compared
	// whatever their case): either can still be edited or marked left, as
	// HQ accepts it; giving a manager another's number is refused.
	if !kaohe.SameEmployeeNo(old.EmployeeNo, m.EmployeeNo) {
		if err := tx.checkEmployeeNo(m); err != nil {
			return m, err
		}
	}
	if _, err := tx.exec(`UPDATE managers SET employee_no = ?, name = ?, gender = ?, phone = ?, education = ?, hire_date = ?, status = ?, left_on = ?, note = ?, updated_at = ? WHERE id = ?`,
		m.EmployeeNo, m.Name, string(m.Gender), m.Phone, int(m.Education), dateArg(m.HireDate), string(m.Status), dateArg(m.LeftOn), m.Note, stamp(tx.now), m.ID); err != nil {
		return m, err
	}
	return m, tx.logChange("manager", m.ID, OpUpsert, "manager.update", m)
}

// DeleteManager tombstones a manager entered by mistake; people who leave
// are marked left with UpdateManager instead, keeping their history.
func (tx *Tx) DeleteManager(id string) error {
	m, err := tx.manager(id)
	if err != nil {
		return err
	}
	h, err := tx.history(id)
	if err != nil {
		return err
	}
	if err := kaohe.CheckDelete(m.EmployeeNo+" "+m.Name, h); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE managers SET deleted_at = ?, updated_at = ? WHERE id = ?`, stamp(tx.now), stamp(tx.now), id); err != nil {
		return err
	}
	return tx.logChange("manager", id, OpDelete, "manager.delete", m)
}

// history counts what was recorded about a manager (the kinds of
// kaohe.HistoryKinds, each in its table), tombstones excluded.
func (tx *Tx) history(id string) (kaohe.History, error) {
	var h kaohe.History
	counted := map[string]bool{}
	for _, kind := range kaohe.HistoryKinds() {
		e, err := kaohe.EntityOf(kind)
		if err != nil {
			return h, err
		}
		if counted[e.Table] { // two kinds in one table (level changes)
			continue
		}
		counted[e.Table] = true
		q := `SELECT count(*) FROM ` + e.Table + ` WHERE manager_id = ?`
		if !e.AppendOnly { // append-only rows are never tombstoned
			q += ` AND deleted_at IS NULL`
		}
		var n int
		if err := tx.queryRow(q, id).Scan(&n); err != nil {
			return h, fmt.Errorf("history %s: %w", e.Table, err)
		}
		*h.Count(kind) += n
	}
	return h, nil
}

func (tx *Tx) manager(id string) (kaohe.Manager, error) {
	m, err := scanManager(tx.queryRow(`SELECT `+managerCols+` FROM managers WHERE id = ? AND deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, notFound("manager", id)
	}
	return m, err
}

// Manager returns one manager with the current level.
func (s *Store) Manager(ctx context.Context, id string) (kaohe.ManagerLevel, error) {
	return s.oneManager(ctx, `id = ?`, id)
}

// ManagerByNo returns the manager with an employee number in this showroom.
func (s *Store) ManagerByNo(ctx context.Context, employeeNo string) (kaohe.ManagerLevel, error) {
	return s.oneManager(ctx, `lower(employee_no) = lower(?) AND showroom_id = (SELECT value FROM meta WHERE key = 'showroom_id')`, strings.TrimSpace(employeeNo))
}

func (s *Store) oneManager(ctx context.Context, where string, arg string) (kaohe.ManagerLevel, error) {
	m, err := scanManager(s.r.QueryRowContext(ctx, `SELECT `+managerCols+` FROM managers WHERE deleted_at IS NULL AND `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return kaohe.ManagerLevel{}, notFound("manager", arg)
	}
	if err != nil {
		return kaohe.ManagerLevel{}, err
	}
	hist, err := s.LevelHistory(ctx, m.ID)
	if err != nil {
		return kaohe.ManagerLevel{}, err
	}
	return kaohe.ManagerLevel{Manager: m.AsOf(s.today()), Level: kaohe.CurrentLevel(hist)}, nil
}

// today is the showroom's calendar day by the store's clock.
func (s *Store) today() kaohe.Date { return kaohe.Today(s.Now()) }

// managerCache keeps everyone's list (ListManagers without a filter: each
// manager with the level derived from their level changes) while nothing
// was written and on one day: HQ mode's queues, report and lists each read
// all 10,000 (about 100 ms each, the levels derived again every time).
type managerCache struct {
	mu  sync.Mutex
	key managerKey
	all []kaohe.ManagerLevel // nil: nothing kept
}

// managerKey says what a kept list was read at: the writes this Store
// committed, the day (a planned leave takes effect), and the two tables as
// any connection left them (another process's writes, which the count
// misses: rows, latest change).
type managerKey struct {
	writes       uint64
	today        kaohe.Date
	rows, levels int64
	touched      string
	lastLevel    int64
}

func (s *Store) managerKey(ctx context.Context) (managerKey, error) {
	k := managerKey{writes: s.writes.Load(), today: s.today()}
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM managers), (SELECT coalesce(max(updated_at), '') FROM managers),
		(SELECT count(*) FROM level_changes), (SELECT coalesce(max(rowid), 0) FROM level_changes)`).Scan(&k.rows, &k.touched, &k.levels, &k.lastLevel)
	return k, err
}

// ListManagers returns the managers matching f, by employee number.
func (s *Store) ListManagers(ctx context.Context, f kaohe.ManagerFilter) ([]kaohe.ManagerLevel, error) {
	if f != (kaohe.ManagerFilter{}) {
		return s.listManagers(ctx, f)
	}
	key, err := s.managerKey(ctx)
	if err != nil {
		return nil, err
	}
	c := &s.managers
	c.mu.Lock()
	all := c.all
	if c.key != key {
		all = nil
	}
	c.mu.Unlock()
	if all == nil {
		if all, err = s.listManagers(ctx, f); err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.key, c.all = key, all
		c.mu.Unlock()
	}
	// A copy: the caller may change its rows.
	return append(make([]kaohe.ManagerLevel, 0, len(all)), all...), nil
}

func (s *Store) listManagers(ctx context.Context, f kaohe.ManagerFilter) ([]kaohe.ManagerLevel, error) {
	var where []string
	var args []any
	if !f.WithDeleted {
		where = append(where, `deleted_at IS NULL`)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, `(employee_no LIKE ? ESCAPE '\' OR name LIKE ? ESCAPE '\' OR phone LIKE ? ESCAPE '\')`)
		like := "%" + escapeLike(q) + "%"
		args = append(args, like, like, like)
	}
	today := s.today()
	if f.Status != "" { // as of today: a planned leave is still active (kaohe.Manager.AsOf)
		where = append(where, `(CASE WHEN left_on IS NULL OR left_on = '' THEN status WHEN left_on > ? THEN 'active' ELSE 'left' END) = ?`)
		args = append(args, today.String(), string(f.Status))
	}
	query := `SELECT ` + managerCols + ` FROM managers`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	ms, err := queryAll(ctx, s.r, scanManager, query+` ORDER BY employee_no`, args...)
	if err != nil {
		return nil, err
	}
	changes, err := s.allLevelChanges(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]kaohe.ManagerLevel, 0, len(ms))
	for _, m := range ms {
		r := kaohe.ManagerLevel{Manager: m.AsOf(today), Level: kaohe.CurrentLevel(changes[m.ID])}
		if f.Level != 0 && r.Level != f.Level {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

const levelChangeCols = `id, manager_id, from_level, to_level, date, reason, decided_by, application_id`

func scanLevelChange(sc scanner) (kaohe.LevelChange, error) {
	var c kaohe.LevelChange
	err := sc.Scan(&c.ID, &c.ManagerID, &c.From, &c.To, dateCol{&c.Date}, &c.Reason, &c.DecidedBy, &c.AppID)
	return c, err
}

// allLevelChanges returns every manager's level changes in the order
// written, with only what kaohe.CurrentLevel reads (the level reached and
// its date): the list of 10,000 managers reads them all.
func (s *Store) allLevelChanges(ctx context.Context) (map[string][]kaohe.LevelChange, error) {
	all, err := queryAll(ctx, s.r, func(sc scanner) (c kaohe.LevelChange, err error) {
		err = sc.Scan(&c.ManagerID, &c.To, dateCol{&c.Date})
		return c, err
	}, `SELECT manager_id, to_level, date FROM level_changes ORDER BY created_at, rowid`)
	out := make(map[string][]kaohe.LevelChange, len(all))
	for _, c := range all {
		out[c.ManagerID] = append(out[c.ManagerID], c)
	}
	return out, err
}

// LevelHistories returns every manager's level changes, whole, by manager
// id: what the assessment screen judges, period by period, who it may
// offer (kaohe.CheckAssessableIn).
func (s *Store) LevelHistories(ctx context.Context) (map[string][]kaohe.LevelChange, error) {
	all, err := queryAll(ctx, s.r, scanLevelChange, `SELECT `+levelChangeCols+` FROM level_changes ORDER BY created_at, rowid`)
	out := make(map[string][]kaohe.LevelChange, len(all))
	for _, c := range all {
		out[c.ManagerID] = append(out[c.ManagerID], c)
	}
	return out, err
}

// LevelHistory returns a manager's level changes, oldest first.
func (s *Store) LevelHistory(ctx context.Context, managerID string) ([]kaohe.LevelChange, error) {
	return levelHistory(ctx, s.r, managerID)
}

func levelHistory(ctx context.Context, q querier, managerID string) ([]kaohe.LevelChange, error) {
	out, err := queryAll(ctx, q, scanLevelChange, `SELECT `+levelChangeCols+` FROM level_changes WHERE manager_id = ? ORDER BY created_at, rowid`, managerID)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// CurrentLevel returns a manager's level inside the transaction.
func (tx *Tx) CurrentLevel(managerID string) (kaohe.Level, error) {
	h, err := levelHistory(tx.ctx, tx.tx, managerID)
	return kaohe.CurrentLevel(h), err
}

// RecordLevelChange appends a level-change event, checked as HQ checks it
// (kaohe.CheckHireLevel, kaohe.CheckLevelDecision): its From must be the
// manager's current level, so two decisions cannot both move the same level.
func (tx *Tx) RecordLevelChange(c kaohe.LevelChange) (kaohe.LevelChange, error) {
	m, err := tx.manager(c.ManagerID)
	if err != nil {
		return c, err
	}
	if c.ID == "" {
		c.ID = tx.newID()
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	levels, err := tx.levels()
	if err != nil {
		return c, err
	}
	h, err := levelHistory(tx.ctx, tx.tx, c.ManagerID)
	if err != nil {
		return c, err
	}
	if c.From == 0 { // a showroom's own first level: only what HQ allows
		err = kaohe.CheckHireLevel(levels, h, c)
	} else { // HQ's: a grant, or a level set outside a review, as HQ checks it
		err = kaohe.CheckLevelDecision(levels, h, c, tx.today())
	}
	if err != nil {
		return c, err
	}
	if _, err := tx.exec(`INSERT INTO level_changes (`+levelChangeCols+`, showroom_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.ManagerID, int(c.From), int(c.To), c.Date.String(), c.Reason, c.DecidedBy, c.AppID, m.ShowroomID, stamp(tx.now)); err != nil {
		return c, err
	}
	entity := "level_change" // HQ's decision
	if c.From == 0 {
		entity = "level_assignment" // the showroom's level on hiring
	}
	return c, tx.logChange(entity, c.ID, OpUpsert, "level.change", c)
}
