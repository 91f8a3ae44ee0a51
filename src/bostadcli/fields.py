"""Every stored field checked like typed input, for records that arrive in a document.

A moved case (``bostad import household``) carries rows of every case table. Each field
goes through the validator the command line uses for it: dates (``parse_date``), months,
money within ``MAX_AMOUNT_ORE``, names and free text through ``validate.clean_text``
(length limits, no control or escape characters), codes of every enumeration, letter
kinds and formats, JSON parameters, counts within the rules' limits. A field is known by
its name (``*_on`` is a date, ``*_ore`` money, ...), with the exceptions listed below; a
column this table does not list (added by a later migration) is still checked by its
SQL type, so no field reaches the database unchecked.

``check_field`` returns the value to store, or raises InvalidInput naming the part, the
row and the field: ``case.json: notices[2].received_on: no such date: '2026-02-30'``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bostadcli import rules, validate
from bostadcli.errors import InvalidInput
from bostadcli.i18n import _

Check = Callable[[Any, str], Any]

# Longest timestamp text: 2026-11-21T10:00:00.123456+00:00.
_TIMESTAMP_MAX = 40


def _text_value(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field, _kind(value), _("expected text"))
    return value


def _kind(value: Any) -> str:
    """A JSON value's type, for a message (the value itself may be huge)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    return str(value)


def _whole(low: int, high: int) -> Check:
    def check(value: Any, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(field, _kind(value), _("expected a whole number"))
        return validate.whole_number(value, field=field, low=low, high=high)

    return check


def _flag(value: Any, field: str) -> int:
    if isinstance(value, bool):
        return int(value)
    if value in (0, 1) and isinstance(value, int):
        return int(value)
    raise InvalidInput(field, _kind(value), _("expected true or false"))


def _date(value: Any, field: str) -> str:
    from bostadcli.dates import parse_date

    text = _text_value(value, field)
    if len(text) != 10:
        raise InvalidInput(field, text, _("expected YYYY-MM-DD"))
    return parse_date(text, field=field).isoformat()


def _month(value: Any, field: str) -> str:
    from bostadcli.dates import parse_month

    text = _text_value(value, field)
    if len(text) != 7:
        raise InvalidInput(field, text, _("expected YYYY-MM"))
    return parse_month(text, field=field).strftime("%Y-%m")


def _timestamp(value: Any, field: str) -> str:
    from bostadcli.dates import MAX_YEAR, MIN_YEAR

    text = _text_value(value, field)
    try:
        if len(text) > _TIMESTAMP_MAX:
            raise ValueError
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            field, text, _("expected a time like 2026-11-21T10:00:00+00:00")
        ) from None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise InvalidInput(
            field,
            text,
            _("year must be between {low} and {high}").format(low=MIN_YEAR, high=MAX_YEAR),
        )
    return text


def _eviction_at(value: Any, field: str) -> str:
    from bostadcli.notices import parse_eviction_at

    return parse_eviction_at(_text_value(value, field), field=field)


def _clock(value: Any, field: str) -> str:
    import re

    text = _text_value(value, field)
    if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", text):
        raise InvalidInput(field, text, _("expected a time of day, HH:MM"))
    return text


def _money(value: Any, field: str) -> int:
    from bostadcli.money import MAX_AMOUNT_ORE

    return int(_whole(0, MAX_AMOUNT_ORE)(value, field))


def _name(value: Any, field: str) -> str | None:
    return validate.clean_text(_text_value(value, field), field=field)


def _line(value: Any, field: str) -> str | None:
    return validate.clean_text(_text_value(value, field), field=field, max_length=validate.TEXT_MAX)


def _note(value: Any, field: str) -> str | None:
    return validate.clean_text(
        _text_value(value, field), field=field, max_length=validate.TEXT_MAX, multiline=True
    )


def _required_note(value: Any, field: str) -> str:
    # contacts.text: may be empty, never NULL.
    return _note(value, field) or ""


def _postal_code(value: Any, field: str) -> str | None:
    return validate.postal_code(_text_value(value, field), field=field)


def _case_ref(value: Any, field: str) -> str:
    return validate.case_ref(_text_value(value, field), field=field)


def _plan_ref(value: Any, field: str) -> str:
    return validate.plan_ref(_text_value(value, field), field=field)


def _due_rule(value: Any, field: str) -> str:
    text = _text_value(value, field)
    if text == "last_working_day" or (text.isdigit() and 1 <= int(text) <= 31 and text[0] != "0"):
        return text
    raise InvalidInput(field, text, _("expected last_working_day or a day of the month, 1-31"))


def _letter_kind(value: Any, field: str) -> str:
    from bostadcli.letters import letter_kind

    return letter_kind(_text_value(value, field), field=field).code


def _letter_format(value: Any, field: str) -> str:
    from bostadcli.letters import letter_format

    return letter_format(_text_value(value, field), field=field)


def _params(value: Any, field: str) -> str:
    text = _text_value(value, field)
    if len(text) > validate.TEXT_MAX:
        raise InvalidInput(field, text, _("longer than {n} characters").format(n=validate.TEXT_MAX))
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput(field, text, _("not JSON")) from None
    if not isinstance(parsed, dict):
        raise InvalidInput(field, text, _("expected a JSON object"))
    for key, item in parsed.items():
        if isinstance(item, str):
            validate.clean_text(item, field=f"{field}.{key}", max_length=validate.TEXT_MAX)
    return text


_ID = _whole(1, validate.ROW_ID_MAX)

# By column name, in any table; ``_BY_TABLE`` below overrides for one table.
_BY_NAME: dict[str, Check] = {
    "id": _ID,
    "created_at": _timestamp,
    "updated_at": _timestamp,
    "birth_date": _date,
    "recovery_deadline": _date,
    "eviction_at": _eviction_at,
    "month": _month,
    "start_month": _month,
    "period": _month,
    "part_time": _flag,
    "partner_of_tenant": _flag,
    "automatic": _flag,
    "whole_kronor": _flag,
    "cost_granted": _flag,
    "months": _whole(1, rules.PLAN_MAX_INSTALLMENTS),
    "seq": _whole(1, rules.PLAN_MAX_INSTALLMENTS),
    "cap_months": _whole(1, rules.RENT_GUARANTEE_MAX_MONTHS),
    "due_rule": _due_rule,
    "postal_code": _postal_code,
    "care_of_postal_code": _postal_code,
    "especially_serious": _flag,
    "correct_by": _date,
    "at_time": _clock,
    "voided_at": _timestamp,
    "settled_note": _note,
    "origin_ref": _line,
    "note": _note,
    "text": _required_note,
    "address": _note,
    "end_reason": _note,
    "backdate_reason": _note,
    "file": _line,
    "template_version": _line,
    "params": _params,
    "recipient": _name,
}
_BY_TABLE: dict[tuple[str, str], Check] = {
    ("households", "ref"): _case_ref,
    ("plans", "ref"): _plan_ref,
    ("plans", "origin_ref"): _line,
    ("letters", "kind"): _letter_kind,
    ("letters", "format"): _letter_format,
    ("letters", "recipient"): _line,
}


def _by_type(sql_type: str) -> Check:
    return _ID if sql_type.upper() == "INTEGER" else _name


def check_field(table: str, column: str, value: Any, field: str, *, sql_type: str = "TEXT") -> Any:
    """The value of ``table.column`` to store, checked like typed input (None stays None).

    Enumerations are checked by the caller (it knows each part's vocabularies); this
    checks their type: a code is text.
    """
    if value is None:
        return None
    check = _BY_TABLE.get((table, column)) or _BY_NAME.get(column)
    if check is None:
        if column.endswith("_ore"):
            check = _money
        elif column.endswith("_on"):
            check = _date
        elif column.endswith("_id"):
            check = _ID
        else:
            check = _by_type(sql_type)
    return check(value, field)
