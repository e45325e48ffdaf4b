package hq

import (
	"context"
	"database/sql"
	"log/slog"
	"net/url"
	"strconv"
	"sync"
	"time"

	"kaohe/internal/store/sqliteuri"
)

// A checkpoint copies the WAL's pages into the database file and syncs it.
// SQLite runs one on the writer's own connection, inside the commit that
// fills the WAL past wal_autocheckpoint: the push whose batch crosses the
// line waits for some 100 MB to be written and synced, on a slow disk half
// a second or more, and a showroom's first sync paid that once or twice on
// its way. HQ checkpoints on a connection of its own instead, when its
// writes pause (checkpointIdle after the last commit), or, under writes
// that never pause, checkpointEvery after the first commit not yet copied
// — in SQLite's PASSIVE mode, which never waits for a reader or the writer
// and which the writer does not wait for. The writer still checkpoints
// itself past walCapBytes of WAL, should that connection ever fall behind.
// Every commit is as durable as before: with synchronous=FULL a commit is
// on the disk, in the WAL, when it returns; a checkpoint only moves it.
const (
	checkpointIdle  = time.Second
	checkpointEvery = 10 * time.Second
	walCapBytes     = 512 << 20
)

type checkpointer struct {
	db      *sql.DB
	commits chan struct{} // a write committed (buffered: one is enough)
	stop    chan struct{}
	done    sync.WaitGroup
	idle    time.Duration
	every   time.Duration
}

// startCheckpointer opens the checkpoint's own connection to path and
// starts the loop (a checkpoint idle after the last commit, or every after
// the first one not copied); the writer db's automatic checkpoints are
// moved out to walCapBytes.
func startCheckpointer(ctx context.Context, path string, db *sql.DB, idle, every time.Duration) (*checkpointer, error) {
	var pageSize int64
	if err := db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return nil, err
	}
	// One connection: the pragma holds for it alone.
	if _, err := db.ExecContext(ctx, `PRAGMA wal_autocheckpoint = `+strconv.FormatInt(walCapBytes/pageSize, 10)); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("_busy_timeout", "10000")
	cdb, err := sql.Open("sqlite3", sqliteuri.File(path)+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	cdb.SetMaxOpenConns(1)
	c := &checkpointer{db: cdb, commits: make(chan struct{}, 1), stop: make(chan struct{}), idle: idle, every: every}
	c.done.Add(1)
	go c.run()
	return c, nil
}

// committed tells the checkpointer a write committed; it never blocks.
// Before Open starts it (migrations, the first start's seed) there is none:
// the writer checkpoints those itself.
func (c *checkpointer) committed() {
	if c == nil {
		return
	}
	select {
	case c.commits <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer c.done.Done()
	for {
		select { // nothing to copy until a write commits
		case <-c.stop:
			return
		case <-c.commits:
		}
		deadline := time.NewTimer(c.every)
		idle := time.NewTimer(c.idle)
	wait:
		for {
			select {
			case <-c.stop:
				deadline.Stop()
				idle.Stop()
				return
			case <-c.commits:
				idle.Reset(c.idle)
			case <-idle.C:
				break wait
			case <-deadline.C:
				break wait
			}
		}
		deadline.Stop()
		idle.Stop()
		c.checkpoint()
	}
}

func (c *checkpointer) checkpoint() {
	var busy, frames, copied int
	if err := c.db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		slog.Warn("checkpoint", "err", err)
	}
}

// close stops the loop and closes its connection.
func (c *checkpointer) close() {
	close(c.stop)
	c.done.Wait()
	c.db.Close()
}

// withCheckpointTimes sets the checkpointer's pause and longest wait
// (checkpointIdle, checkpointEvery) for a test.
func withCheckpointTimes(idle, every time.Duration) Option {
	return func(s *Store) { s.ckptIdle, s.ckptEvery = idle, every }
}
