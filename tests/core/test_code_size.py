"""No module in src/bostadcli grows past ~600 lines, no function past ~80 (issue 13).

The measure is ``scripts/code_size.py``. A long function is split by meaning (check,
prepare, write, report), not cut at line 80. The exceptions below are few and each says
why; an entry that no longer needs its exception makes the test fail, so the list only
shrinks.
"""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Declarative data: a long body that is one literal or one declaration, read top to bottom.
DATA = {
    # The first schema, one CREATE TABLE after another; migrations are append-only and
    # never edited once released, so it stays as it was written.
    "bostadcli/migrations_0001_0015.py:m0001_foundation",
    # A Typer command's signature is its declaration: 35 options, one line each; the body
    # hands them one to one to NewHousehold and calls add_household.
    "bostadcli/cli/households.py:add",
}

# Being changed on other branches; an entry goes when that is merged and split.
ELSEWHERE_MODULES: set[str] = set()
ELSEWHERE_FUNCTIONS: set[str] = set()


def _code_size():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("code_size", ROOT / "scripts" / "code_size.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_module_over_the_limit() -> None:
    size = _code_size()
    found = {s.name: s.lines for s in size.over(size.module_sizes(), size.MODULE_LIMIT)}
    unexpected = {name: n for name, n in found.items() if name not in ELSEWHERE_MODULES}
    assert unexpected == {}, f"modules over {size.MODULE_LIMIT} lines: {unexpected}"
    assert set(found) >= ELSEWHERE_MODULES, "an exception no longer needed: remove it"


def test_no_function_over_the_limit() -> None:
    size = _code_size()
    found = {s.name: s.lines for s in size.over(size.function_sizes(), size.FUNCTION_LIMIT)}
    allowed = DATA | ELSEWHERE_FUNCTIONS
    unexpected = {name: n for name, n in found.items() if name not in allowed}
    assert unexpected == {}, f"functions over {size.FUNCTION_LIMIT} lines: {unexpected}"
    assert set(found) >= allowed, f"exceptions no longer needed: {allowed - set(found)}"


def test_the_measure_counts_a_def_with_its_body(tmp_path: Path) -> None:
    size = _code_size()
    package = tmp_path / "pkg"
    package.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(81))
    (package / "long.py").write_text(
        "class C:\n    def method(self) -> None:\n        pass\n\n\n"
        f"def outer() -> None:\n{body}\n\n    def inner() -> None:\n        pass\n",
        encoding="utf-8",
    )
    functions = {s.name: s.lines for s in size.function_sizes(package)}
    assert functions == {
        "pkg/long.py:C.method": 2,
        "pkg/long.py:outer": 85,
        "pkg/long.py:outer.inner": 2,
    }
    assert [s.name for s in size.over(size.function_sizes(package), 80)] == ["pkg/long.py:outer"]
    assert size.module_sizes(package)[0].lines == 5 + 1 + 81 + 1 + 2
