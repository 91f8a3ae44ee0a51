"""Templates cannot read files or run for ever.

A user's template is code from outside the program. A seeded corpus of hostile templates
(loops, huge values, recursion, circles of includes, files that are not UTF-8, and
``file:``/network URLs in every place WeasyPrint loads from) must each fail the letter
with one line that names the template file, within a bounded time, and never let a byte
of another file into a letter. ``template list --templates DIR`` reports the same
problems, one line each.
"""

from __future__ import annotations

import base64
import random
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli import letters, pdf, templating
from bostadcli.db import open_database
from bostadcli.errors import BostadError
from golden_letters import AS_OF, CONFIG, build_households

SEED = 20261204
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

# What a template can do to run for ever or grow without end; each is rendered in the
# text (HTML or plain) stage.
RUNAWAY = [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ lipsum(1000000) }}",
    "{{ lipsum(40, max=100000) }}",
    "{{ 'x' * 1000000000 }}",
    "{{ [0] * 100000000 }}",
    "{{ 2 ** 100000000 }}",
    "{{ 'x'|center(1000000000) }}",
    "{{ 'x'|indent(1000000000) }}",
    "{{ 'x'|truncate(1000000000) }}",
    "{{ 'x'|wordwrap(1000000000) }}",
    "{{ 'x'.ljust(1000000000) }}",
    "{{ 'x'.zfill(1000000000) }}",
    "{{ '%999999999s'|format('x') }}",
    "{{ '%999999999s' % 'x' }}",
    "{{ '%*s' % (999999999, 'x') }}",
    "{{ '{:>999999999}'.format('x') }}",
    "{% for i in range(100000) %}{{ 'Hej hej hej hej hej hej hej hej hej hej hej' }}{% endfor %}",
    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s }}",
]

# Where WeasyPrint fetches from, and what it must not fetch.
FETCHES = [
    '<img src="{url}">',
    '<link rel="attachment" href="{url}">',
    '<link rel="stylesheet" href="{url}">',
    '<div style="background-image: url({url})">x</div>',
    '<style>@import url("{url}");</style>',
    '<object data="{url}"></object>',
    '<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}" width="9" height="9"/></svg>',
]


def _forbidden_urls(tmp_path: Path) -> list[str]:
    db = tmp_path / "t.sqlite"
    outside = tmp_path / "outside.png"
    outside.write_bytes(PNG)
    return [
        db.as_uri(),
        "file:///etc/passwd",
        "file:///proc/self/environ",
        outside.as_uri(),  # an image, but outside the template folder
        "../t.sqlite",
        "disguised.png",  # the database under an image's name, in the folder itself
        "escape.png",  # a symbolic link out of the folder
        "http://tracker.example/pixel.png?namn=Anna",
        "https://tracker.example/a.css",
        "ftp://tracker.example/x.png",
    ]


def _corpus(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    """Hostile outreach templates: a runaway fragment in one of the places a template
    has (a block of the built-in layout, a macro, a loop, an include), seeded."""
    wrappers = [
        "{{% extends 'base.html.j2' %}}{{% block body %}}{payload}{{% endblock %}}",
        "{payload}",
        "{{% macro m() %}}{payload}{{% endmacro %}}<p>{{{{ m() }}}}</p>",
        "{{% for x in [1] %}}{payload}{{% endfor %}}",
        "{{% extends 'base.html.j2' %}}{{% block subject %}}Hej{{% endblock %}}"
        "{{% block body %}}<p>{{{{ ref }}}}</p>{payload}{{% endblock %}}",
    ]
    for i in range(n):
        payload = rng.choice(RUNAWAY)
        yield f"runaway-{i}", rng.choice(wrappers).format(payload=payload)


@pytest.fixture
def case_db(tmp_path: Path) -> Iterator[object]:
    db = open_database(tmp_path / "t.sqlite", create=True)
    build_households(db)
    yield db
    db.close()


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    # The limits are about the order of magnitude: a second is plenty for a letter here.
    monkeypatch.setattr(templating, "RENDER_SECONDS", 1.0)
    monkeypatch.setattr(pdf, "LAYOUT_SECONDS", 5.0)


def _render(db: object, folder: Path, fmt: str = "html") -> BostadError:
    started = time.monotonic()
    with pytest.raises(BostadError) as caught:
        letters.render_letter(
            db,  # type: ignore[arg-type]
            "2026-0001",
            "outreach",
            config=CONFIG,
            as_of=AS_OF,
            fmt=fmt,
            user_dir=folder,
        )
    assert time.monotonic() - started < 15
    message = caught.value.message
    assert "\n" not in message and len(message) < 500, message
    return caught.value


def test_the_corpus_of_runaway_templates_fails_each_letter_quickly(
    case_db: object, tmp_path: Path, quick: None
) -> None:
    rng = random.Random(SEED)
    for name, source in _corpus(rng, 40):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "outreach.html.j2").write_text(source, encoding="utf-8")
        error = _render(case_db, folder)
        assert str(folder / "outreach.html.j2") in error.message, (source, error.message)
        assert any(word in error.message for word in ("too long", "too large", "calls itself")), (
            source,
            error.message,
        )


def test_each_runaway_fragment_is_caught(case_db: object, tmp_path: Path, quick: None) -> None:
    for i, payload in enumerate(RUNAWAY):
        folder = tmp_path / f"f{i}"
        folder.mkdir()
        (folder / "outreach.html.j2").write_text(
            "{% extends 'base.html.j2' %}{% block body %}\n\n" + payload + "{% endblock %}",
            encoding="utf-8",
        )
        error = _render(case_db, folder)
        # The file and the line of the fragment.
        assert f"{folder / 'outreach.html.j2'}:3" in error.message, (payload, error.message)


def test_a_letter_loads_nothing_but_its_own_folders_images(case_db: object, tmp_path: Path) -> None:
    folder = tmp_path / "mallar"
    folder.mkdir()
    (folder / "logo.png").write_bytes(PNG)
    (folder / "disguised.png").write_bytes((tmp_path / "t.sqlite").read_bytes()[:4096])
    (folder / "escape.png").symlink_to(tmp_path / "t.sqlite")
    secret = (tmp_path / "t.sqlite").read_bytes()[:16]
    assert secret.startswith(b"SQLite format 3")
    refusals = 0
    for url in _forbidden_urls(tmp_path):
        for place in FETCHES:
            (folder / "outreach.html.j2").write_text(
                "{% extends 'base.html.j2' %}{% block body %}"
                + place.format(url=url)
                + "<p>Hej</p>{% endblock %}",
                encoding="utf-8",
            )
            try:
                made = letters.render_letter(
                    case_db,  # type: ignore[arg-type]
                    "2026-0001",
                    "outreach",
                    config=CONFIG,
                    as_of=AS_OF,
                    fmt="pdf",
                    user_dir=folder,
                )
            except BostadError as exc:
                assert "refused" in exc.message and "\n" not in exc.message, exc.message
                refusals += 1
                continue
            # WeasyPrint gave up on the place before asking for the URL (an image
            # inside an inline SVG whose own rendering failed): nothing was loaded.
            assert secret not in made.content and b"root:" not in made.content, (place, url)
    assert refusals >= (len(FETCHES) - 1) * len(_forbidden_urls(tmp_path))
    # A logo from the template folder is fine, as an image and as an attachment.
    (folder / "outreach.html.j2").write_text(
        "{% extends 'base.html.j2' %}{% block body %}<img src=\"logo.png\">"
        '<link rel="attachment" href="logo.png"><p>Hej</p>{% endblock %}',
        encoding="utf-8",
    )
    made = letters.render_letter(
        case_db,  # type: ignore[arg-type]
        "2026-0001",
        "outreach",
        config=CONFIG,
        as_of=AS_OF,
        fmt="pdf",
        user_dir=folder,
    )
    assert made.content.startswith(b"%PDF") and b"SQLite format" not in made.content


def test_a_looping_template_fails_the_batch_letters_fast_and_the_rest_are_made(
    case_db: object, tmp_path: Path, quick: None
) -> None:
    folder = tmp_path / "mallar"
    folder.mkdir()
    (folder / "outreach.html.j2").write_text(
        "{% extends 'base.html.j2' %}{% block body %}"
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
        "{% endblock %}",
        encoding="utf-8",
    )
    started = time.monotonic()
    result = letters.run_monthly(
        case_db,  # type: ignore[arg-type]
        config=CONFIG,
        # Before 2026-0002's eviction day (15 December): after it, its first letter
        # is not sent at all, and only one would be left to fail.
        month=date(2026, 12, 1),
        as_of=date(2026, 12, 14),
        out_dir=tmp_path / "brev",
        fmt="html",
        user_dir=folder,
    )
    # One letter waited for the limit; the others of the kind failed at once.
    assert time.monotonic() - started < 10
    outreach = [f for f in result.failed if f[1] == "outreach"]
    assert len(outreach) >= 2
    assert all("too long" in message for _ref, _kind, message in outreach)
    assert [i.kind for i in result.made] and all(i.kind != "outreach" for i in result.made)


def test_template_list_reports_every_broken_template_in_one_line(
    cli: object, tmp_path: Path
) -> None:
    folder = tmp_path / "mallar"
    folder.mkdir()
    (folder / "outreach.html.j2").write_bytes(b"Hej \xe5\xe4\xf6 {{ ref }}")
    (folder / "meeting.html.j2").write_text("{% include 'meeting.txt.j2' %}", encoding="utf-8")
    (folder / "meeting.txt.j2").write_text("{% include 'meeting.html.j2' %}", encoding="utf-8")
    (folder / "plan_reminder.txt.j2").write_text("{% if %}", encoding="utf-8")
    (folder / "support_ending.txt.j2").write_text(
        "{% extends 'support_ending.txt.j2' %}", encoding="utf-8"
    )
    (folder / "plan_agreement.txt.j2").write_text("{{ ref }}", encoding="utf-8")
    result = cli("template", "list", "--templates", str(folder))  # type: ignore[operator]
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: 5 templates cannot be used"), lines
    problems = lines[:-1]
    assert len(problems) == 5, problems
    for name in (
        "outreach.html.j2",
        "meeting.html.j2",
        "meeting.txt.j2",
        "plan_reminder.txt.j2",
        "support_ending.txt.j2",
    ):
        assert any(str(folder / name) in line for line in problems), (name, problems)
    assert any("not UTF-8" in line for line in problems)
    assert any("circle" in line for line in problems)
    # The good ones are listed with their version; the output is still a table.
    assert "plan_agreement" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_letter_from_a_template_that_is_not_utf8_is_one_line(
    case_db: object, tmp_path: Path
) -> None:
    folder = tmp_path / "mallar"
    folder.mkdir()
    (folder / "outreach.txt.j2").write_bytes("Hej {{ ref }} åäö".encode("latin-1"))
    error = _render(case_db, folder, fmt="txt")
    assert str(folder / "outreach.txt.j2") in error.message and "UTF-8" in error.message


# What a template must not put in a letter, or on the screen of whoever looks at it:
# an escape sequence (a window title, a cleared screen), a C1 control, a bidi override,
# a line separator, DEL.
UNPRINTABLE = ["\x1b]0;x\x07", "\x1b[2J", "\x9b31m", "\u202e", "\u2028", "\x7f", "\x00"]


@pytest.mark.parametrize("fmt", ["txt", "html"])
@pytest.mark.parametrize("bad", UNPRINTABLE)
def test_a_template_with_a_control_character_is_one_line_naming_it(
    case_db: object, tmp_path: Path, fmt: str, bad: str
) -> None:
    folder = tmp_path / "mallar"
    folder.mkdir()
    # In a template the letter includes, on its third line.
    (folder / f"outreach.{fmt}.j2").write_text(
        "Hej {{ ref }}\r\n{% include 'fot.j2' %}\n", encoding="utf-8"
    )
    (folder / "fot.j2").write_text(f"Med\r\nvänlig\nhälsning {bad}!\n", encoding="utf-8")
    error = _render(case_db, folder, fmt=fmt)
    code = f"U+{ord(bad[0]):04X}"
    assert error.message.startswith(f"{folder / 'fot.j2'}, line 3: "), error.message
    assert code in error.message
    assert not any(c in error.message for c in "\x1b\x9b\u202e\u2028\x7f\x00")


def test_template_show_refuses_a_control_character(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "mallar"
    folder.mkdir()
    (folder / "outreach.txt.j2").write_text("Hej\n{{ ref }}\x1b]0;x\x07\n", encoding="utf-8")
    result = cli("template", "show", "outreach", "--format", "txt", "--templates", str(folder))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {folder / 'outreach.txt.j2'}, line 2: holds a control character (U+001B)"
        " that cannot go in a letter; remove it\n"
    )
    listed = cli("template", "list", "--templates", str(folder))
    assert listed.exit_code == 1
    assert "U+001B" in listed.stderr and "\x1b" not in listed.stderr


def test_a_template_saved_by_a_windows_editor_makes_the_same_letter(
    case_db: object, tmp_path: Path
) -> None:
    """A byte order mark and CRLF line breaks (Notepad): the letter is the one the same
    template with plain line breaks makes, without the mark."""
    source = (templating.packaged_templates() / "outreach.txt.j2").read_text(encoding="utf-8")
    made = {}
    for name, text in (("plain", source), ("windows", "\ufeff" + source.replace("\n", "\r\n"))):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "outreach.txt.j2").write_bytes(text.encode("utf-8"))
        made[name] = letters.render_letter(
            case_db,  # type: ignore[arg-type]
            "2026-0001",
            "outreach",
            config=CONFIG,
            as_of=AS_OF,
            fmt="txt",
            user_dir=folder,
        )
    assert made["windows"] == made["plain"]
    assert made["windows"].content.startswith("Ängby".encode())
    assert b"\xef\xbb\xbf" not in made["windows"].content and b"\r" not in made["windows"].content


def test_a_template_linked_to_a_file_outside_its_folder_is_refused(
    case_db: object, tmp_path: Path, cli: Any
) -> None:
    """A link in the folder to a file outside it (/etc/passwd, the database) is never
    read into a letter; a link to a file inside the folder is followed."""
    folder = tmp_path / "mallar"
    folder.mkdir()
    secret = tmp_path / "hemligt.txt"
    secret.write_text("HEMLIGT", encoding="utf-8")
    (folder / "outreach.txt.j2").write_text(
        "Hej {{ ref }}\n{% include 'fot.txt.j2' %}\n", encoding="utf-8"
    )
    for target in (secret, tmp_path / "t.sqlite", Path("/etc/passwd")):
        (folder / "fot.txt.j2").unlink(missing_ok=True)
        (folder / "fot.txt.j2").symlink_to(target)
        error = _render(case_db, folder, fmt="txt")
        assert error.message.startswith(f"{folder / 'fot.txt.j2'}: a link to a file outside")
        assert str(target.resolve()) in error.message
    listed = cli("template", "list", "--templates", str(folder))
    assert listed.exit_code == 1 and "a link to a file outside" in listed.stderr
    assert "HEMLIGT" not in listed.stdout + listed.stderr
    # The letter template itself a link out of the folder.
    (folder / "fot.txt.j2").unlink()
    (folder / "outreach.txt.j2").rename(tmp_path / "outreach.txt.j2")
    (folder / "outreach.txt.j2").symlink_to(tmp_path / "outreach.txt.j2")
    assert "a link to a file outside" in _render(case_db, folder, fmt="txt").message
    # A link to a file inside the folder is the file.
    (folder / "outreach.txt.j2").unlink()
    (folder / "riktig.txt.j2").write_text("Hej {{ ref }} från mappen\n", encoding="utf-8")
    (folder / "outreach.txt.j2").symlink_to(folder / "riktig.txt.j2")
    made = letters.render_letter(
        case_db,  # type: ignore[arg-type]
        "2026-0001",
        "outreach",
        config=CONFIG,
        as_of=AS_OF,
        fmt="txt",
        user_dir=folder,
    )
    assert "från mappen" in made.content.decode("utf-8")


@pytest.mark.parametrize("kind", ["folder", "pipe", "dangling"])
def test_a_template_name_that_is_no_file_is_refused(
    case_db: object, tmp_path: Path, kind: str
) -> None:
    """Not passed over for the built-in template the user meant to replace."""
    import os

    folder = tmp_path / "mallar"
    folder.mkdir()
    path = folder / "outreach.txt.j2"
    if kind == "folder":
        path.mkdir()
    elif kind == "pipe":
        os.mkfifo(path)
    else:
        path.symlink_to(folder / "saknas.txt.j2")
    error = _render(case_db, folder, fmt="txt")
    assert error.message == f"{path}: not a file; a template must be a text file in the folder"


@pytest.mark.parametrize(
    "expression",
    [
        '{{ "\\x1b]0;x\\x07" }}',
        '{{ "%c"|format(27) }}',
        '{{ "\\u202e" }}',
        '{{ "a\\rb" }}',
        "&#x202E;2102-21-60&#x202C;",
        '{{ "&#27;"|safe }}',
    ],
)
@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_a_control_character_the_template_writes_is_refused(
    case_db: object, tmp_path: Path, expression: str, fmt: str
) -> None:
    folder = tmp_path / "mallar"
    folder.mkdir()
    (folder / f"outreach.{fmt}.j2").write_text(
        "Hej {{ ref }}\nrad två\n" + expression + "\n", encoding="utf-8"
    )
    before = case_db.execute("SELECT count(*) FROM letters").fetchone()  # type: ignore[attr-defined]
    error = _render(case_db, folder, fmt=fmt)
    where = folder / f"outreach.{fmt}.j2"
    assert error.message.startswith(f"{where}:3: writes a control character")
    assert not any(c in error.message for c in "\x1b\u202e\r")
    after = case_db.execute("SELECT count(*) FROM letters").fetchone()  # type: ignore[attr-defined]
    assert before == after


@pytest.mark.parametrize("missing", ["../t.sqlite", "saknas.txt.j2", "/etc/passwd"])
def test_a_missing_or_outside_include_names_its_file_and_line(
    case_db: object, tmp_path: Path, missing: str
) -> None:
    folder = tmp_path / "mallar"
    folder.mkdir()
    (folder / "outreach.txt.j2").write_text(
        f"Hej {{{{ ref }}}}\nrad två\n{{% include '{missing}' %}}\n", encoding="utf-8"
    )
    error = _render(case_db, folder, fmt="txt")
    assert error.message == (
        f"{folder / 'outreach.txt.j2'}:3: no template named {missing} (a template can use"
        " those in its own folder and the built-in ones)"
    )


def test_real_letters_fit_well_inside_the_limits(case_db: object) -> None:
    # The longest real letter: a plan agreement (two copies, the whole schedule).
    made = letters.render_letter(
        case_db,  # type: ignore[arg-type]
        "2026-0001",
        "plan_agreement",
        config=CONFIG,
        as_of=AS_OF,
        fmt="html",
    )
    assert len(made.content) * 10 < templating.MAX_LETTER_CHARS
