"""List the modules and functions of src/bostadcli that have grown too long.

    python scripts/code_size.py                 modules over 600 lines, functions over 80
    python scripts/code_size.py --module 400 --function 50

A module's size is its number of lines. A function's size runs from its ``def`` line to
the last line of its body (decorators not counted); a nested function is counted on its
own and inside the function around it. ``tests/core/test_code_size.py`` holds the limits and
the short list of declared exceptions.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "bostadcli"
MODULE_LIMIT = 600
FUNCTION_LIMIT = 80


class Size(NamedTuple):
    name: str  # "bostadcli/plans.py" for a module, "bostadcli/plans.py:create_plan.prepare"
    lines: int


def _modules(source: Path) -> list[Path]:
    return sorted(source.rglob("*.py"))


def _relative(path: Path, source: Path) -> str:
    return path.relative_to(source.parent).as_posix()


def module_sizes(source: Path = SOURCE) -> list[Size]:
    """Every module under ``source`` with its number of lines."""
    return [
        Size(_relative(path, source), len(path.read_text(encoding="utf-8").splitlines()))
        for path in _modules(source)
    ]


def _functions(node: ast.AST, prefix: str) -> Iterator[tuple[str, ast.AST]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                yield name, child
            yield from _functions(child, f"{name}.")
        else:
            yield from _functions(child, prefix)


def function_sizes(source: Path = SOURCE) -> list[Size]:
    """Every function and method under ``source`` with its length from ``def`` to its end."""
    sizes = []
    for path in _modules(source):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        module = _relative(path, source)
        for name, node in _functions(tree, ""):
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            end = node.end_lineno if node.end_lineno is not None else node.lineno
            sizes.append(Size(f"{module}:{name}", end - node.lineno + 1))
    return sizes


def over(sizes: list[Size], limit: int) -> list[Size]:
    """The sizes above ``limit``, longest first."""
    return sorted((s for s in sizes if s.lines > limit), key=lambda s: (-s.lines, s.name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", type=int, default=MODULE_LIMIT, help="module limit")
    parser.add_argument("--function", type=int, default=FUNCTION_LIMIT, help="function limit")
    args = parser.parse_args(argv)
    modules = over(module_sizes(), args.module)
    functions = over(function_sizes(), args.function)
    print(f"Modules over {args.module} lines: {len(modules)}")
    for size in modules:
        print(f"  {size.lines:5d}  {size.name}")
    print(f"Functions over {args.function} lines: {len(functions)}")
    for size in functions:
        print(f"  {size.lines:5d}  {size.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
