"""Schema migrations: append-only, named, each in its own transaction.

Never edit a migration that has shipped; add a new one. ``bostad db status`` lists them.
Tables are STRICT: a value of the wrong type is an error, not a silent conversion.
Money is integer öre (``*_ore``); dates are ISO text; timestamps are ISO UTC text.
The first migrations, up to 0015b_normalise_names, are in ``migrations_0001_0015.py``;
new ones are appended at the end of this file.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

# The first migrations register first: importing them keeps the set in order.
from bostadcli import migrations_0001_0015  # noqa: F401
from bostadcli.migration_set import migrations as migrations  # the set, for every importer
from bostadcli.migration_set import run_statements as _run

if TYPE_CHECKING:
    from sqlite_utils import Database


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


@migrations(name="0021_member_partner")
def m0021_member_partner(db: Database) -> None:
    # Whether a member lives with the tenant as spouse, registered partner or sambo
    # (KFMA 2018:1: a couple in the living-cost norm), whatever the member's place on
    # the lease: a co-tenant who is the tenant's spouse is both. A member recorded with
    # the role 'partner' so far is one; a case has at most one (the first, by id).
    _run(
        db,
        """
ALTER TABLE members ADD COLUMN partner_of_tenant INTEGER NOT NULL DEFAULT 0
    CHECK (partner_of_tenant IN (0, 1));
UPDATE members SET partner_of_tenant = 1 WHERE role = 'partner' AND id = (
    SELECT min(p.id) FROM members p
    WHERE p.household_id = members.household_id AND p.role = 'partner');
CREATE UNIQUE INDEX members_partner_of_tenant ON members (household_id)
    WHERE partner_of_tenant = 1
""",
    )


@migrations(name="0022_export_indexes")
def m0022_export_indexes(db: Database) -> None:
    # The next deadline of a case (households.HOUSEHOLD_FIGURES, for every listing and
    # the households export) is the first row of household_deadlines by due_on: this
    # index holds exactly those rows (the view's WHERE) by case and due_on (the view's
    # expression), so each case's is read off it, where its notices were sorted, twice
    # per case. Rows of equal due_on stay in id order, as the sort kept them.
    _run(
        db,
        """
CREATE INDEX notices_household_due ON notices (household_id,
    CASE WHEN recovery_deadline IS NOT NULL THEN recovery_deadline
        ELSE substr(eviction_at, 1, 10) END)
    WHERE voided_at IS NULL
        AND (recovery_deadline IS NOT NULL OR (kind = 'eviction' AND eviction_at IS NOT NULL))
""",
    )


@migrations(name="0023_letter_selection_index")
def m0023_letter_selection_index(db: Database) -> None:
    # The batch runs ask the letters of a kind (a month's reminders, every support_ending
    # letter ever sent): by this index, not by reading every letter.
    _run(db, "CREATE INDEX letters_kind ON letters (kind, period)")


@migrations(name="0024_undertaking_backdate")
def m0024_undertaking_backdate(db: Database) -> None:
    # recorded_on: the real date an undertaking was written down; one given before it is
    # back-dated (it moves whether the tenant can be evicted, jordabalken 12 kap. 44 §
    # 4 st 1) and backdate_reason says why, as for consents. Existing undertakings were
    # recorded on their created_at day.
    _run(
        db,
        """
ALTER TABLE undertakings ADD COLUMN recorded_on TEXT;
ALTER TABLE undertakings ADD COLUMN backdate_reason TEXT;
UPDATE undertakings SET recorded_on = substr(created_at, 1, 10)
""",
    )


@migrations(name="0025_support_withdrawn")
def m0025_support_withdrawn(db: Database) -> None:
    # withdrawn_on: the day a planned support was called off before it began (the family
    # declined, or the unit changed its plan); it never ran (support_rules.WITHDRAWN).
    # Closing a case used to end such a support on its start, a day still to come when
    # written: those are withdrawn on the day they were written instead.
    _run(
        db,
        """
ALTER TABLE supports ADD COLUMN withdrawn_on TEXT;
UPDATE supports SET withdrawn_on = substr(updated_at, 1, 10), ended_on = NULL
    WHERE ended_on = start_on AND ended_on > substr(updated_at, 1, 10)
""",
    )
