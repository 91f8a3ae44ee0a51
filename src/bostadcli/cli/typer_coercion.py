"""Typer's parameter coercion without a pydantic TypeAdapter for the plain cases.

Typer (0.29) turns every parameter's value into its Python type through a pydantic
``TypeAdapter`` that it builds, the first time the parameter is processed, even when
the value is None (an option the user did not give). Building one imports pydantic
and costs a few milliseconds; ``bostad household show`` processes a dozen parameters,
the root's included, which was a third of its start.

There is no supported hook for this in Typer 0.29 (``click_type`` is gone, ``parser``
builds an adapter too), so ``install`` replaces the one method that builds the
coercion, ``_TyperParameter.get_runtime_param``, with one that returns
``QuickRuntimeParam``: None stays None without building anything (as Typer's own
``RuntimeParam.coerce`` does, after building), and a value of a plain kind (text,
a whole number, a path, a choice of an Enum, a ``parser=`` of ours, and lists of
these) is converted as Typer's adapter converts it. Anything else, and every value
that does not convert cleanly, goes to the adapter Typer builds itself, so a bad value
gets Typer's own error, word for word.

``tests/cli/test_typer_coercion.py`` checks every parameter of every command against
Typer's own coercion, and fails loudly when the Typer internals used here change;
``pyproject.toml`` keeps Typer to the versions it was written for. With another
Typer, ``install`` does nothing and Typer coerces as it always did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

_INSTALLED = "_bostad_quick_coercion"
# Whole numbers as pydantic reads them from text, in the form typed without doubt:
# anything else (a sign, spaces, underscores, leading zeros, very long) goes to pydantic.
_WHOLE = re.compile(r"0|-?[1-9][0-9]{0,17}")


class _Unsure(Exception):
    """The quick path does not convert this value: Typer's adapter decides."""


def _coercion_module() -> Any:
    try:
        from typer import _coercion
    except ImportError:
        return None
    return _coercion


def supported() -> bool:
    """True when this Typer has the internals ``install`` relies on."""
    coercion = _coercion_module()
    try:
        from typer import _param_types, _typing, core
    except ImportError:
        return False
    needed = [
        (core, "_TyperParameter"),
        (coercion, "RuntimeParam"),
        (coercion, "build_runtime_param"),
        (coercion, "TypeDescriptor"),
        (_param_types, "coerce_cli_choice"),
        (_param_types, "coerce_cli_path"),
        (_param_types, "routes_to_path"),
        (_typing, "is_literal_type"),
        (_typing, "literal_values"),
    ]
    if not all(hasattr(module, name) for module, name in needed):
        return False
    base = core._TyperParameter
    runtime = coercion.RuntimeParam
    return (
        callable(getattr(base, "get_runtime_param", None))
        and callable(getattr(runtime, "coerce", None))
        and callable(getattr(runtime, "_coerce_value", None))
        and {"annotation", "parameter_info"} <= set(getattr(runtime, "__dataclass_fields__", {}))
    )


def _leaf(annotation: Any, info: Any, value: Any, param: Any, ctx: Any) -> Any:
    """``value`` as Typer's adapter for ``annotation`` returns it, or ``_Unsure``."""
    from typer import _param_types, _typing

    if info.parser is not None:
        return info.parser(value)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        choices: tuple[Any, ...] = tuple(annotation)
    elif _typing.is_literal_type(annotation):
        choices = tuple(_typing.literal_values(annotation))
    else:
        choices = ()
    if choices:
        return _param_types.coerce_cli_choice(
            value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx
        )
    if annotation is str:
        if type(value) is not str:
            raise _Unsure
        value.encode("utf-8")  # pydantic refuses text it cannot store (lone surrogates)
        return value
    if annotation is int:
        if info.clamp:
            raise _Unsure
        if type(value) is int:
            number = value
        elif type(value) is str and _WHOLE.fullmatch(value):
            number = int(value)
        else:
            raise _Unsure
        if (info.min is not None and number < info.min) or (
            info.max is not None and number > info.max
        ):
            raise _Unsure
        return number
    if isinstance(annotation, type) and issubclass(annotation, Path):
        if not _param_types.routes_to_path(annotation, info):
            raise _Unsure
        path_type = info.path_type or annotation
        if isinstance(path_type, type) and issubclass(path_type, Path):
            if type(value) is str and value and "\x00" not in value:
                value.encode("utf-8")
                value = path_type(value)
            elif not isinstance(value, path_type):
                raise _Unsure
        return _param_types.coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)
    raise _Unsure


def quick_value(descriptor: Any, value: Any, param: Any, ctx: Any) -> Any:
    """A value given (not None) as Typer's adapter for ``descriptor`` returns it, or
    ``_Unsure`` when the adapter must decide."""
    if descriptor.file_annotation is not None:
        raise _Unsure
    annotation = descriptor.annotation
    info = descriptor.parameter_info
    if getattr(annotation, "__origin__", None) is list:
        (item_type,) = annotation.__args__
        items = value if isinstance(value, (list, tuple)) else [value]
        return [_leaf(item_type, info, item, param, ctx) for item in items]
    return _leaf(annotation, info, value, param, ctx)


def _runtime_class() -> type:
    coercion = _coercion_module()

    @dataclass(frozen=True)
    class QuickRuntimeParam(coercion.RuntimeParam):  # type: ignore[misc,name-defined]
        """Typer's coercion of one parameter, its adapter built only when needed."""

        descriptor: Any = None
        _built: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

        def typer_runtime_param(self) -> Any:
            """What Typer itself would use (built once, on first need)."""
            if "param" not in self._built:
                self._built["param"] = coercion.build_runtime_param(self.descriptor)
            return self._built["param"]

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return quick_value(self.descriptor, value, param, ctx)
            except Exception:
                # Not a plain case, or a bad value: Typer's own coercion and message.
                pass
            return self.typer_runtime_param()._coerce_value(value, param=param, ctx=ctx)

    return QuickRuntimeParam


_CLASS: dict[str, type] = {}


def quick_runtime_param(descriptor: Any) -> Any:
    """The coercion of a parameter described by ``descriptor`` (a ``TypeDescriptor``)."""
    if "class" not in _CLASS:
        _CLASS["class"] = _runtime_class()
    return _CLASS["class"](
        annotation=descriptor.annotation,
        parameter_info=descriptor.parameter_info,
        descriptor=descriptor,
    )


def install() -> bool:
    """Use ``QuickRuntimeParam`` for every Typer parameter; False when this Typer lacks
    the internals (then Typer coerces as it always did). Safe to call more than once."""
    if not supported():
        return False
    from typer import core

    base: Any = core._TyperParameter
    if getattr(base, _INSTALLED, False):
        return True

    def get_runtime_param(self: Any) -> Any:
        if getattr(self, "_runtime_param", None) is None:
            self._runtime_param = quick_runtime_param(self.type_descriptor)
        return self._runtime_param

    base.get_runtime_param = get_runtime_param
    setattr(base, _INSTALLED, True)
    return True
