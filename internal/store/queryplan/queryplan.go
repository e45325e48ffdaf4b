// Package queryplan reads SQLite's plan for a statement (EXPLAIN QUERY
// PLAN): the tests that keep the statements run per pushed change or per
// screen visit on their indexes read it, for the app's and HQ's stores.
package queryplan

import (
	"context"
	"database/sql"
	"strings"
)

// Querier is a database or transaction the plan is asked of.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Of returns the plan SQLite would run query with, its steps' details
// joined by "; " ("SEARCH rows USING INDEX rows_parent (parent=?); …").
func Of(ctx context.Context, db Querier, query string, args ...any) (string, error) {
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; "), rows.Err()
}
