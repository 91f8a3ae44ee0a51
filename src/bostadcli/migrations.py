"""Schema migrations: append-only, named, each in its own transaction.

Never edit a migration that has shipped; add a new one. ``bostad db status`` lists them.
Tables are STRICT: a value of the wrong type is an error, not a silent conversion.
Money is integer öre (``*_ore``); dates are ISO text; timestamps are ISO UTC text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils.migrations import Migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

migrations = Migrations("bostadcli")


def _run(db: Database, script: str) -> None:
    # executescript() would commit the migration's transaction; run one by one instead.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations(name="0001_foundation")
def m0001_foundation(db: Database) -> None:
    _run(
        db,
        """
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;

CREATE TABLE landlords (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    org_number TEXT,
    kind TEXT NOT NULL,
    contact_person TEXT,
    phone TEXT,
    email TEXT,
    street TEXT,
    postal_code TEXT,
    city TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX landlords_name ON landlords (name COLLATE NOCASE);

CREATE TABLE households (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    outcome TEXT,
    street TEXT,
    postal_code TEXT,
    city TEXT,
    landlord_id INTEGER REFERENCES landlords (id),
    contract_number TEXT,
    rent_ore INTEGER CHECK (rent_ore >= 0),
    arrears_ore INTEGER NOT NULL DEFAULT 0 CHECK (arrears_ore >= 0),
    source TEXT NOT NULL,
    housing_situation TEXT NOT NULL,
    caseworker TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((status = 'closed') = (closed_on IS NOT NULL))
) STRICT;
CREATE INDEX households_status ON households (status);
CREATE INDEX households_landlord ON households (landlord_id);
CREATE INDEX households_caseworker ON households (caseworker);

CREATE TABLE household_reasons (
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    PRIMARY KEY (household_id, reason)
) STRICT, WITHOUT ROWID;
CREATE INDEX household_reasons_reason ON household_reasons (reason);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    name TEXT,
    pnr TEXT,
    birth_date TEXT,
    role TEXT NOT NULL,
    part_time INTEGER NOT NULL DEFAULT 0 CHECK (part_time IN (0, 1)),
    created_at TEXT NOT NULL,
    CHECK (name IS NOT NULL OR role = 'child'),
    CHECK (role != 'child' OR birth_date IS NOT NULL)
) STRICT;
CREATE INDEX members_household ON members (household_id);
CREATE INDEX members_pnr ON members (pnr);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    ground TEXT,
    received_on TEXT,
    served_on TEXT,
    amount_ore INTEGER CHECK (amount_ore >= 0),
    recovery_deadline TEXT,
    eviction_at TEXT,
    enforcement_case TEXT,
    note TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX notices_household ON notices (household_id);
CREATE INDEX notices_recovery_deadline ON notices (recovery_deadline);
CREATE INDEX notices_eviction_at ON notices (eviction_at);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    contact_on TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    referral_to TEXT,
    caseworker TEXT,
    automatic INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX contacts_household ON contacts (household_id, contact_on);

CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    recipient_name TEXT,
    given_on TEXT NOT NULL,
    expires_on TEXT,
    revoked_on TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    CHECK (expires_on IS NULL OR expires_on >= given_on),
    CHECK (revoked_on IS NULL OR revoked_on >= given_on)
) STRICT;
CREATE INDEX consents_household ON consents (household_id, recipient);

-- The deadlines that decide how urgent a case is, in one place.
CREATE VIEW household_deadlines AS
    SELECT household_id, recovery_deadline AS due_on, 'recovery_deadline' AS kind, id AS notice_id
    FROM notices WHERE recovery_deadline IS NOT NULL
    UNION ALL
    SELECT household_id, substr(eviction_at, 1, 10), 'eviction', id
    FROM notices WHERE kind = 'eviction' AND eviction_at IS NOT NULL
""",
    )


@migrations(name="0003_export_log")
def m0003_export_log(db: Database) -> None:
    # Who took personal data out of the database, and how much: the audit log reads it.
    _run(
        db,
        """
CREATE TABLE export_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    os_user TEXT NOT NULL,
    command TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_count INTEGER NOT NULL CHECK (row_count >= 0),
    include_pnr INTEGER NOT NULL CHECK (include_pnr IN (0, 1))
) STRICT;
CREATE INDEX export_log_at ON export_log (at)
""",
    )


@migrations(name="0004_household_origin")
def m0004_household_origin(db: Database) -> None:
    # origin_ref: the case reference in the installation a moved case came from.
    # The street index keeps matching a landlord's list by address fast on a large file.
    _run(
        db,
        """
ALTER TABLE households ADD COLUMN origin_ref TEXT;
CREATE INDEX households_street ON households (street COLLATE NOCASE)
""",
    )
