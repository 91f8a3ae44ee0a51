"""The Arguments and Options panels of a help screen, drawn to fit the terminal.

Typer draws each panel as one table of up to seven columns (required marker, long
names, short names, secondary long and short names, type, help) and lets rich share
out the width. At 80 columns a long option name (``--confirm-non-working-day``) and a
list of choices leave the help a column too narrow for a 23-character code, and rich
folds it mid-word (``enforcement_applicat`` / ``ion``). Here the panels are drawn
with widths worked out beforehand, in the first of three layouts whose help column
holds the longest word of any help on the screen:

* wide: marker | names | type | help (Typer's own look, at 120 columns and at 80
  where the names and types are short);
* medium: marker | names with their type | help;
* narrow: the names and type on a line, the help indented beneath.

A list of choices too long for the type column is written under the option's help,
broken between choices, never inside one. Every panel of a screen uses the same
layout and columns, so they line up. Rich is imported when help is drawn, not before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bostadcli.cli.screen import Wrapped
from bostadcli.i18n import _

# A list of choices longer than this ("<table|csv|json|jsonl>" is 23) is written under
# the help, not in the type column.
TYPE_COLUMN_MAX = 24
# The help column is never narrower than this: in Typer's own layout (with a column of
# its own for the type), and in the one with the type under the names.
WIDE_HELP_MIN = 40
HELP_COLUMN_MIN = 30
# The panel's border and padding take this much of the terminal's width.
PANEL_FRAME = 4
# Spaces between two columns of a table (padding (0, 1), no padding at the edges).
COLUMN_GAP = 2
# The help under the names in the narrow layout.
NARROW_INDENT = 4
# A code in a list of choices keeps its separator; lines break after it.
CHOICE_SEPARATOR = "\u00a0| "

_LAYOUT_KEY = "bostadcli.help_layout"


@dataclass
class Entry:
    """One argument or option as the panel shows it."""

    required: bool
    names: list[Any]  # rich Text, one line each (primary names, then secondary names)
    type: str
    help: Any  # a rich renderable: Text when it can be
    choices: list[str] = field(default_factory=list)

    def name_width(self) -> int:
        return max((n.cell_len for n in self.names), default=0)

    def has_no_help(self) -> bool:
        return not getattr(self.help, "plain", "x").strip()

    def longest_word(self) -> int:
        plain = getattr(self.help, "plain", "")
        words = [*plain.split(), *self.choices]
        return max((len(w) for w in words), default=0)


@dataclass(frozen=True)
class Layout:
    kind: str  # "wide", "medium" or "narrow"
    marker: int  # width of the required marker (0 or 1)
    names: int
    type: int
    help: int


def choice_codes(param: Any) -> list[str]:
    """The codes an option or argument accepts, as they are typed; none if not a choice."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:
        if not getattr(descriptor, "is_choice", False):
            return []
        choices = list(getattr(descriptor, "choices", None) or ())
    else:
        choices = list(getattr(getattr(param, "type", None), "choices", None) or ())
    return [str(c.value) if isinstance(c, Enum) else str(c) for c in choices]


def _is_list(param: Any) -> bool:
    descriptor = getattr(param, "type_descriptor", None)
    return bool(getattr(descriptor, "is_list", False) or getattr(param, "multiple", False))


def build_entry(param: Any, ctx: Any, markup_mode: Any, rich_utils: Any) -> Entry:
    from rich.text import Text
    from typer.core import TyperArgument

    long_names: list[str] = []
    short_names: list[str] = []
    if isinstance(param, TyperArgument):
        display = param.display_name_raw
        if param.metavar is None and param.nargs != 1:
            display += "..."
        short_names.append(display)
    else:
        for opt in param.opts:
            (long_names if opt.startswith("--") else short_names).append(opt)
    secondary = list(getattr(param, "secondary_opts", []) or [])
    names = [rich_utils.highlighter(Text(", ".join([*long_names, *short_names])))]
    if secondary:
        names.append(rich_utils.negative_highlighter(Text(", ".join(secondary))))

    shown = param.display_type_rich(ctx=ctx) or ""
    if shown and param.metavar is not None:
        # As its author wrote it: the type column is never wrapped, so a metavar needs
        # no spaces to break at ("INITIALS|LOGIN").
        shown = param.metavar
    codes = choice_codes(param) if getattr(param, "show_choices", True) else []
    choices: list[str] = []
    if codes and param.metavar is None:
        suffix = "..." if _is_list(param) else ""
        compact = "<" + "|".join(codes) + ">" + suffix
        if len(compact) <= TYPE_COLUMN_MAX:
            shown = compact
        else:
            # TRANSLATORS: the type of an option whose choices are listed under its help.
            shown = _("<choice>") + suffix
            choices = codes
    range_text = param._get_number_range_help_str()
    if range_text:
        shown += rich_utils.RANGE_STRING.format(range_text)

    pieces = list(
        getattr(
            rich_utils._get_parameter_help(param=param, ctx=ctx, markup_mode=markup_mode),
            "renderables",
            [],
        )
    )
    if all(isinstance(p, Text) for p in pieces):
        help_text: Any = Text(" ").join(pieces)
    else:
        from rich.console import Group

        help_text = Group(*pieces)
    return Entry(
        required=bool(param.required),
        names=names,
        type=shown,
        help=help_text,
        choices=choices,
    )


def _visible_params(ctx: Any) -> list[Any]:
    return [p for p in ctx.command.get_params(ctx) if not getattr(p, "hidden", False)]


def choose_layout(entries: list[Entry], width: int) -> Layout:
    """The first layout, widest first, whose help column holds every word of the help."""
    inner = max(1, width - PANEL_FRAME)
    marker = 1 if any(e.required for e in entries) else 0
    names = max((e.name_width() for e in entries), default=0)
    types = max((len(e.type) for e in entries), default=0)
    longest = max((e.longest_word() for e in entries), default=0)
    need = max(HELP_COLUMN_MIN, longest)
    gaps = COLUMN_GAP if marker else 0
    if types:
        help_width = inner - marker - names - types - gaps - 2 * COLUMN_GAP
        if help_width >= max(WIDE_HELP_MIN, longest):
            return Layout("wide", marker, names, types, help_width)
    both = max(names, types + 2)
    help_width = inner - marker - both - gaps - COLUMN_GAP
    if help_width >= need:
        return Layout("medium", marker, both, 0, help_width)
    return Layout("narrow", marker, 0, 0, max(1, inner - NARROW_INDENT))


def _layout(ctx: Any, width: int, markup_mode: Any, rich_utils: Any) -> Layout:
    """One layout for every panel of the screen, so that their columns line up."""
    # Click shares ctx.meta between a command's context and its parents'.
    key = (id(ctx.command), width)
    cached = ctx.meta.get(_LAYOUT_KEY)
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    entries = [build_entry(p, ctx, markup_mode, rich_utils) for p in _visible_params(ctx)]
    layout = choose_layout(entries, width)
    ctx.meta[_LAYOUT_KEY] = (key, layout)
    return layout


class _Filled(Wrapped):
    """A rich Text filled line by line, broken only at ordinary spaces (see Wrapped)."""

    def __init__(self, text: Any) -> None:
        self.text = text


def _choices_text(codes: list[str], rich_utils: Any) -> Any:
    from rich.text import Text

    # TRANSLATORS: before the codes an option accepts, listed under its help.
    text = Text(_("Choices:") + " ", style=rich_utils.STYLE_OPTION_HELP)
    for index, code in enumerate(codes):
        if index:
            text.append(CHOICE_SEPARATOR, style=rich_utils.STYLE_TYPES_SEPARATOR)
        text.append(code, style=rich_utils.STYLE_TYPES)
    return _Filled(text)


def _help_cell(entry: Entry, rich_utils: Any) -> Any:
    """The help, then the choices; None when there is neither (no blank line)."""
    parts = [] if entry.has_no_help() else [entry.help]
    if entry.choices:
        parts.append(_choices_text(entry.choices, rich_utils))
    if len(parts) < 2:
        return parts[0] if parts else None
    from rich.console import Group

    return Group(*parts)


def _type_text(entry: Entry, rich_utils: Any) -> Any:
    from rich.text import Text

    # Inside a metavar ('YYYY-MM-DD HH:MM') a space is not a place to break the line.
    text = Text(entry.type.replace(" ", "\u00a0"), style=rich_utils.STYLE_TYPES)
    return rich_utils.types_highlighter(text)


def _names_with_type(entry: Entry, width: int, rich_utils: Any) -> Any:
    """The names, and the type after the first name or, when it does not fit, beneath."""
    from rich.text import Text

    lines = [n.copy() for n in entry.names] or [Text("")]
    if entry.type:
        kind = _type_text(entry, rich_utils)
        if lines[0].cell_len + 1 + kind.cell_len <= width:
            lines[0].append(" ")
            lines[0].append_text(kind)
        else:
            lines.append(Text("  ").append_text(kind))
    return Text("\n").join(lines)


def _marker(entry: Entry, rich_utils: Any) -> Any:
    from rich.text import Text

    if not entry.required:
        return Text("")
    return Text(rich_utils.REQUIRED_SHORT_STRING, style=rich_utils.STYLE_REQUIRED_SHORT)


def _table(layout: Layout, entries: list[Entry], rich_utils: Any) -> Any:
    from rich.table import Table

    table = Table(
        show_header=False,
        box=None,
        expand=False,
        padding=(0, 1),
        pad_edge=False,
        show_edge=False,
    )
    if layout.marker:
        table.add_column(width=layout.marker, no_wrap=True)
    table.add_column(width=layout.names, no_wrap=True, overflow="fold")
    if layout.kind == "wide":
        table.add_column(width=layout.type, no_wrap=True, overflow="fold")
    table.add_column(width=layout.help, overflow="fold")
    for entry in entries:
        row: list[Any] = [_marker(entry, rich_utils)] if layout.marker else []
        if layout.kind == "wide":
            row += [_lines(entry.names), _type_text(entry, rich_utils) if entry.type else ""]
        else:
            row.append(_names_with_type(entry, layout.names, rich_utils))
        row.append(_help_cell(entry, rich_utils) or "")
        table.add_row(*row)
    return table


def _lines(lines: list[Any]) -> Any:
    from rich.text import Text

    return Text("\n").join(lines)


def _stacked(layout: Layout, entries: list[Entry], rich_utils: Any) -> Any:
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    parts: list[Any] = []
    for entry in entries:
        head = Text("")
        # Names and type on one line, broken between them (never inside one) if need be.
        for index, name in enumerate(entry.names):
            if index:
                head.append(" / ")
            head.append_text(name.copy())
        if entry.type:
            head.append(" ")
            head.append_text(_type_text(entry, rich_utils))
        if layout.marker:
            # The marker in a column of its own: a second line of names starts under
            # the first, not under the marker.
            from rich.table import Table

            grid = Table.grid()
            grid.add_column(width=2, no_wrap=True)
            grid.add_column()
            grid.add_row(_marker(entry, rich_utils), _Filled(head))
            parts.append(grid)
        else:
            parts.append(_Filled(head))
        help_cell = _help_cell(entry, rich_utils)
        if help_cell is not None:
            parts.append(Padding(help_cell, (0, 0, 0, NARROW_INDENT)))
    return Group(*parts)


def print_options_panel(
    *,
    name: str,
    params: list[Any],
    ctx: Any,
    markup_mode: Any,
    console: Any,
    rich_utils: Any,
) -> None:
    """Draw one panel (Typer's ``_print_options_panel``, with the same arguments)."""
    if not params:
        return
    from rich.panel import Panel

    layout = _layout(ctx, console.width, markup_mode, rich_utils)
    entries = [build_entry(p, ctx, markup_mode, rich_utils) for p in params]
    body = _stacked(layout, entries, rich_utils) if layout.kind == "narrow" else None
    if body is None:
        body = _table(layout, entries, rich_utils)
    console.print(
        Panel(
            body,
            border_style=rich_utils.STYLE_OPTIONS_PANEL_BORDER,
            title=name,
            title_align=rich_utils.ALIGN_OPTIONS_PANEL,
        )
    )


# --- plain help (no rich: TYPER_USE_RICH=0, and the generated command reference) -------


def plain_wrapper_without_hyphen_breaks(original: Any) -> Any:
    """Click's TextWrapper, told not to break a line after a hyphen.

    Python's textwrap breaks ``--copy-received`` after ``--copy-`` and
    ``three-week`` after ``three-``; an option name or a code must stay whole.
    """

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["break_on_hyphens"] = False
        original(self, *args, **kwargs)

    return __init__


def plain_write_dl(original: Any) -> Any:
    """Click's definition list, with a term too long for the line (an option and its list
    of choices) broken between choices, not written past the edge."""

    def write_dl(
        self: Any, rows: Any, col_max: int = 30, col_spacing: int = 2, **kwargs: Any
    ) -> Any:
        rows = list(rows)
        room = max(self.width - self.current_indent, 10)
        if all(len(first) <= room for first, _second in rows):
            return original(self, rows, col_max, col_spacing, **kwargs)
        first_col = min(max(len(f) for f, _s in rows), col_max) + col_spacing
        text_width = max(self.width - first_col - 2, 10)
        from typer._click.formatting import wrap_text

        indent = " " * self.current_indent
        for first, second in rows:
            lines = wrap_text(second, text_width, preserve_paragraphs=True).splitlines()
            if len(first) <= first_col - col_spacing:
                pad = " " * (first_col - len(first)) if lines else ""
                self.write(f"{indent}{first}{pad}{lines[0] if lines else ''}\n")
                lines = lines[1:]
            else:
                for line in _fill_term(first, room):
                    self.write(f"{indent}{line}\n")
            for line in lines:
                self.write(f"{indent}{' ' * first_col}{line}\n")
        return None

    return write_dl


def _fill_term(term: str, width: int) -> list[str]:
    """A term in lines of ``width``, broken only at spaces after a choice's ``|``."""
    if len(term) <= width:
        return [term]
    import textwrap

    kept = term.replace(" | ", "\u00a0|\u00a0")
    # Break after a separator, never inside a choice: "a | b" -> "a |" / "b".
    kept = kept.replace("\u00a0|\u00a0", "\u00a0| ")
    lines = textwrap.wrap(
        kept,
        width,
        subsequent_indent="    ",
        break_on_hyphens=False,
        break_long_words=False,
    )
    return [line.replace("\u00a0", " ") for line in lines]
