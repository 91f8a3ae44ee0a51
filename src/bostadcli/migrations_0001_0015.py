"""The first migrations, 0001_foundation to 0015b_normalise_names (never edited).

``migrations.py`` imports this module before it registers the later ones, so the order
of the set is the order of the names. See ``migrations.py`` for the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bostadcli.migration_set import migrations
from bostadcli.migration_set import run_statements as _run

if TYPE_CHECKING:
    from sqlite_utils import Database


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


@migrations(name="0002_plans")
def m0002_plans(db: Database) -> None:
    # status is what was done to a plan; checked_state is the computed state (on track,
    # behind, broken, ...) that 'plan check' saw last, so the next check can report
    # what changed since. cancelled_on is also the day a plan was replaced.
    _run(
        db,
        """
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    landlord_id INTEGER NOT NULL REFERENCES landlords (id),
    debt_ore INTEGER NOT NULL CHECK (debt_ore > 0),
    installment_ore INTEGER NOT NULL CHECK (installment_ore > 0),
    months INTEGER NOT NULL CHECK (months >= 1),
    start_month TEXT NOT NULL CHECK (start_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    due_rule TEXT NOT NULL CHECK (
        due_rule = 'last_working_day'
        OR (due_rule GLOB '[1-9]' OR due_rule GLOB '[1-2][0-9]' OR due_rule GLOB '3[0-1]')
    ),
    whole_kronor INTEGER NOT NULL DEFAULT 1 CHECK (whole_kronor IN (0, 1)),
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'completed', 'cancelled', 'replaced')),
    checked_state TEXT NOT NULL CHECK (
        checked_state IN ('on_track', 'behind', 'broken', 'completed', 'cancelled', 'replaced')
    ),
    checked_on TEXT NOT NULL,
    replaces_plan_id INTEGER REFERENCES plans (id) ON DELETE CASCADE,
    created_on TEXT NOT NULL,
    cancelled_on TEXT,
    completed_on TEXT,
    note TEXT,
    income_ore INTEGER CHECK (income_ore >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((status IN ('cancelled', 'replaced')) = (cancelled_on IS NOT NULL)),
    CHECK ((status = 'completed') = (completed_on IS NOT NULL))
) STRICT;
CREATE INDEX plans_status ON plans (status);
CREATE INDEX plans_household ON plans (household_id);
CREATE INDEX plans_landlord ON plans (landlord_id);
CREATE INDEX plans_replaces ON plans (replaces_plan_id);

CREATE TABLE installments (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    due_on TEXT NOT NULL,
    amount_ore INTEGER NOT NULL CHECK (amount_ore > 0),
    paid_ore INTEGER NOT NULL DEFAULT 0 CHECK (paid_ore >= 0 AND paid_ore <= amount_ore),
    UNIQUE (plan_id, seq),
    UNIQUE (plan_id, month)
) STRICT;
CREATE INDEX installments_due_on ON installments (due_on);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    paid_on TEXT NOT NULL,
    amount_ore INTEGER NOT NULL CHECK (amount_ore > 0),
    -- What went to the installments; the rest (only with --allow-overpay) is excess.
    applied_ore INTEGER NOT NULL CHECK (applied_ore >= 0 AND applied_ore <= amount_ore),
    note TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX payments_plan ON payments (plan_id, paid_on)
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


# Letters stand alone: other branches add 0002_plans and 0003_export_log, and this
# migration must apply whichever of them a database has already seen.
@migrations(name="0004_letters")
def m0004_letters(db: Database) -> None:
    _run(
        db,
        """
CREATE TABLE letters (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    -- YYYY-MM for the monthly batch; NULL for a one-off letter (NULLs never collide).
    period TEXT CHECK (period IS NULL OR period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    dated_on TEXT NOT NULL,
    recipient TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    format TEXT NOT NULL CHECK (format IN ('pdf', 'html', 'txt')),
    file TEXT,
    template_version TEXT NOT NULL,
    params TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (household_id, kind, period)
) STRICT;
CREATE INDEX letters_period ON letters (period);
CREATE INDEX letters_household ON letters (household_id, dated_on)
""",
    )


@migrations(name="0005_supports")
def m0005_supports(db: Database) -> None:
    # One table for every kind of support; the kind-specific columns stay NULL for the
    # other kinds (supports.py checks which belong to which). end_on is the planned end of
    # a time-limited support, ended_on the day it actually ended.
    _run(
        db,
        """
CREATE TABLE supports (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT,
    landlord_id INTEGER REFERENCES landlords (id),
    note TEXT,
    cap_ore INTEGER CHECK (cap_ore >= 0),
    cap_months INTEGER CHECK (cap_months > 0),
    claimed_ore INTEGER CHECK (claimed_ore >= 0),
    reclaimed_ore INTEGER CHECK (reclaimed_ore >= 0),
    granted_on TEXT,
    flat_offered TEXT,
    place TEXT,
    nights_from TEXT,
    nights_to TEXT,
    cost_ore INTEGER CHECK (cost_ore >= 0),
    cost_granted INTEGER CHECK (cost_granted IN (0, 1)),
    support_person TEXT,
    ended_on TEXT,
    end_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (end_on IS NULL OR end_on >= start_on),
    CHECK (ended_on IS NULL OR ended_on >= start_on),
    CHECK (nights_to IS NULL OR nights_to >= nights_from)
) STRICT;
CREATE INDEX supports_household ON supports (household_id);
CREATE INDEX supports_kind ON supports (kind, start_on);
CREATE INDEX supports_end ON supports (end_on) WHERE ended_on IS NULL;
CREATE INDEX supports_landlord ON supports (landlord_id);

-- Housing First: the day the landlord signed the cooperation agreement.
ALTER TABLE landlords ADD COLUMN cooperation_agreement_on TEXT
""",
    )


@migrations(name="0006_audit")
def m0006_audit(db: Database) -> None:
    # The per-table triggers are made by audit.refresh_triggers after every migration run,
    # so they always match the tables' current columns.
    _run(
        db,
        """
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    os_user TEXT,
    command TEXT,
    action TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id INTEGER,
    household_id INTEGER,
    changes TEXT
) STRICT;
CREATE INDEX audit_log_household ON audit_log (household_id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_context (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    os_user TEXT,
    command TEXT
) STRICT;
INSERT INTO audit_context (id) VALUES (1);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    WHEN coalesce((SELECT command FROM audit_context WHERE id = 1), '') != 'purge'
    BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END
""",
    )


@migrations(name="0007_purge_log")
def m0007_purge_log(db: Database) -> None:
    # What each retention run deleted: counts and case references, never names or numbers.
    # files_pending lists letter files still to remove, so an interrupted purge finishes.
    _run(
        db,
        """
CREATE TABLE purge_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    os_user TEXT,
    as_of TEXT NOT NULL,
    retention_years INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    refs TEXT NOT NULL,
    kept_for_research INTEGER NOT NULL,
    files_pending TEXT NOT NULL DEFAULT '[]'
) STRICT
""",
    )


@migrations(name="0008_household_origin")
def m0008_household_origin(db: Database) -> None:
    # origin_ref: the case reference in the installation a moved case came from.
    # The street index keeps matching a landlord's list by address fast on a large file.
    _run(
        db,
        """
ALTER TABLE households ADD COLUMN origin_ref TEXT;
CREATE INDEX households_street ON households (street COLLATE NOCASE)
""",
    )


@migrations(name="0009_export_recipient")
def m0009_export_recipient(db: Database) -> None:
    # Whom an export was for (landlord, enforcement, …), when it was made for someone
    # outside social services; NULL for the caseworkers' own use.
    _run(db, "ALTER TABLE export_log ADD COLUMN recipient TEXT")


@migrations(name="0010_indexes")
def m0010_indexes(db: Database) -> None:
    # Found with EXPLAIN QUERY PLAN on 100 000 households (benchmarks/run.py). The
    # tenant of a household is its first member with role 'tenant': the expression in
    # the index is the one every query sorts by, so the lookup is a seek, not a sort per
    # household. Children are counted by age on a day: household, part-time, birth date
    # answers that from the index alone. Both start with household_id, so the old
    # single-column index only slowed down writes.
    _run(
        db,
        """
CREATE INDEX members_household_tenant ON members (household_id, role != 'tenant', id);
CREATE INDEX members_household_birth ON members (household_id, part_time, birth_date);
DROP INDEX members_household
""",
    )


@migrations(name="0011_household_deadlines")
def m0011_household_deadlines(db: Database) -> None:
    # The same deadlines as 0001's view, one row per notice: a notice has a recovery
    # deadline (a termination for unpaid rent) or an eviction day, never both. SQLite
    # could not look into the UNION ALL of the old view by household, so finding one
    # household's next deadline read every notice (20 ms a case at 100 000 households,
    # in every 'household show' and every letter of the monthly run); this view is read
    # through the notices' household index.
    _run(
        db,
        """
DROP VIEW household_deadlines;
CREATE VIEW household_deadlines AS
    SELECT household_id,
        CASE WHEN recovery_deadline IS NOT NULL THEN recovery_deadline
            ELSE substr(eviction_at, 1, 10) END AS due_on,
        CASE WHEN recovery_deadline IS NOT NULL THEN 'recovery_deadline'
            ELSE 'eviction' END AS kind,
        id AS notice_id
    FROM notices
    WHERE recovery_deadline IS NOT NULL OR (kind = 'eviction' AND eviction_at IS NOT NULL)
""",
    )


@migrations(name="0012_plan_origin")
def m0012_plan_origin(db: Database) -> None:
    # origin_ref: the plan reference (P-NNNN) in the installation a moved case came from;
    # the importing installation gives the plan a new one from its own sequence.
    _run(db, "ALTER TABLE plans ADD COLUMN origin_ref TEXT")


@migrations(name="0013_letter_language")
def m0013_letter_language(db: Database) -> None:
    # The language a household's letters go out in: Swedish, or English where a
    # template has an English variant (outreach.en.html.j2); Swedish otherwise.
    _run(
        db,
        "ALTER TABLE households ADD COLUMN letter_language TEXT NOT NULL DEFAULT 'sv'"
        " CHECK (letter_language IN ('sv', 'en'))",
    )


@migrations(name="0014_application_id")
def m0014_application_id(db: Database) -> None:
    # Mark the file as bostadcli's (SQLite's header field for the program that owns a
    # file): --db naming another program's SQLite file is then refused, not migrated.
    # Databases made before this migration are recognised by their migrations table.
    from bostadcli.db import APPLICATION_ID

    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


@migrations(name="0015_consent_disclosures_retention_imports")
def m0015_consent_disclosures_retention_imports(db: Database) -> None:
    # recorded_on: the real date a consent was written down (consent is judged on the
    # real date, never --as-of); a consent given before it is back-dated and
    # backdate_reason says why. Existing consents were recorded on their created_at day.
    # landlord_id: the landlord a consent for "the landlord" was given for (the
    # household's at the time); NULL for the consents recorded before.
    # The audit log's delete guard no longer reads a marker that any SQL could set
    # (audit_context.command = 'purge'): it refuses every delete, and a purge lifts it
    # inside its own transaction only (purge.py). The per-table triggers are refreshed
    # without the marker by audit.refresh_triggers after this migration.
    # Disclosures (audit.record_disclosure): export_log gains whom by name and whether a
    # disclosure held every case (a backup); disclosures names the cases of the others,
    # so 'bostad audit --household' shows each case's. Its rows go with a purged case.
    # purge_log.archived_to: the folder research-day cases were archived to before they
    # were removed (purge --archive).
    # imported_rows: each row of a landlord's list that made a notice, by the hash of its
    # parsed values, so the same list imported again changes nothing (importing.py).
    _run(
        db,
        """
ALTER TABLE export_log ADD COLUMN recipient_name TEXT;
ALTER TABLE export_log ADD COLUMN all_cases INTEGER NOT NULL DEFAULT 0
    CHECK (all_cases IN (0, 1));
CREATE TABLE disclosures (
    export_id INTEGER NOT NULL REFERENCES export_log (id),
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    PRIMARY KEY (household_id, export_id)
) STRICT, WITHOUT ROWID;
ALTER TABLE purge_log ADD COLUMN archived_to TEXT;
CREATE TABLE imported_rows (
    fingerprint TEXT PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    notice_id INTEGER REFERENCES notices (id) ON DELETE SET NULL,
    imported_at TEXT NOT NULL
) STRICT;
CREATE INDEX imported_rows_household ON imported_rows (household_id);
ALTER TABLE consents ADD COLUMN recorded_on TEXT;
ALTER TABLE consents ADD COLUMN landlord_id INTEGER REFERENCES landlords (id);
ALTER TABLE consents ADD COLUMN backdate_reason TEXT;
UPDATE consents SET recorded_on = substr(created_at, 1, 10);
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END
""",
    )


# Names as they were stored before names were normalised (validate.normalise_name).
_NAME_COLUMNS = (
    ("landlords", "name"),
    ("landlords", "contact_person"),
    ("landlords", "street"),
    ("landlords", "city"),
    ("households", "caseworker"),
    ("households", "street"),
    ("households", "city"),
    ("members", "name"),
    ("contacts", "caseworker"),
    ("consents", "recipient_name"),
    ("supports", "support_person"),
)


@migrations(name="0015b_normalise_names")
def m0015b_normalise_names(db: Database) -> None:
    # Lookalike names (a no-break space, a zero-width character, a decomposed ö, two
    # spaces) are stored normalised from now on; this brings stored names across. A
    # landlord whose normalised name would equal another landlord's keeps its name as it
    # was: two records are never merged silently, 'bostad db check' reports the pair.
    # Uses the normalisation of this version on purpose: it defines what "the same
    # name" means.
    from bostadcli.validate import name_key, normalise_name

    taken: dict[str, int] = {}
    for table, column in _NAME_COLUMNS:
        found = db.execute(
            f"SELECT id, [{column}] FROM [{table}] WHERE [{column}] IS NOT NULL ORDER BY id"
        ).fetchall()
        if table == "landlords" and column == "name":
            for row_id, value in found:
                taken.setdefault(name_key(value), row_id)
        for row_id, value in found:
            new = normalise_name(value)
            if new == value or not new:
                continue
            if table == "landlords" and column == "name" and taken.get(name_key(new)) != row_id:
                continue
            db.execute(f"UPDATE [{table}] SET [{column}] = ? WHERE id = ?", [new, row_id])
