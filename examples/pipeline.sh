#!/usr/bin/env bash
# Open cases per landlord, and how many of the households have children: bostad's CSV
# export piped into the sqlite3 shell, which loads it into an in-memory database and
# answers with SQL. The result is CSV too, for a spreadsheet or the next program.
#
#   examples/pipeline.sh [--as-of YYYY-MM-DD]
#
# Uses the database and config that bostad would (BOSTAD_DB, BOSTAD_CONFIG); any
# options are passed on to `bostad export households`. Needs the sqlite3 shell
# (Debian/Ubuntu: apt-get install sqlite3).
set -euo pipefail

if ! command -v sqlite3 >/dev/null; then
    echo "pipeline.sh: needs the sqlite3 shell (apt-get install sqlite3)" >&2
    exit 127
fi

# The CSV has a header row, so .import names the columns after it. Every value arrives
# as text: the counts are cast back to numbers before they are added up.
bostad export households --format csv --status open "$@" |
    sqlite3 -bail -csv -header :memory: \
        '.import /dev/stdin households' \
        "SELECT coalesce(nullif(landlord, ''), '-') AS landlord,
                count(*) AS open_cases,
                sum(CAST(children AS INTEGER) + CAST(children_part_time AS INTEGER) > 0)
                    AS with_children,
                sum(CAST(children AS INTEGER)) AS children,
                sum(CAST(children_part_time AS INTEGER)) AS children_part_time
         FROM households
         GROUP BY 1
         ORDER BY with_children DESC, open_cases DESC, landlord"
