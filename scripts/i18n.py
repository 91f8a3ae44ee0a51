"""Keep the Swedish catalog in step with the source.

    python scripts/i18n.py update    extract strings, merge them into the .po (new ones empty)
    python scripts/i18n.py compile   write the .mo that ships in the wheel
    python scripts/i18n.py check     fail when the catalog is stale, incomplete or not compiled
    python scripts/i18n.py todo F    write the untranslated strings to F (JSON) for a translator
    python scripts/i18n.py apply F   take the translations from F (JSON) into the catalog

The source language is English; every string a person reads is wrapped in ``_()``,
``ngettext()``, ``pgettext()`` or ``N_()`` (see ``src/bostadcli/i18n.py``). In the JSON of
``todo``/``apply`` a message with a context is keyed ``context|message``.
"""

from __future__ import annotations

import ast
import io
import marshal
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "bostadcli"
LOCALE = SOURCE / "locale"
DOMAIN = "bostadcli"
LANGUAGES = ("sv",)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def extract() -> Catalog:
    template = Catalog(project="bostadcli", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(SOURCE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
    ):
        template.add(
            message,
            None,
            [(f"src/bostadcli/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="bostadcli")
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def save(catalog: Catalog, lang: str) -> None:
    catalog.project = "bostadcli"
    catalog.version = ""
    catalog.copyright_holder = "bostadcli developers"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "bostadcli developers"
    catalog.language_team = "Swedish"
    catalog.fuzzy = False
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    # No line numbers or dates: the file changes only when the strings do.
    write_po(
        buffer,
        catalog,
        width=0,
        omit_header=False,
        sort_output=True,
        include_lineno=False,
        ignore_obsolete=True,
    )
    text = re.sub(rb'"POT-Creation-Date: [^"]*"\n', b"", buffer.getvalue())
    text = re.sub(rb'"PO-Revision-Date: [^"]*"\n', b"", text)
    path.write_bytes(text)


def update() -> None:
    template = extract()
    for lang in LANGUAGES:
        catalog = load(lang)
        catalog.update(template, no_fuzzy_matching=True)
        save(catalog, lang)
        missing = [m.id for m in catalog if m.id and not _translated(m)]
        print(f"{po_path(lang).relative_to(ROOT)}: {len(missing)} untranslated")


def ready_path(lang: str) -> Path:
    return mo_path(lang).with_suffix(".catalog")


def ready_bytes(mo: bytes) -> bytes:
    """The ready-made catalog beside a .mo (``bostadcli.i18n``: read faster than it)."""
    sys.path.insert(0, str(ROOT / "src"))
    from bostadcli.i18n import ready_catalog_data

    return marshal.dumps(ready_catalog_data(mo))


def compile_() -> None:
    for lang in LANGUAGES:
        catalog = load(lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        mo_path(lang).write_bytes(buffer.getvalue())
        ready_path(lang).write_bytes(ready_bytes(buffer.getvalue()))
        print(f"wrote {mo_path(lang).relative_to(ROOT)} and {ready_path(lang).name}")


def _translated(message: object) -> bool:
    string = getattr(message, "string", None)
    if isinstance(string, tuple):
        return all(string)
    return bool(string) and not getattr(message, "fuzzy", False)


def _key(value: object) -> object:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _context(value: object) -> str | None:
    # babel's read_mo hands back a message context as bytes.
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value if isinstance(value, str) else None


def _shown(context: str, text: str) -> str:
    return f"{text!r} (context {context!r})" if context else repr(text)


def _json_key(message: Message) -> str:
    text = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}|{text}" if message.context else str(text)


def hidden_in_fstrings() -> list[str]:
    """Literal ``_("…")`` calls inside f-strings: the extractor cannot see them.

    Python 3.11 tokenises an f-string as one string, so babel never extracts the calls
    in it and the text stays English in every language.
    """
    found: list[tuple[str, int, str]] = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in KEYWORDS
                    and inner.args
                    and isinstance(inner.args[0], ast.Constant)
                ):
                    message = (
                        f"{inner.func.id}() inside an f-string is never extracted; "
                        f"move it out: {inner.args[0].value!r}"
                    )
                    found.append((str(path.relative_to(ROOT)), inner.lineno, message))
    return [f"{path}:{line}: {message}" for path, line, message in sorted(found)]


def problems() -> list[str]:
    """Everything that is wrong with the catalogs, as lines for a person to read."""
    found: list[str] = hidden_in_fstrings()
    template_ids = {(m.context or "", str(m.id)) for m in extract() if m.id}
    for lang in LANGUAGES:
        catalog = load(lang)
        catalog_ids = {(m.context or "", str(m.id)) for m in catalog if m.id}
        for context, missing in sorted(template_ids - catalog_ids):
            found.append(
                f"{lang}: not in the catalog (run scripts/i18n.py update): "
                f"{_shown(context, missing)}"
            )
        for context, stale in sorted(catalog_ids - template_ids):
            found.append(
                f"{lang}: no longer in the source (run scripts/i18n.py update): "
                f"{_shown(context, stale)}"
            )
        for message in catalog:
            if not message.id:
                continue
            if not _translated(message):
                found.append(f"{lang}: no translation: {message.id!r}")
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(PLACEHOLDER.findall(ids[-1]))
            for string in strings:
                if set(PLACEHOLDER.findall(string)) != wanted:
                    found.append(f"{lang}: placeholders differ: {message.id!r} -> {string!r}")
        if not mo_path(lang).exists():
            found.append(f"{lang}: no compiled catalog (run scripts/i18n.py compile)")
            continue
        with mo_path(lang).open("rb") as fh:
            compiled = read_mo(fh)
        compiled_map = {
            (_context(m.context), _key(m.id)): _key(m.string)
            for m in compiled
            if m.id and _key(m.string) != _key(m.id)
        }
        source_map = {
            (m.context, _key(m.id)): _key(m.string)
            for m in catalog
            if m.id and _translated(m) and _key(m.string) != _key(m.id)
        }
        if compiled_map != source_map:
            found.append(
                f"{lang}: the compiled catalog is out of date (run scripts/i18n.py compile)"
            )
        ready = ready_path(lang)
        if not ready.exists() or marshal.loads(ready.read_bytes()) != marshal.loads(
            ready_bytes(mo_path(lang).read_bytes())
        ):
            found.append(
                f"{lang}: {ready.name} is not made from the compiled catalog"
                " (run scripts/i18n.py compile)"
            )
    return found


def todo(path: Path) -> None:
    """Untranslated messages as JSON: {msgid: ""} or {singular: ["", ""]} for plurals."""
    import json

    catalog = load("sv")
    pending: dict[str, object] = {}
    for message in catalog:
        if message.id and not _translated(message):
            if isinstance(message.id, tuple):
                pending[_json_key(message)] = {"plural": message.id[1], "sv": ["", ""]}
            else:
                pending[_json_key(message)] = ""
    path.write_text(json.dumps(pending, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(pending)} messages to translate in {path}")


def apply(path: Path) -> None:
    import json

    done = json.loads(path.read_text(encoding="utf-8"))
    catalog = load("sv")
    count = 0
    for message in catalog:
        if not message.id:
            continue
        value = done.get(_json_key(message))
        if isinstance(value, dict):
            value = tuple(value["sv"])
        if value and (all(value) if isinstance(value, tuple) else True):
            message.string = value
            message.flags.discard("fuzzy")
            count += 1
    save(catalog, "sv")
    print(f"applied {count} translations")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_()
    elif command == "todo":
        todo(Path(argv[2]))
    elif command == "apply":
        apply(Path(argv[2]))
    elif command == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
