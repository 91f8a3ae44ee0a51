"""Letters to households: context from the database, rendering, recording, the batches.

A letter is rendered from a template (see ``templating``) with a context built from the
case: the household and its members, the landlord, the nearest recovery deadline, the
caseworker and the letterhead. Letters go out in Swedish; a household whose
``letter_language`` is English gets a kind's English variant where there is one
(``letter_template``). Letters of the batches are keyed by (household, kind, period)
and recorded only after their file exists, one transaction per letter, so a run that is
repeated or killed halfway sends nothing twice and misses nothing.

Where things live:

- ``kind``: what a letter kind declares; ``kinds/``: one module per kind;
  ``registry``: the kinds, and what is derived from them (help, docs, moved cases).
- ``context`` (the template context), ``address`` (the address block),
  ``rendering``, ``recording`` (files, records, one letter by hand, the history).
- ``batch`` (who gets which letter; a run), ``making`` (a run's letters one at a
  time), ``claims``, ``late`` (letters that cannot arrive in time), ``daily``,
  ``manifest`` (the manifest and the print file).

This package is imported when the CLI starts, so importing it does no work: the names
below load their module on first use. Assigning one of them (``letters.X = ...``, as
tests do to stand in for a function) replaces it in every module of the package that
uses it, as it did when the package was one module.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

# Name -> the module of this package it comes from.
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(("Addressee", "Candidate", "LetterKind", "LetterRequest", "Reference"), "kind"),
    **dict.fromkeys(
        (
            "KINDS",
            "batch_kinds",
            "kind_help",
            "kinds_markdown",
            "letter_kind",
            "monthly_kinds",
            "referenced_records",
            "registered",
            "renumber_references",
        ),
        "registry",
    ),
    **dict.fromkeys(
        (
            "build_context",
            "check_letterhead",
            "check_params",
            "letter_context",
            "parse_params",
        ),
        "context",
    ),
    **dict.fromkeys(
        (
            "WINDOW_LINES",
            "WINDOW_LINE_CHARS",
            "address_forms",
            "landlord_lines",
            "window_problem",
        ),
        "address",
    ),
    **dict.fromkeys(
        (
            "EXTENSIONS",
            "LETTER_FORMATS",
            "Rendered",
            "letter_format",
            "letter_template",
            "prepare_templates",
            "render_context",
            "render_letter",
            "render_text",
        ),
        "rendering",
    ),
    **dict.fromkeys(
        (
            "OneOff",
            "default_file_name",
            "list_letters",
            "make_letter",
            "prepare_out_dir",
            "record_letter",
            "write_private_file",
        ),
        "recording",
    ),
    **dict.fromkeys(
        ("LateLetter", "call_note", "letter_deadline", "post_days", "record_late"), "late"
    ),
    **dict.fromkeys(
        (
            "FOREIGN_CLAIM_HOURS",
            "RunOwner",
            "_process_started",
            "claim_letter",
            "release_claims",
        ),
        "claims",
    ),
    **dict.fromkeys(
        (
            "BatchItem",
            "BatchResult",
            "LetterRun",
            "Progress",
            "default_out_dir",
            "plan_monthly",
            "planned_folder",
            "preview_daily",
            "preview_monthly",
            "run_daily",
            "run_monthly",
        ),
        "batch",
    ),
    **dict.fromkeys(("_make_batch_letter",), "making"),
    **dict.fromkeys(("_finish_daily", "finish_dead_batches"), "daily"),
    **dict.fromkeys(("MANIFEST_FIELDS",), "manifest"),
    "failure_message": "failures",
    # The name alone, without loading the kinds (labels.py).
    "kind_label": "labels",
    "joined_names": "words",
    "_reminder_candidates": "kinds.plan_reminder:select",
}

# Every module of the package that may use an exported name, for assignments.
_MODULES = (
    "address",
    "batch",
    "claims",
    "context",
    "daily",
    "labels",
    "late",
    "making",
    "manifest",
    "recording",
    "registry",
    "rendering",
    "words",
)

__all__ = [
    "EXTENSIONS",
    "FOREIGN_CLAIM_HOURS",
    "KINDS",
    "LETTER_FORMATS",
    "MANIFEST_FIELDS",
    "WINDOW_LINES",
    "WINDOW_LINE_CHARS",
    "Addressee",
    "BatchItem",
    "BatchResult",
    "Candidate",
    "LateLetter",
    "LetterKind",
    "LetterRequest",
    "LetterRun",
    "OneOff",
    "Progress",
    "Reference",
    "Rendered",
    "RunOwner",
    "_finish_daily",
    "_make_batch_letter",
    "_process_started",
    "_reminder_candidates",
    "address_forms",
    "batch_kinds",
    "build_context",
    "call_note",
    "check_letterhead",
    "check_params",
    "claim_letter",
    "default_file_name",
    "default_out_dir",
    "failure_message",
    "finish_dead_batches",
    "joined_names",
    "kind_help",
    "kind_label",
    "kinds_markdown",
    "landlord_lines",
    "letter_context",
    "letter_deadline",
    "letter_format",
    "letter_kind",
    "letter_template",
    "list_letters",
    "make_letter",
    "monthly_kinds",
    "parse_params",
    "plan_monthly",
    "planned_folder",
    "post_days",
    "prepare_out_dir",
    "prepare_templates",
    "preview_daily",
    "preview_monthly",
    "record_late",
    "record_letter",
    "referenced_records",
    "registered",
    "release_claims",
    "render_context",
    "render_letter",
    "render_text",
    "renumber_references",
    "run_daily",
    "run_monthly",
    "window_problem",
    "write_private_file",
]


def _load(name: str) -> Any:
    module, _sep, attribute = _EXPORTS[name].partition(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), attribute or name)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = _load(name)
    ModuleType.__setattr__(sys.modules[__name__], name, value)
    return value


class _Package(ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS:
            old = getattr(self, name)
            for module in _MODULES:
                found = importlib.import_module(f"{__name__}.{module}")
                if found.__dict__.get(name, value) is old:
                    setattr(found, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

if TYPE_CHECKING:
    from bostadcli.files import write_private_file
    from bostadcli.letters.address import (
        WINDOW_LINE_CHARS,
        WINDOW_LINES,
        address_forms,
        landlord_lines,
        window_problem,
    )
    from bostadcli.letters.batch import (
        BatchItem,
        BatchResult,
        LetterRun,
        Progress,
        default_out_dir,
        plan_monthly,
        planned_folder,
        preview_daily,
        preview_monthly,
        run_daily,
        run_monthly,
    )
    from bostadcli.letters.claims import (
        FOREIGN_CLAIM_HOURS,
        RunOwner,
        _process_started,
        claim_letter,
        release_claims,
    )
    from bostadcli.letters.context import (
        build_context,
        check_letterhead,
        check_params,
        letter_context,
        parse_params,
    )
    from bostadcli.letters.daily import _finish_daily, finish_dead_batches
    from bostadcli.letters.failures import failure_message
    from bostadcli.letters.kind import Addressee, Candidate, LetterKind, LetterRequest, Reference
    from bostadcli.letters.kinds.plan_reminder import select as _reminder_candidates
    from bostadcli.letters.labels import kind_label
    from bostadcli.letters.late import (
        LateLetter,
        call_note,
        letter_deadline,
        post_days,
        record_late,
    )
    from bostadcli.letters.making import _make_batch_letter
    from bostadcli.letters.manifest import MANIFEST_FIELDS
    from bostadcli.letters.recording import (
        OneOff,
        default_file_name,
        list_letters,
        make_letter,
        prepare_out_dir,
        record_letter,
    )
    from bostadcli.letters.registry import (
        KINDS,
        batch_kinds,
        kind_help,
        kinds_markdown,
        letter_kind,
        monthly_kinds,
        referenced_records,
        registered,
        renumber_references,
    )
    from bostadcli.letters.rendering import (
        EXTENSIONS,
        LETTER_FORMATS,
        Rendered,
        letter_format,
        letter_template,
        prepare_templates,
        render_context,
        render_letter,
        render_text,
    )
    from bostadcli.letters.words import joined_names
