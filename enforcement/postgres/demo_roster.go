package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// demoInsertRoster inserts the demo's inspector rosters from
// demodata/inspectors.csv: for EMB, MSA, FIRE and HCB the two inspectors
// who sign in as demo users (subjects u-emb-inspector1, …, names as in
// auth/devidp) and ten roster-only officers; eight roster-only officers
// each for EEB and UMB. Certificate numbers have the shape 440303 (罗湖区),
// year of issue, serial.
//
// It is idempotent: a certificate number on the roster already, or a
// subject that another entry links (an entry the 00003 migration made for
// a user assigned to tasks before rosters existed), is left alone. The
// new entries are linked to the users they name.
func demoInsertRoster(ctx context.Context, tx pgx.Tx, s *DemoSummary) error {
	var depts, names, certs, emails, subjects []string
	if err := demoReadCSV("inspectors.csv", func(r map[string]string) {
		depts, names, certs = append(depts, r["department"]), append(names, r["name"]), append(certs, r["certificate_no"])
		emails, subjects = append(emails, r["email"]), append(subjects, r["subject"])
	}); err != nil {
		return err
	}
	var ids []int64
	if err := tx.QueryRow(ctx, `
		WITH ins AS (
			INSERT INTO inspectors (department_code, name, certificate_no, email, subject)
			SELECT r.d, r.n, r.c, r.e, r.s
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS r (d, n, c, e, s, ord)
			WHERE r.s = '' OR NOT EXISTS (SELECT 1 FROM inspectors i WHERE i.subject = r.s)
			ORDER BY r.ord
			ON CONFLICT (certificate_no) DO NOTHING
			RETURNING id
		)
		SELECT coalesce(array_agg(id), '{}') FROM ins`, depts, names, certs, emails, subjects).Scan(&ids); err != nil {
		return fmt.Errorf("demo data: insert inspectors: %w", err)
	}
	s.Inspectors = len(ids)
	if err := linkInspectorUsers(ctx, tx, ids, time.Now()); err != nil {
		return fmt.Errorf("demo data: link inspectors: %w", err)
	}
	return nil
}
