"""The files in examples/ do what the README says: each is run here as a user would.

The shell scripts run as real processes against a copy of the demo database, with a
``bostad`` on PATH that runs this checkout's code; the rest goes through CliRunner.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import ON_ANY_DAY

if TYPE_CHECKING:
    from typer.testing import Result

    from conftest import Cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SRC = Path(__file__).resolve().parents[2] / "src"
AS_OF = "2026-11-16"  # the demo's day; its letters are for 2026-11
# The demo's plan behind has its next installment (due 30 November) missed: a reminder.
NEXT_MONTH = "2026-12-08"
TIMESTAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (INFO|WARNING|ERROR) ")

needs_flock = pytest.mark.skipif(
    shutil.which("flock") is None, reason="flock(1) is not installed (util-linux)"
)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    result = CliRunner().invoke(app, list(args), env=env, prog_name="bostad")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture(scope="module")
def pristine_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo per module (it makes PDFs); each test works on a copy of it."""
    from bostadcli import i18n

    previous = i18n.current_language()
    i18n.setup("en")
    out = tmp_path_factory.mktemp("demo") / "bostad"
    result = invoke("demo", "--out", str(out), "--as-of", AS_OF)
    i18n.setup(previous)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture
def demo(pristine_demo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "srv" / "bostad"
    shutil.copytree(pristine_demo, copy)
    return copy


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A folder with a ``bostad`` that runs this checkout with this Python, on the
    suite's fixed days (``conftest.ON_ANY_DAY``)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    shim = folder / "bostad"
    shim.write_text(f"#!{sys.executable}\n{ON_ANY_DAY}from bostadcli.cli import run\n\nrun()\n")
    shim.chmod(0o755)
    return folder


def process_env(tmp_path: Path, bin_dir: Path, **extra: str) -> dict[str, str]:
    """A clean environment: no BOSTAD_* from the caller, English messages, a private HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOSTAD_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
        HOME=str(tmp_path / "home"),
        BOSTAD_LANG="en",
    )
    env.update(extra)
    return env


# --- cron ------------------------------------------------------------------------------

CRON_FIELDS = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]  # minute hour dom month dow


def valid_cron_field(field: str, low: int, high: int) -> bool:
    for part in field.split(","):
        m = re.fullmatch(r"(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?", part)
        if not m:
            return False
        if m.group(2) is not None:
            start = int(m.group(2))
            end = int(m.group(3)) if m.group(3) is not None else start
            if not low <= start <= end <= high:
                return False
        if m.group(4) is not None and int(m.group(4)) == 0:
            return False
    return True


def read_crontab(path: Path) -> tuple[dict[str, str], list[tuple[list[str], str]]]:
    env: dict[str, str] = {}
    jobs: list[tuple[list[str], str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assignment = re.fullmatch(r"([A-Z_]+)=(\S*)", line)
        if assignment:
            env[assignment.group(1)] = assignment.group(2)
            continue
        fields = line.split(None, 5)
        assert len(fields) == 6, f"not a crontab line: {line!r}"
        jobs.append((fields[:5], fields[5]))
    return env, jobs


def test_crontab_is_valid() -> None:
    env, jobs = read_crontab(EXAMPLES / "cron" / "crontab")
    assert {"SHELL", "PATH", "MAILTO", "BOSTAD_DB", "BOSTAD_CONFIG"} <= env.keys()
    for fields, command in jobs:
        for value, (low, high) in zip(fields, CRON_FIELDS, strict=True):
            assert valid_cron_field(value, low, high), f"{value!r} in {command!r}"
        # cron turns an unescaped % into a newline: every % must be written \%.
        assert not re.search(r"(?<!\\)%", command), command
    commands = [command for _, command in jobs]
    assert any(c.endswith("BOSTAD_RUN=daily /opt/bostad/bin/bostad-monthly.sh") for c in commands)
    assert any(c.startswith("bostad backup ") for c in commands)
    assert any(c.startswith("bostad plan check ") for c in commands)
    letters = next(f for f, c in jobs if c.endswith("bostad-monthly.sh"))
    assert letters[2] == "*" and letters[4] == "1-5"  # every working day
    weekdays = next(f for f, c in jobs if "plan check" in c)
    assert weekdays[4] == "1-5"


@needs_flock
def test_crontab_jobs_run_and_stay_quiet(demo: Path, bin_dir: Path, tmp_path: Path) -> None:
    """Every job, with the paths moved into tmp_path, exits 0 and prints nothing."""
    cron_env, jobs = read_crontab(EXAMPLES / "cron" / "crontab")
    srv = demo
    for folder in ("brev", "log", "backup", "plan-check"):
        (srv / folder).mkdir()

    def here(text: str) -> str:
        return (
            text.replace(
                "/opt/bostad/bin/bostad-monthly.sh", str(EXAMPLES / "cron/bostad-monthly.sh")
            )
            .replace("/opt/bostad/venv/bin", str(bin_dir))
            .replace("/srv/bostad", str(srv))
        )

    env = process_env(tmp_path, bin_dir)
    env.update({key: here(value) for key, value in cron_env.items() if key != "MAILTO"})
    # The letters job runs as on a fixed day, in HTML (the PDF extra is optional).
    env.update(BOSTAD_AS_OF=NEXT_MONTH, BOSTAD_FORMAT="html")
    for _, command in jobs:
        result = subprocess.run(
            [cron_env["SHELL"], "-c", here(command).replace("\\%", "%")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), command

    assert len(list((srv / "backup").glob("bostad-*.sqlite"))) == 1
    assert "Backup verified" in (srv / "log" / "backup.log").read_text()
    (check,) = (srv / "plan-check").glob("*.json")
    assert isinstance(json.loads(check.read_text()), list)
    # The daily run's own files, named by the day.
    assert (srv / "brev" / "2026-12" / f"manifest-{NEXT_MONTH}.csv").exists()
    log = (srv / "log" / "monthly.log").read_text().splitlines()
    assert log and all(TIMESTAMPED.match(line) for line in log)


class Wrapper:
    """examples/cron/bostad-monthly.sh on a copy of the demo."""

    def __init__(self, demo: Path, bin_dir: Path, tmp_path: Path) -> None:
        self.letters = tmp_path / "brev"
        self.log = tmp_path / "log" / "monthly.log"
        self.env = process_env(
            tmp_path,
            bin_dir,
            BOSTAD_DB=str(demo / "bostad.sqlite"),
            BOSTAD_CONFIG=str(demo / "config.toml"),
            BOSTAD_LETTERS_DIR=str(self.letters),
            BOSTAD_LOG=str(self.log),
            BOSTAD_FORMAT="html",
        )

    def __call__(self, as_of: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(EXAMPLES / "cron" / "bostad-monthly.sh")],
            env=self.env | {"BOSTAD_AS_OF": as_of} | env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def log_lines(self) -> list[str]:
        lines = self.log.read_text(encoding="utf-8").splitlines()
        assert all(TIMESTAMPED.match(line) for line in lines), lines
        return lines


@pytest.fixture
def wrapper(demo: Path, bin_dir: Path, tmp_path: Path) -> Wrapper:
    return Wrapper(demo, bin_dir, tmp_path)


@needs_flock
def test_monthly_wrapper_ok_is_quiet_and_logged(wrapper: Wrapper) -> None:
    run = wrapper(NEXT_MONTH)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
    month = wrapper.letters / "2026-12"
    # The demo's plans behind get December's reminders; outreach went in November.
    assert (month / "2026-0006-plan_reminder.html").exists()
    assert (month / "manifest-2026-12.csv").exists()
    assert stat.S_IMODE(wrapper.log.stat().st_mode) == 0o600
    lines = wrapper.log_lines()
    assert "INFO start: bostad letter monthly --format html" in lines[0]
    assert f"--as-of {NEXT_MONTH}" in lines[0]
    assert "2026-12: 2 new" in lines[1]
    assert "INFO done: exit 0" in lines[-1]

    again = wrapper(NEXT_MONTH)
    assert again.returncode == 0 and again.stderr == ""
    assert "0 new, 0 re-created, 2 already made" in wrapper.log_lines()[-2]


@needs_flock
def test_wrapper_runs_the_daily_letters(wrapper: Wrapper) -> None:
    run = wrapper(NEXT_MONTH, BOSTAD_RUN="daily")
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
    month = wrapper.letters / "2026-12"
    assert (month / "2026-0006-plan_reminder.html").exists()
    assert (month / f"manifest-{NEXT_MONTH}.csv").exists()
    assert not (month / "manifest-2026-12.csv").exists()
    lines = wrapper.log_lines()
    assert "INFO start: bostad letter daily --format html" in lines[0]
    # A second run the same day has nothing new, and writes no file.
    again = wrapper(NEXT_MONTH, BOSTAD_RUN="daily")
    assert again.returncode == 0 and again.stderr == ""
    assert sorted(p.name for p in month.glob("manifest-*")) == [f"manifest-{NEXT_MONTH}.csv"]
    wrong = wrapper(NEXT_MONTH, BOSTAD_RUN="weekly")
    assert wrong.returncode == 2 and "BOSTAD_RUN" in wrong.stderr


@needs_flock
def test_monthly_wrapper_warns_on_exit_3_and_keeps_the_letters(
    wrapper: Wrapper, demo: Path
) -> None:
    added = invoke(
        "household", "add", "Nils Utanadress", "--landlord", "Exempelhem AB",
        "--as-of", NEXT_MONTH,
        env={"BOSTAD_DB": str(demo / "bostad.sqlite"), "BOSTAD_CONFIG": str(demo / "config.toml")},
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    ref = added.stdout.strip()
    run = wrapper(NEXT_MONTH)
    assert run.returncode == 3
    assert run.stdout == ""
    assert "some letters for 2026-12 could not be made (exit 3)" in run.stderr
    assert f"{ref} outreach: address" in run.stderr  # what to fix is in the mail
    assert (wrapper.letters / "2026-12" / "2026-0006-plan_reminder.html").exists()
    lines = wrapper.log_lines()
    assert any(f"INFO   {ref} outreach: address" in line for line in lines)
    assert "WARNING exit 3" in lines[-1]


@needs_flock
def test_monthly_wrapper_reports_an_error(wrapper: Wrapper, tmp_path: Path) -> None:
    run = wrapper(NEXT_MONTH, BOSTAD_DB=str(tmp_path / "missing.sqlite"))
    assert run.returncode == 1
    assert "no letters for 2026-12 were made (exit 1)" in run.stderr
    assert "no database at" in run.stderr
    assert "ERROR exit 1" in wrapper.log_lines()[-1]
    assert not (wrapper.letters / "2026-12").exists()

    bad_day = wrapper("1 December")
    assert bad_day.returncode == 2 and "BOSTAD_AS_OF" in bad_day.stderr


@needs_flock
def test_monthly_wrapper_never_runs_twice_at_once(wrapper: Wrapper) -> None:
    lock = wrapper.log.parent / "monthly.lock"
    lock.parent.mkdir(parents=True)
    with lock.open("a") as held:
        # flock(1) and fcntl.flock take the same kind of lock on the file.
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        run = wrapper(NEXT_MONTH)
    assert run.returncode == 75
    assert "another run is still going" in run.stderr
    lines = wrapper.log_lines()
    assert len(lines) == 1 and "WARNING another run holds" in lines[0]
    assert not wrapper.letters.exists()  # bostad was never started


# --- the landlord's list ---------------------------------------------------------------


def test_landlord_list_is_a_swedish_excel_file() -> None:
    from stdnum.se import personnummer

    data = (EXAMPLES / "landlord-list.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(data.decode("cp1252"), newline=""), delimiter=";"))
    assert len(rows) == 7
    assert "Hyresgäst" in rows[0] and "Månadshyra" in rows[0]
    assert rows[0]["Skuld"] == "17 900,00"
    numbers = [r[c] for r in rows for c in ("Personnummer", "Personnummer 2") if r[c]]
    assert len(numbers) == 8 and all(personnummer.is_valid(n) for n in numbers)


def test_landlord_list_imports(initialised: Cli) -> None:
    path = str(EXAMPLES / "landlord-list.csv")
    args = ["import", "notices", path, "--landlord", "Exempelhem AB", "--create-landlord"]
    before = initialised.dump()
    dry = initialised(*args, "--dry-run", "--as-of", "2026-11-20")
    assert dry.exit_code == 0, dry.stderr
    assert "7 rows; new households: 7 (2026-0001–2026-0007); new notices: 7" in dry.stderr
    assert "ignored columns: Telefon" in dry.stderr
    assert initialised.dump() == before

    real = initialised(*args, "--map", "Telefon=ignore", "--as-of", "2026-11-20")
    assert real.exit_code == 0, real.stderr
    assert "Telefon" not in real.stderr
    assert "1 row reports children without birth dates" in real.stderr

    exported = initialised.ok("export", "households", "--format", "json", "--as-of", "2026-11-20")
    households = {h["tenant"]: h for h in json.loads(exported.stdout)}
    assert len(households) == 7
    sara = households["Sara Lindholm"]
    assert (sara["members"], sara["children"], sara["arrears_ore"]) == (4, 2, 1_790_000)
    # Served 5 November; the list reached social services on the import day, 20 November:
    # the three weeks run from the later day.
    assert sara["next_deadline"] == "2026-12-11"
    assert households["Åsa Öberg"]["children_part_time"] == 1
    assert households["Fatima Rahimi"]["arrears_ore"] == 1_225_050  # öre from "12 250,50"
    assert households["Göran Sjöström"]["next_deadline"] is None  # not yet served
    assert "disturbance" in households["Daniel Håkansson"]["reasons"]

    again = initialised(*args, "--as-of", "2026-11-20")
    assert again.exit_code == 0
    assert "new households: 0; new notices: 0 (0 on households already known); unchanged: 7" in (
        again.stderr
    )


# --- the customised template -----------------------------------------------------------


def demo_env(demo: Path) -> dict[str, str]:
    return {"BOSTAD_DB": str(demo / "bostad.sqlite"), "BOSTAD_CONFIG": str(demo / "config.toml")}


def test_customised_template_renders(demo: Path) -> None:
    templates = str(EXAMPLES / "templates")
    listed = invoke("template", "list", "--templates", templates, "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    origins = {
        (t["kind"], t["format"]): t["origin"]
        for t in json.loads(listed.stdout)
        if t["language"] == "sv"
    }
    assert origins[("outreach", "html")] == "user"
    assert origins[("outreach", "txt")] == "built-in"

    family = invoke(
        "letter", "render", "2026-0001", "outreach", "--templates", templates,
        "--format", "html", "--out", "-", "--as-of", AS_OF, env=demo_env(demo),
    )  # fmt: skip
    assert family.exit_code == 0, family.stderr
    html = family.stdout.replace("\N{NO-BREAK SPACE}", " ")  # as in "14 900 kr"
    assert "TRYGGT BOENDE" in html and "Öppen mottagning varje tisdag" in html
    assert "Sista dag att betala: 23 november 2026" in html
    assert "Om 14 900 kr har kommit in till hyresvärden" in html
    assert "Barnens trygghet går först" in html
    assert "Stora torget 1 klockan 13–15" in html  # the office from the letterhead
    assert "Socialjouren" in html  # the built-in layout still adds the contact lines
    assert "har berättat för oss på socialtjänsten" not in html  # the built-in wording

    evicted = invoke(
        "letter", "render", "2026-0003", "outreach", "--templates", templates,
        "--format", "html", "--out", "-", "--as-of", AS_OF, env=demo_env(demo),
    )  # fmt: skip
    assert evicted.exit_code == 0, evicted.stderr
    assert "Kronofogden har bestämt dag för avhysning" in evicted.stdout


# --- the pipeline ----------------------------------------------------------------------


@pytest.mark.skipif(
    shutil.which("sqlite3") is None,
    reason="the sqlite3 shell is not installed (apt-get install sqlite3)",
)
def test_pipeline_into_sqlite3(demo: Path, bin_dir: Path, tmp_path: Path) -> None:
    env = process_env(tmp_path, bin_dir, **demo_env(demo))
    result = subprocess.run(
        [str(EXAMPLES / "pipeline.sh"), "--as-of", AS_OF],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    got = list(csv.DictReader(io.StringIO(result.stdout)))

    exported = invoke(
        "export", "households", "--format", "json", "--status", "open", "--as-of", AS_OF,
        env=demo_env(demo),
    )  # fmt: skip
    households = json.loads(exported.stdout)
    open_cases = Counter(h["landlord"] or "-" for h in households)
    with_children = Counter(
        h["landlord"] or "-" for h in households if h["children"] + h["children_part_time"]
    )
    assert {r["landlord"]: int(r["open_cases"]) for r in got} == open_cases
    assert {r["landlord"]: int(r["with_children"]) for r in got} == {
        landlord: with_children[landlord] for landlord in open_cases
    }
    assert sum(with_children.values()) >= 2  # the demo has families at two landlords
    assert [int(r["with_children"]) for r in got] == sorted(
        (int(r["with_children"]) for r in got), reverse=True
    )


# --- the municipality's config ---------------------------------------------------------


def test_config_file_loads() -> None:
    from bostadcli.config import load_config

    config = load_config(EXAMPLES / "config.toml")
    assert config.letterhead.organisation == "Exempelby kommun"
    assert config.letterhead.socialjouren_phone == "08-465 004 21"
    assert config.policy.plan_behind_days == 10
    assert config.policy.emergency_housing_max_nights == 5
    assert config.normalbelopp[2026]["single"] == 6380
    assert 2024 in config.normalbelopp  # the built-in year stays
    assert config.priority_quota == {"Exempelhem AB": 40, "Fastighets AB Lärkan": 6}
    assert config.templates_dir == EXAMPLES / "templates"
    assert config.language == "sv"


def test_config_file_drives_the_cli(tmp_path: Path) -> None:
    config = EXAMPLES / "config.toml"
    original = config.read_bytes()
    bostad = ["--config", str(config), "--db", str(tmp_path / "b.sqlite")]

    init = invoke(*bostad, "init")
    assert init.exit_code == 0, init.stderr
    assert "exists already" in init.stderr
    assert config.read_bytes() == original  # init never touches an existing config

    quota = invoke(*bostad, "support", "quota", "--year", "2026", "--format", "json")
    assert [(q["company"], q["quota"]) for q in json.loads(quota.stdout)] == [
        ("Exempelhem AB", 40),
        ("Fastighets AB Lärkan", 6),
    ]

    invoke(*bostad, "landlord", "add", "Exempelhem AB", "--kind", "municipal")
    invoke(
        *bostad, "household", "add", "Anna Andersson", "--landlord", "Exempelhem AB",
        "--rent", "7450", "--arrears", "14900", "--child", "2015-03-02",
        "--street", "Storgatan 1", "--postal-code", "44130", "--city", "Exempelby",
        "--as-of", "2026-03-02",
    )  # fmt: skip
    plan = invoke(
        *bostad, "plan", "create", "2026-0001", "--debt", "14900", "--installment", "1500",
        "--income", "24000", "--dry-run", "--format", "json", "--as-of", "2026-03-02",
    )  # fmt: skip
    assert plan.exit_code == 0, plan.stderr
    affordability = json.loads(plan.stdout)["affordability"]
    # The config's 2026 amounts: one adult and a child of 11.
    assert affordability["norm_year"] == 2026
    assert affordability["norm_ore"] == (6380 + 4775) * 100

    letter = invoke(
        *bostad, "letter", "render", "2026-0001", "outreach", "--format", "html",
        "--out", "-", "--as-of", "2026-03-02",
    )  # fmt: skip
    assert letter.exit_code == 0, letter.stderr
    assert "TRYGGT BOENDE" in letter.stdout  # templates_dir in the config
    assert "08-465 004 21" in letter.stdout  # its Socialjouren


def test_config_file_sets_the_language(bin_dir: Path, tmp_path: Path) -> None:
    env = process_env(tmp_path, bin_dir, LANG="en_US.UTF-8")
    del env["BOSTAD_LANG"]
    result = subprocess.run(
        ["bostad", "--config", str(EXAMPLES / "config.toml"), "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Exempel: bostad" in result.stdout
    assert "Example: bostad" not in result.stdout


# --- shell completion ------------------------------------------------------------------

# Typer asks which shell runs bostad. A shell given one command replaces itself with it
# (exec), which would hide the shell: the second command keeps it there.
SHOW_COMPLETION = "bostad --show-completion; true"


def test_bash_completion(bin_dir: Path, tmp_path: Path) -> None:
    """The script from --show-completion, loaded into bash, completes commands."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    script = """
        eval "$(bostad --show-completion)"
        COMP_WORDS=(bostad hou); COMP_CWORD=1; _bostad_completion bostad
        echo "${COMPREPLY[*]}"
        COMP_WORDS=(bostad letter m); COMP_CWORD=2; _bostad_completion bostad
        echo "${COMPREPLY[*]}"
    """
    shown = subprocess.run(
        ["bash", "-c", SHOW_COMPLETION],
        env=process_env(tmp_path, bin_dir),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert "complete -o default -F _bostad_completion bostad" in shown.stdout
    completed = subprocess.run(
        ["bash", "-c", script],
        env=process_env(tmp_path, bin_dir),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == ["household", "monthly"]


@pytest.mark.parametrize(
    ("shell", "marker"), [("zsh", "#compdef bostad"), ("fish", "complete --command bostad")]
)
def test_other_shells_get_their_own_script(
    shell: str, marker: str, bin_dir: Path, tmp_path: Path
) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    shown = subprocess.run(
        [shell, "-c", SHOW_COMPLETION],
        env=process_env(tmp_path, bin_dir),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert marker in shown.stdout
