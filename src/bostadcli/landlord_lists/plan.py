"""What an import of a landlord's list will write, prepared before the write lock.

A list of many rows is read, checked and matched against the database in one read
transaction (a snapshot), with the cases and notices the list itself adds laid over it,
so that a later row sees what an earlier row of the same list did. What the rows will
write (the plan) is kept in temporary tables of the connection, not in memory and not
in the database file, so a list of any length takes the same memory and other commands
can write meanwhile. ``write`` then copies the plan into the database in one short write
transaction, a few ``INSERT ... SELECT`` statements. The caller checks first that no
other command wrote since the snapshot (``PRAGMA data_version``); otherwise it prepares
again on what is now there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bostadcli import rules, validate
from bostadcli.landlords import landlord_key

if TYPE_CHECKING:
    import sqlite3
    from datetime import date

    from sqlite_utils import Database

    from bostadcli.landlord_lists.bulk_audit import BulkAudit
    from bostadcli.landlord_lists.stage import Staged

# SQLite's NOCASE folds the ASCII letters only; the lookups in the plan must do the same.
_NOCASE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

_HOUSEHOLD_COLUMNS = (
    "ref",
    "status",
    "opened_on",
    "street",
    "postal_code",
    "city",
    "contract_number",
    "rent_ore",
    "arrears_ore",
    "source",
    "housing_situation",
    "note",
    "created_at",
    "updated_at",
)
_MEMBER_COLUMNS = (
    "name",
    "pnr",
    "birth_date",
    "role",
    "part_time",
    "created_at",
    "identity_level",
)
_NOTICE_COLUMNS = (
    "kind",
    "ground",
    "received_on",
    "notified_on",
    "terminated_on",
    "served_on",
    "service_method",
    "correct_by",
    "especially_serious",
    "copy_received_on",
    "step_on",
    "decision_by",
    "final_on",
    "amount_ore",
    "recovery_deadline",
    "eviction_at",
    "enforcement_case",
    "note",
    "created_at",
)
# A case is either in the database (hid) or opened by this import (idx, from 0).
_TABLES = {
    "import_households": (
        "idx INTEGER PRIMARY KEY, landlord_key TEXT, street_nc TEXT, "
        + ", ".join(_HOUSEHOLD_COLUMNS)
    ),
    "import_members": "idx INTEGER, name_nc TEXT, " + ", ".join(_MEMBER_COLUMNS),
    "import_notices": (
        "seq INTEGER PRIMARY KEY, hid INTEGER, idx INTEGER, ref TEXT, new_case INTEGER,"
        " fingerprint TEXT, " + ", ".join(_NOTICE_COLUMNS)
    ),
    "import_reasons": "hid INTEGER, idx INTEGER, reason TEXT",
    "import_arrears": "seq INTEGER PRIMARY KEY, hid INTEGER, idx INTEGER, arrears_ore INTEGER",
    "import_landlords": "seq INTEGER PRIMARY KEY, key TEXT UNIQUE, name TEXT",
}
# The tables stage.py adds: the rows as they will be written, and their audit rows.
_STAGE_TABLES = (
    "import_new_reasons",
    *(f"import_rows_{t}" for t in ("households", "members", "notices")),
    *(f"import_audit_{t}" for t in ("households", "household_reasons", "members", "notices")),
)
_INDEXES = (
    "CREATE INDEX temp.import_members_pnr ON import_members (pnr)",
    "CREATE INDEX temp.import_members_name ON import_members (name_nc)",
    "CREATE INDEX temp.import_notices_fingerprint ON import_notices (fingerprint)",
    "CREATE INDEX temp.import_notices_ref ON import_notices (ref, served_on)",
    "CREATE INDEX temp.import_arrears_case ON import_arrears (hid, idx)",
)


# Rows added to the plan's tables are written this many at a time.
_BATCH = 5000
_INSERT_NOTICE = (
    "INSERT INTO temp.import_notices (hid, idx, ref, new_case, fingerprint, "
    + ", ".join(_NOTICE_COLUMNS)
    + f") VALUES (?, ?, ?, ?, ?, {', '.join('?' * len(_NOTICE_COLUMNS))})"
)
_INSERT_HOUSEHOLD = (
    "INSERT INTO temp.import_households (idx, landlord_key, street_nc, "
    + ", ".join(_HOUSEHOLD_COLUMNS)
    + f") VALUES (?, ?, ?, {', '.join('?' * len(_HOUSEHOLD_COLUMNS))})"
)
_INSERT_MEMBER = (
    "INSERT INTO temp.import_members (idx, name_nc, "
    + ", ".join(_MEMBER_COLUMNS)
    + f") VALUES (?, ?, {', '.join('?' * len(_MEMBER_COLUMNS))})"
)


def nocase(text: str) -> str:
    return text.translate(_NOCASE)


# The members a row of a list is matched with by name and address.
_PARTIES = ("tenant", "co_tenant")


class _Filter:
    """A set that may answer yes for what it does not hold, never no for what it does
    (a Bloom filter of two probes over a megabyte): whether a lookup in the plan is
    worth a query."""

    _BITS = 1 << 23

    def __init__(self) -> None:
        self._bits = bytearray(self._BITS // 8)

    def add(self, key: object) -> None:
        h, bits = hash(key), self._bits  # two probes: bits h and h >> 23 of its hash
        i, j = h & (self._BITS - 1), (h >> 23) & (self._BITS - 1)
        bits[i >> 3] |= 1 << (i & 7)
        bits[j >> 3] |= 1 << (j & 7)

    def __contains__(self, key: object) -> bool:
        h, bits = hash(key), self._bits
        i, j = h & (self._BITS - 1), (h >> 23) & (self._BITS - 1)
        return bool(bits[i >> 3] & (1 << (i & 7))) and bool(bits[j >> 3] & (1 << (j & 7)))


@dataclass(frozen=True)
class Case:
    """The case a row's notice goes to: one in the database (``hid``) or one this
    import opens (``idx``)."""

    ref: str
    hid: int | None = None
    idx: int | None = None


@dataclass
class Plan:
    """What an import writes (in the connection's temporary tables), and the state of
    the database it was prepared on."""

    data_version: int
    counter: str
    counter_start: int
    households: int = 0
    notices: int = 0
    landlords: int = 0
    # The rows made ready before the write lock (stage.py), if they were.
    staged: Staged | None = None

    @property
    def empty(self) -> bool:
        return not self.notices and not self.landlords


def data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def drop(conn: sqlite3.Connection) -> None:
    for table in (*_TABLES, *_STAGE_TABLES):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")


class Snapshot:
    """The database as the import found it, with what the import adds laid over it.

    Every query runs in the caller's transaction. The import's own additions are
    answered from the plan in the order SQL would answer them over the database: a case
    already there has a lower id than one this import opens.
    """

    def __init__(self, db: Database, *, counter: str) -> None:
        self.db = db
        conn = self.conn = db.conn
        found = conn.execute("SELECT value FROM counters WHERE name = ?", [counter]).fetchone()
        self.plan = Plan(
            data_version=data_version(conn),
            counter=counter,
            counter_start=int(found[0]) if found else 0,
        )
        drop(conn)
        for table, columns in _TABLES.items():
            conn.execute(f"CREATE TEMP TABLE {table} ({columns})")
        # Indexed when first queried or all rows are in (``ready``): cheaper than row by row.
        self._indexed = False
        self._landlords: dict[str, str] = {}
        # Rows for the plan's tables not yet written, by statement: written a few
        # thousand at a time, and before any query of the plan's tables.
        self._pending: dict[str, list[Any]] = {}
        self._pending_rows = 0
        # What this import has added so far, as far as its lookups ask: a row of a
        # fresh list is rarely in the plan already, and the filter says so without a
        # query (it never says no when the answer is yes), in the same memory for any
        # length of list.
        self._added = _Filter()
        # What the database has at all: a list imported into a database with no open
        # case, no closed case or no imported row need not look for one row by row.
        self.has_open = (
            self._one("SELECT 1 FROM live_households WHERE status = 'open' LIMIT 1", []) is not None
        )
        self.has_closed = (
            self._one("SELECT 1 FROM live_households WHERE status = 'closed' LIMIT 1", [])
            is not None
        )
        self.has_imported = self._one("SELECT 1 FROM imported_rows LIMIT 1", []) is not None

    def _one(self, sql: str, params: Any) -> tuple[Any, ...] | None:
        if "temp." in sql:
            self.ready()
        found: tuple[Any, ...] | None = self.conn.execute(sql, params).fetchone()
        return found

    def _add(self, sql: str, rows: list[Any]) -> None:
        """Rows for one of the plan's tables, in the order given."""
        self._pending.setdefault(sql, []).extend(rows)
        self._pending_rows += len(rows)
        if self._pending_rows >= _BATCH:
            self.flush()

    def ready(self) -> None:
        """The rows added so far written to the plan's tables, the tables indexed."""
        self.flush()
        if not self._indexed:
            for sql in _INDEXES:
                self.conn.execute(sql)
            self._indexed = True

    def flush(self) -> None:
        """Write the rows added to the plan's tables so far."""
        for sql, rows in self._pending.items():
            self.conn.executemany(sql, rows)
        self._pending = {}
        self._pending_rows = 0

    def _open(self, sql: str, params: Any) -> tuple[Any, ...] | None:
        """A query over the open cases of the database (none: no need to ask)."""
        return self._one(sql, params) if self.has_open else None

    def landlord_exists(self, name: str) -> bool:
        from bostadcli.landlords import find_landlord

        folded = landlord_key(name)  # "LARKAN" is the landlord "Lärkan"
        if folded not in self._landlords:
            found = find_landlord(self.db, name)
            self._landlords[folded] = validate.name_key(found["name"]) if found else ""
        return bool(self._landlords[folded])

    def add_landlord(self, name: str) -> str:
        """The key the landlord's row is found by (``casefold`` of the name it has or
        will have); an unknown one is added first."""
        if not self.landlord_exists(name):
            self._landlords[landlord_key(name)] = key = validate.name_key(name)
            self.conn.execute(
                "INSERT INTO temp.import_landlords (key, name) VALUES (?, ?)",
                [key, validate.required_text(name, field="name")],
            )
            self.plan.landlords += 1
        return self._landlords[landlord_key(name)]

    def row_imported(self, fingerprint: str) -> str | None:
        found = None
        if self.has_imported:
            found = self._one(
                "SELECT h.ref FROM imported_rows r JOIN households h ON h.id = r.household_id"
                " WHERE r.fingerprint = ?",
                [fingerprint],
            )
        if found is None and ("fingerprint", fingerprint) in self._added:
            found = self._one(
                "SELECT ref FROM temp.import_notices WHERE fingerprint = ? ORDER BY seq LIMIT 1",
                [fingerprint],
            )
        return str(found[0]) if found is not None else None

    def find_household(self, *, pnr: str | None, name: str, street: str | None) -> Case | None:
        """``rows.find_household`` over the database and this import's new cases."""
        if pnr is not None:
            found = self._open(
                "SELECT h.id, h.ref FROM members m JOIN live_households h"
                " ON h.id = m.household_id WHERE m.pnr = ? AND h.status = 'open'"
                " ORDER BY h.id LIMIT 1",
                [pnr],
            )
            if found is not None:
                return Case(ref=str(found[1]), hid=int(found[0]))
            found = None
            if ("pnr", pnr) in self._added:
                found = self._one(
                    "SELECT h.idx, h.ref FROM temp.import_members m JOIN temp.import_households h"
                    " ON h.idx = m.idx WHERE m.pnr = ? ORDER BY h.idx LIMIT 1",
                    [pnr],
                )
            if found is not None:
                return Case(ref=str(found[1]), idx=int(found[0]))
        if street is None:
            return None
        found = self._open(
            "SELECT h.id, h.ref FROM live_households h JOIN members m ON m.household_id = h.id"
            " WHERE h.street = :street COLLATE NOCASE AND h.status = 'open'"
            " AND m.name = :name COLLATE NOCASE AND m.role IN ('tenant', 'co_tenant')"
            " AND (:pnr IS NULL OR m.pnr IS NULL OR m.pnr = :pnr) ORDER BY h.id LIMIT 1",
            {"street": street, "name": name, "pnr": pnr},
        )
        if found is not None:
            return Case(ref=str(found[1]), hid=int(found[0]))
        if ("tenant", nocase(name), nocase(street)) not in self._added:
            return None
        found = self._one(
            "SELECT h.idx, h.ref FROM temp.import_members m JOIN temp.import_households h"
            " ON h.idx = m.idx WHERE m.name_nc = :name AND h.street_nc = :street"
            " AND m.role IN ('tenant', 'co_tenant')"
            " AND (:pnr IS NULL OR m.pnr IS NULL OR m.pnr = :pnr) ORDER BY h.idx LIMIT 1",
            {"street": nocase(street), "name": nocase(name), "pnr": pnr},
        )
        return Case(ref=str(found[1]), idx=int(found[0])) if found is not None else None

    def notice_recorded(self, case: Case, served_on: date | None, amount: int | None) -> bool:
        served = served_on.isoformat() if served_on else None
        if case.hid is not None and self._one(
            "SELECT 1 FROM live_notices WHERE household_id = ? AND kind = 'termination'"
            " AND served_on IS ? AND amount_ore IS ?",
            [case.hid, served, amount],
        ):
            return True
        return (
            self._one(
                "SELECT 1 FROM temp.import_notices WHERE ref = ? AND kind = 'termination'"
                " AND served_on IS ? AND amount_ore IS ?",
                [case.ref, served, amount],
            )
            is not None
        )

    def arrears_of(self, case: Case) -> int:
        """What the case owes now, as this import leaves it so far."""
        found = self._one(
            "SELECT arrears_ore FROM temp.import_arrears WHERE hid IS ? AND idx IS ?"
            " ORDER BY seq DESC LIMIT 1",
            [case.hid, case.idx],
        )
        if found is None and case.idx is not None:
            found = self._one(
                "SELECT arrears_ore FROM temp.import_households WHERE idx = ?", [case.idx]
            )
        if found is None:
            found = self._one("SELECT arrears_ore FROM households WHERE id = ?", [case.hid])
        return int(found[0]) if found and found[0] is not None else 0

    def set_arrears(self, case: Case, ore: int) -> None:
        self._add(
            "INSERT INTO temp.import_arrears (hid, idx, arrears_ore) VALUES (?, ?, ?)",
            [(case.hid, case.idx, ore)],
        )

    def other_open_cases(self, pnr: str) -> list[str]:
        """``households.other_open_cases`` over the database and this import's cases."""
        self.ready()
        found = self.conn.execute(
            "SELECT h.ref FROM members m JOIN live_households h ON h.id = m.household_id"
            " WHERE m.pnr = :pnr AND m.role != 'child' AND h.status = 'open'"
            " UNION SELECT h.ref FROM temp.import_members m JOIN temp.import_households h"
            " ON h.idx = m.idx WHERE m.pnr = :pnr AND m.role != 'child' ORDER BY 1",
            {"pnr": pnr},
        )
        return [str(r[0]) for r in found]

    def add_notice(
        self, case: Case, fingerprint: str, notice: dict[str, Any], *, new_case: bool
    ) -> None:
        self._add(
            _INSERT_NOTICE,
            [
                [case.hid, case.idx, case.ref, int(new_case), fingerprint]
                + [notice[c] for c in _NOTICE_COLUMNS]
            ],
        )
        self.plan.notices += 1
        self._added.add(("fingerprint", fingerprint))
        if notice["ground"] is not None:
            self.add_reasons(case, [notice["ground"]])

    def add_reasons(self, case: Case, reasons: list[str]) -> None:
        self._add(
            "INSERT INTO temp.import_reasons (hid, idx, reason) VALUES (?, ?, ?)",
            [(case.hid, case.idx, r) for r in reasons],
        )

    def open_case(
        self,
        record: dict[str, Any],
        landlord_key: str | None,
        reasons: list[str],
        members: list[dict[str, Any]],
    ) -> Case:
        """A new case of this import, found by later rows as the database would."""
        case = Case(ref=record["ref"], idx=self.plan.households)
        street = record["street"]
        street_nc = nocase(street) if street is not None else None
        self._add(
            _INSERT_HOUSEHOLD,
            [[case.idx, landlord_key, street_nc] + [record[c] for c in _HOUSEHOLD_COLUMNS]],
        )
        self.plan.households += 1
        rows = []
        for m in members:
            name = m["name"]
            name_nc = nocase(name) if name is not None else None
            if m.get("pnr") is not None:
                self._added.add(("pnr", m["pnr"]))
            if name is not None and street is not None and m["role"] in _PARTIES:
                self._added.add(("tenant", name_nc, street_nc))
            rows.append([case.idx, name_nc] + [m.get(c) for c in _MEMBER_COLUMNS])
        self.add_reasons(case, reasons)
        self._add(_INSERT_MEMBER, rows)
        return case

    def next_ref(self, year: int) -> str:
        number = self.plan.counter_start + self.plan.households + 1
        return f"{year}-{number:0{rules.CASE_NUMBER_DIGITS}d}"


def write(db: Database, plan: Plan) -> None:
    """Copy a plan into the database inside the caller's write transaction: one
    statement per table, every row at once, and the audit rows of the new rows one
    statement per table too (``bulk_audit``). The rows made ready before the lock
    (``stage``) are copied as they are, when the ids they took are still the next."""
    from bostadcli.landlord_lists.bulk_audit import insert_triggers_held
    from bostadcli.landlord_lists.stage import current, stage_plan, write_staged

    conn = db.conn
    if plan.staged is None:
        stage_plan(db, plan)
    staged = plan.staged
    tables = staged.audited if staged else bulk_audited()
    with insert_triggers_held(conn, tables) as audit:
        if staged and set(audit.statements) == set(tables) and current(conn, plan):
            notices_before = write_staged(conn, plan, audit)
            _finish(
                conn,
                plan,
                f"coalesce(t.hid, {staged.before['households']} + 1 + t.idx)",
                notices_before,
            )
        else:
            _write(db, plan, audit)


# The tables an import inserts many rows into, whose audit rows are written in bulk.
_BULK_AUDITED = ("households", "household_reasons", "members", "notices")
# Off: every row's audit row is written by its trigger (the tests compare the two).
BULK_AUDIT = True
# Off: every row is made inside the write transaction (the tests compare the two).
STAGE = True


def bulk_audited() -> tuple[str, ...]:
    """The tables whose audit rows the import writes itself (``BULK_AUDIT``)."""
    return _BULK_AUDITED if BULK_AUDIT else ()


def _write(db: Database, plan: Plan, audit: BulkAudit) -> None:
    from bostadcli.landlords import add_landlord

    conn = db.conn
    for (name,) in conn.execute("SELECT name FROM temp.import_landlords ORDER BY seq").fetchall():
        add_landlord(db, name=name)
    (households_before,) = conn.execute("SELECT coalesce(max(id), 0) FROM households").fetchone()
    # A new case's id: the rows are inserted in order into a table whose largest id is
    # households_before, so SQLite numbers them on from there (checked below).
    case_id = f"coalesce(t.hid, {int(households_before)} + 1 + t.idx)"
    columns = ", ".join(_HOUSEHOLD_COLUMNS)
    conn.execute(
        f"INSERT INTO households ({columns}, landlord_id)"
        f" SELECT {', '.join(f't.{c}' for c in _HOUSEHOLD_COLUMNS)},"
        " (SELECT l.id FROM landlords l WHERE casefold(l.name) = t.landlord_key ORDER BY l.id)"
        " FROM temp.import_households t ORDER BY t.idx"
    )
    added = conn.execute(
        "SELECT count(*), coalesce(max(id), ?1) FROM households WHERE id > ?1", [households_before]
    ).fetchone()
    if tuple(added) != (plan.households, households_before + plan.households):
        raise AssertionError("households numbered out of order")  # pragma: no cover
    audit.record("households", where="NEW.id > ?", order="NEW.id", params=(households_before,))
    _write_reasons(conn, case_id, audit)
    (members_before,) = conn.execute("SELECT coalesce(max(id), 0) FROM members").fetchone()
    columns = ", ".join(_MEMBER_COLUMNS)
    values = ", ".join(f"t.{c}" for c in _MEMBER_COLUMNS)
    conn.execute(
        f"INSERT INTO members (household_id, {columns})"
        f" SELECT {int(households_before)} + 1 + t.idx, {values}"
        " FROM temp.import_members t ORDER BY t.rowid"
    )
    audit.record("members", where="NEW.id > ?", order="NEW.id", params=(members_before,))
    notices_before = _write_notices(conn, plan, case_id, audit)
    _finish(conn, plan, case_id, notices_before)


def _finish(conn: Any, plan: Plan, case_id: str, notices_before: int) -> None:
    """The known cases' new amounts, the rows remembered, the case counter."""
    from bostadcli.db import now_utc

    now = now_utc()
    conn.execute(
        "UPDATE households SET updated_at = ? WHERE id IN"
        " (SELECT hid FROM temp.import_notices WHERE new_case = 0 AND hid IS NOT NULL)",
        [now],
    )
    # The amount owed a case is left with: its last row's.
    conn.executemany(
        "UPDATE households SET arrears_ore = ?, updated_at = ? WHERE id = ?",
        [
            (ore, now, hid)
            for hid, ore in conn.execute(
                f"SELECT {case_id}, t.arrears_ore FROM temp.import_arrears t WHERE t.seq IN"
                " (SELECT max(seq) FROM temp.import_arrears GROUP BY hid, idx) ORDER BY t.seq"
            ).fetchall()
        ],
    )
    conn.execute(
        "INSERT OR IGNORE INTO imported_rows (fingerprint, household_id, notice_id, imported_at)"
        f" SELECT t.fingerprint, {case_id}, {int(notices_before)} + t.seq, ?"
        " FROM temp.import_notices t ORDER BY t.seq",
        [now],
    )
    if plan.households:
        conn.execute(
            "INSERT INTO counters (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
            [plan.counter, plan.households],
        )


def _write_reasons(conn: Any, case_id: str, audit: BulkAudit) -> None:
    """The list's reasons a case has not yet recorded, each once, in the list's order."""
    from bostadcli.landlord_lists.stage import new_reasons

    new_reasons(conn, case_id)
    conn.execute(
        "INSERT INTO household_reasons (household_id, reason)"
        " SELECT household_id, reason FROM temp.import_new_reasons ORDER BY rowid"
    )
    audit.record("household_reasons", source="temp.import_new_reasons")
    conn.execute("DROP TABLE temp.import_new_reasons")


def _write_notices(conn: Any, plan: Plan, case_id: str, audit: BulkAudit) -> int:
    """The list's notices, numbered on from the largest id before (returned)."""
    (notices_before,) = conn.execute("SELECT coalesce(max(id), 0) FROM notices").fetchone()
    columns = ", ".join(_NOTICE_COLUMNS)
    conn.execute(
        f"INSERT INTO notices (household_id, {columns})"
        f" SELECT {case_id}, {', '.join(f't.{c}' for c in _NOTICE_COLUMNS)}"
        " FROM temp.import_notices t ORDER BY t.seq"
    )
    added = conn.execute(
        "SELECT count(*), coalesce(max(id), ?1) FROM notices WHERE id > ?1", [notices_before]
    ).fetchone()
    if tuple(added) != (plan.notices, notices_before + plan.notices):
        raise AssertionError("notices numbered out of order")  # pragma: no cover
    audit.record("notices", where="NEW.id > ?", order="NEW.id", params=(notices_before,))
    return int(notices_before)


# The columns stage.py copies from the plan's tables.
HOUSEHOLD_COLUMNS = _HOUSEHOLD_COLUMNS
MEMBER_COLUMNS = _MEMBER_COLUMNS
NOTICE_COLUMNS = _NOTICE_COLUMNS
