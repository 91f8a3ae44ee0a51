"""Schema migrations: append-only, named, each in its own transaction.

Never edit a migration that has shipped; add a new one. ``bostad db status`` lists them.
Tables are STRICT: a value of the wrong type is an error, not a silent conversion.
Money is integer öre (``*_ore``); dates are ISO text; timestamps are ISO UTC text.
"""

from __future__ import annotations

from datetime import date
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


@migrations(name="0016_letter_claims")
def m0016_letter_claims(db: Database) -> None:
    # A batch letter is claimed here before its file is written, in a transaction of
    # its own, so that two runs at once (into one folder or two) never both make it.
    # The row names the run that holds it and its process (host, pid and the process's
    # start, against a reused pid): a claim whose process is gone was left by a run that
    # crashed, and the next run takes it over. The row goes when its letter is recorded.
    _run(
        db,
        """
CREATE TABLE letter_claims (
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    run_id TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    pid_started TEXT,
    file TEXT NOT NULL,
    claimed_utc TEXT NOT NULL,
    PRIMARY KEY (household_id, kind, period)
) STRICT, WITHOUT ROWID
""",
    )


@migrations(name="0016b_letter_batches")
def m0016b_letter_batches(db: Database) -> None:
    # The daily letter run. Each run is a batch with a name of its own (the day, and a
    # run number from the second run of a day on): its letters carry the name
    # (letters.batch), and its print file and manifest are named by it, so no run
    # rewrites an earlier run's files. A batch whose process died before writing them is
    # finished by the next run. late_letters records each letter that could not reach
    # the family in time by post (the deadline screen shows them: phone or visit), and
    # each support_ending letter not sent because it would arrive after the end.
    _run(
        db,
        """
ALTER TABLE letters ADD COLUMN batch TEXT;
CREATE INDEX letters_batch ON letters (batch) WHERE batch IS NOT NULL;
CREATE TABLE letter_batches (
    name TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    out_dir TEXT NOT NULL,
    format TEXT NOT NULL,
    run_id TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    pid_started TEXT,
    started_utc TEXT NOT NULL,
    finished_utc TEXT
) STRICT;
CREATE TABLE late_letters (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    letter_id INTEGER REFERENCES letters (id) ON DELETE SET NULL,
    deadline TEXT NOT NULL,
    posted_on TEXT NOT NULL,
    arrives_on TEXT NOT NULL,
    sent INTEGER NOT NULL CHECK (sent IN (0, 1)),
    batch TEXT,
    params TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (household_id, kind, period)
) STRICT;
CREATE INDEX late_letters_deadline ON late_letters (deadline)
""",
    )


@migrations(name="0017_recovery_clock")
def m0017_recovery_clock(db: Database) -> None:
    # The recovery period runs from the later of the day the tenant was served and the
    # day social services was notified (jordabalken 12 kap. 44 §), not from service
    # alone. notified_on: the day the landlord's notice reached social services (NULL:
    # no record, the period has not started); terminated_on: the day of the termination;
    # service_method: how the tenant was served. A termination or warning recorded
    # before kept the day social services received it: that is the day it was notified.
    # Every stored recovery deadline is computed again by the one rule.
    from bostadcli.workdays import recovery_deadline

    _run(
        db,
        """
ALTER TABLE notices ADD COLUMN notified_on TEXT;
ALTER TABLE notices ADD COLUMN terminated_on TEXT;
ALTER TABLE notices ADD COLUMN service_method TEXT CHECK (
    service_method IN ('in_person', 'substitute', 'spikning', 'unknown'));
UPDATE notices SET notified_on = received_on WHERE kind IN ('termination', 'warning')
""",
    )
    for notice_id, served, notified in db.execute(
        "SELECT id, served_on, notified_on FROM notices"
        " WHERE kind = 'termination' AND coalesce(ground, 'unpaid_rent') = 'unpaid_rent'"
    ).fetchall():
        deadline = recovery_deadline(
            date.fromisoformat(served) if served else None,
            date.fromisoformat(notified) if notified else None,
        )
        db.execute(
            "UPDATE notices SET recovery_deadline = ? WHERE id = ?",
            [deadline.isoformat() if deadline else None, notice_id],
        )


@migrations(name="0017b_undertakings")
def m0017b_undertakings(db: Database) -> None:
    # Social services' written undertaking to pay the rent (jordabalken 12 kap. 44 §
    # 4 st 1): given on a day, to a landlord, covering something, decided by someone;
    # notice_id is the termination for unpaid rent it answers (NULL: none recorded).
    _run(
        db,
        """
CREATE TABLE undertakings (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    notice_id INTEGER REFERENCES notices (id) ON DELETE SET NULL,
    landlord_id INTEGER NOT NULL REFERENCES landlords (id),
    given_on TEXT NOT NULL,
    covers TEXT NOT NULL,
    amount_ore INTEGER CHECK (amount_ore >= 0),
    decided_by TEXT NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX undertakings_household ON undertakings (household_id);
CREATE INDEX undertakings_notice ON undertakings (notice_id);
CREATE INDEX undertakings_landlord ON undertakings (landlord_id)
""",
    )


@migrations(name="0017c_warnings_enforcement")
def m0017c_warnings_enforcement(db: Database) -> None:
    # A warning to correct (rättelseanmaning, jordabalken 12 kap. 25 a §) gives the tenant
    # until correct_by; a termination without one is barred unless especially serious,
    # and then social services gets a copy of it (12 kap. 42 § 3-4 st): copy_received_on.
    # Kronofogden's steps (utsökningsbalken 16 kap.): step_on is the day of an
    # application, a decision or a request for enforcement; a decision says who gave it
    # (decision_by) and the day it became final (final_on).
    _run(
        db,
        """
ALTER TABLE notices ADD COLUMN correct_by TEXT;
ALTER TABLE notices ADD COLUMN especially_serious INTEGER NOT NULL DEFAULT 0
    CHECK (especially_serious IN (0, 1));
ALTER TABLE notices ADD COLUMN copy_received_on TEXT;
ALTER TABLE notices ADD COLUMN step_on TEXT;
ALTER TABLE notices ADD COLUMN decision_by TEXT CHECK (
    decision_by IN ('enforcement', 'court', 'rent_tribunal'));
ALTER TABLE notices ADD COLUMN final_on TEXT
""",
    )


@migrations(name="0018_identity_level")
def m0018_identity_level(db: Database) -> None:
    # How sure the identity behind a samordningsnummer is (lag 2022:1697: styrkt,
    # sannolik, osäker), where the caseworker knows it; NULL otherwise. Stored numbers
    # are not rewritten: `bostad db check` lists those whose century disagrees with
    # folkbokföringslagen 18 § and `bostad member fix-century` corrects one.
    _run(
        db,
        "ALTER TABLE members ADD COLUMN identity_level TEXT"
        " CHECK (identity_level IN ('confirmed', 'probable', 'uncertain'))",
    )


@migrations(name="0018b_tenancy")
def m0018b_tenancy(db: Database) -> None:
    # The kind of contract the household lives on (NULL: not recorded, as for every case
    # before this migration), and the housing allowance (bostadsbidrag) it receives per
    # month, which the förbehållsbelopp takes off the rent.
    _run(
        db,
        """
ALTER TABLE households ADD COLUMN tenancy_type TEXT CHECK (tenancy_type IN
    ('first_hand', 'social_contract', 'municipal_sublet', 'training_flat', 'sublet',
     'lodger', 'none'));
ALTER TABLE households ADD COLUMN housing_allowance_ore INTEGER
    CHECK (housing_allowance_ore >= 0)
""",
    )


@migrations(name="0019_corrections")
def m0019_corrections(db: Database) -> None:
    # Corrections, the way a case file is corrected: nothing is deleted. A voided case,
    # notice or payment keeps its row with the moment it was voided (voided_at); a
    # corrected contact entry stays, and the entry that corrects it points at it
    # (corrects_id). Who, when and why of every correction is one row of `corrections`.
    # The live_* views are the one place that leaves voided and corrected rows out:
    # every list, export, letter batch and statistic reads them, not the tables.
    _run(
        db,
        """
ALTER TABLE households ADD COLUMN voided_at TEXT;
ALTER TABLE notices ADD COLUMN voided_at TEXT;
ALTER TABLE payments ADD COLUMN voided_at TEXT;
ALTER TABLE contacts ADD COLUMN corrects_id INTEGER REFERENCES contacts (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX contacts_corrects ON contacts (corrects_id);

CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    os_user TEXT,
    action TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id INTEGER,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    -- {"field": [old, new], ...}; personnummer masked.
    changes TEXT
) STRICT;
CREATE INDEX corrections_household ON corrections (household_id, at);

CREATE VIEW live_households AS SELECT * FROM households WHERE voided_at IS NULL;
CREATE VIEW live_notices AS SELECT * FROM notices WHERE voided_at IS NULL;
CREATE VIEW live_payments AS SELECT * FROM payments WHERE voided_at IS NULL;
CREATE VIEW live_contacts AS SELECT * FROM contacts c
    WHERE NOT EXISTS (SELECT 1 FROM contacts x WHERE x.corrects_id = c.id);
CREATE VIEW live_plans AS SELECT * FROM plans
    WHERE household_id IN (SELECT id FROM households WHERE voided_at IS NULL);
CREATE VIEW live_supports AS SELECT * FROM supports
    WHERE household_id IN (SELECT id FROM households WHERE voided_at IS NULL);

DROP VIEW household_deadlines;
CREATE VIEW household_deadlines AS
    SELECT household_id,
        CASE WHEN recovery_deadline IS NOT NULL THEN recovery_deadline
            ELSE substr(eviction_at, 1, 10) END AS due_on,
        CASE WHEN recovery_deadline IS NOT NULL THEN 'recovery_deadline'
            ELSE 'eviction' END AS kind,
        id AS notice_id
    FROM notices
    WHERE voided_at IS NULL
        AND (recovery_deadline IS NOT NULL OR (kind = 'eviction' AND eviction_at IS NOT NULL))
""",
    )


def _initials_of(name: str, taken: set[str]) -> str:
    """Initials for a caseworker known only by name: "Karin Ek" → "KE", then "KE2", …"""
    letters = "".join(word[0] for word in name.replace("-", " ").split() if word[0].isalnum())
    base = (letters or "X").upper()[:6]
    initials, n = base, 1
    while initials.casefold() in taken:
        n += 1
        initials = f"{base}{n}"
    taken.add(initials.casefold())
    return initials


@migrations(name="0020_caseworkers")
def m0020_caseworkers(db: Database) -> None:
    # Caseworkers as records: a case is assigned to one (caseworker_id), by initials or
    # login, never by free text a typo turns into a new person. Initials and logins are
    # unique among those still working; a retired caseworker keeps their cases' history.
    # Initials are stored in upper case (folded by the program, which knows Å, Ä, Ö).
    # households.caseworker stays as the assigned caseworker's name, kept by the triggers
    # below, so every report, export and letter that reads it reads the current name.
    # The free-text names already recorded become records (same name, same caseworker
    # folded for case), with initials made from the name.
    _run(
        db,
        """
CREATE TABLE caseworkers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    initials TEXT NOT NULL CHECK (length(initials) BETWEEN 1 AND 8),
    login TEXT CHECK (login IS NULL OR length(login) > 0),
    phone TEXT,
    email TEXT,
    retired_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX caseworkers_initials ON caseworkers (initials) WHERE retired_on IS NULL;
CREATE UNIQUE INDEX caseworkers_login ON caseworkers (login) WHERE retired_on IS NULL;
ALTER TABLE households ADD COLUMN caseworker_id INTEGER REFERENCES caseworkers (id);
CREATE INDEX households_caseworker_id ON households (caseworker_id, status)
""",
    )
    from datetime import UTC, datetime

    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    names = [
        str(r[0])
        for r in db.execute(
            "SELECT DISTINCT trim(caseworker) FROM households"
            " WHERE caseworker IS NOT NULL AND trim(caseworker) != '' ORDER BY 1"
        ).fetchall()
    ]
    ids: dict[str, int] = {}
    taken: set[str] = set()
    for name in names:
        key = name.casefold()
        if key in ids:
            continue
        cursor = db.execute(
            "INSERT INTO caseworkers (name, initials, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [name, _initials_of(name, taken), now, now],
        )
        ids[key] = int(cursor.lastrowid or 0)
    for row in db.execute(
        "SELECT id, trim(caseworker) FROM households WHERE caseworker IS NOT NULL"
    ).fetchall():
        found = ids.get(str(row[1]).casefold())
        if found is not None:
            db.execute(
                "UPDATE households SET caseworker_id = ?, caseworker = ? WHERE id = ?",
                [found, next(n for n in names if n.casefold() == str(row[1]).casefold()), row[0]],
            )
    _run(
        db,
        """
CREATE TRIGGER caseworker_name_on_insert AFTER INSERT ON households
    WHEN NEW.caseworker_id IS NOT NULL
    BEGIN UPDATE households SET caseworker = (SELECT name FROM caseworkers
        WHERE id = NEW.caseworker_id) WHERE id = NEW.id; END;
CREATE TRIGGER caseworker_name_on_assign AFTER UPDATE OF caseworker_id ON households
    BEGIN UPDATE households SET caseworker = (SELECT name FROM caseworkers
        WHERE id = NEW.caseworker_id) WHERE id = NEW.id; END;
CREATE TRIGGER caseworker_name_on_rename AFTER UPDATE OF name ON caseworkers
    BEGIN UPDATE households SET caseworker = NEW.name WHERE caseworker_id = NEW.id; END
""",
    )


@migrations(name="0020b_contact_details")
def m0020b_contact_details(db: Database) -> None:
    # How to reach a household: phone, e-mail, and a c/o address (care_of is the name on
    # the "c/o" line) where letters reach a homeless person. A contact can be planned: a
    # booked meeting or home visit on contact_on (at_time HH:MM, if booked to the
    # minute), later marked held or cancelled. Contacts recorded so far were held.
    _run(
        db,
        """
ALTER TABLE households ADD COLUMN phone TEXT;
ALTER TABLE households ADD COLUMN email TEXT;
ALTER TABLE households ADD COLUMN care_of TEXT;
ALTER TABLE households ADD COLUMN care_of_street TEXT;
ALTER TABLE households ADD COLUMN care_of_postal_code TEXT;
ALTER TABLE households ADD COLUMN care_of_city TEXT;
ALTER TABLE contacts ADD COLUMN status TEXT NOT NULL DEFAULT 'held'
    CHECK (status IN ('held', 'planned', 'cancelled'));
ALTER TABLE contacts ADD COLUMN at_time TEXT
    CHECK (at_time IS NULL OR at_time GLOB '[0-2][0-9]:[0-5][0-9]');
ALTER TABLE contacts ADD COLUMN settled_note TEXT;
CREATE INDEX contacts_planned ON contacts (contact_on) WHERE status = 'planned'
""",
    )


@migrations(name="0020c_settings")
def m0020c_settings(db: Database) -> None:
    # Settings that belong to the database rather than to one user's config file:
    # 'shared_group' is the operating-system group of a caseload shared on one server
    # (bostad init --shared GROUP); every command then makes its files for that group.
    _run(
        db,
        """
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT
""",
    )
