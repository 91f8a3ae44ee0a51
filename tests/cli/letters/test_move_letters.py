"""A moved case keeps what its letters say: the supports a letter named get new numbers."""

import json
from pathlib import Path

from conftest import Cli

AS_OF = "2026-11-21"


def _letterhead(cli: Cli) -> None:
    text = cli.config_path.read_text(encoding="utf-8")
    text = text.replace('phone = ""', 'phone = "08-465 004 00"', 1)
    text = text.replace('socialjouren_phone = ""', 'socialjouren_phone = "08-465 004 01"')
    cli.config_path.write_text(text, encoding="utf-8")


def _case_with_support(cli: Cli, name: str) -> str:
    ref = cli.ok(
        "household",
        "add",
        name,
        "--street",
        "Storgatan 1",
        "--postal-code",
        "44130",
        "--city",
        "Alingsås",
        "--landlord",
        "Exempelhem AB",
        "--create-landlord",
        "--rent",
        "7450",
        "--letter-language",
        "en",
        "--as-of",
        AS_OF,
    ).stdout.strip()
    cli.ok(
        "support",
        "add",
        ref,
        "--kind",
        "rent_guarantee",
        "--start",
        "2026-01-01",
        "--end",
        "2026-12-10",
        "--cap-months",
        "6",
        "--as-of",
        AS_OF,
    )
    return ref


def test_support_numbers_in_a_moved_letter_follow_the_move(tmp_path: Path) -> None:
    source = Cli(tmp_path / "a.sqlite", tmp_path / "a.toml")
    source.ok("init")
    _letterhead(source)
    ref = _case_with_support(source, "Sofia Nilsson")
    source.ok(
        "letter",
        "render",
        ref,
        "support_ending",
        "--param",
        "support=1",
        "--format",
        "txt",
        "--out",
        str(tmp_path / "letter.txt"),
        "--as-of",
        AS_OF,
    )
    document = source.ok("export", "household", ref, "--format", "json", "--as-of", AS_OF)
    (tmp_path / "case.json").write_text(document.stdout, encoding="utf-8")

    target = Cli(tmp_path / "b.sqlite", tmp_path / "b.toml")
    target.ok("init")
    _case_with_support(target, "Someone Else")  # takes support number 1 here
    target.ok("import", "household", str(tmp_path / "case.json"), "--as-of", AS_OF)

    households = json.loads(
        target.ok("export", "households", "--format", "json", "--as-of", AS_OF).stdout
    )
    moved = next(h for h in households if h["origin_ref"] == ref)
    assert moved["letter_language"] == "en"
    supports = json.loads(
        target.ok("export", "supports", "--format", "json", "--as-of", AS_OF).stdout
    )
    new_id = next(s["id"] for s in supports if s["ref"] == moved["ref"])
    assert new_id != 1
    letters = json.loads(
        target.ok("export", "letters", "--format", "json", "--as-of", AS_OF).stdout
    )
    (letter,) = [x for x in letters if x["ref"] == moved["ref"]]
    params = json.loads(letter["params"]) if isinstance(letter["params"], str) else letter["params"]
    assert params["support"] == str(new_id)
    assert letter["file"] in ("", None)
