"""A letter's style sheets in a PDF: parsed once per process, and applied to its inline SVG.

WeasyPrint parses a document's <style> again for every letter, though the letters of a
batch share their template's; ``reuse_style_sheets`` keeps the parsed sheets of a worker.
``prepare_svg`` gives an inline figure the page's plain rules and its alternative text.
"""

from __future__ import annotations

import functools
import re
from types import ModuleType
from typing import Any

# At-rules that make parsing a style sheet do more than parse it: fetch a file through
# the letter's fetcher (@import, @font-face) or register something in the document
# being laid out (@counter-style, @color-profile, @layer).
_EFFECTS = re.compile(r"@(import|font-face|counter-style|color-profile|layer)\b", re.IGNORECASE)
# What WeasyPrint passes when it parses a document's <style> element.
_STYLE_ARGUMENTS = frozenset(
    {
        "string",
        "base_url",
        "url_fetcher",
        "media_type",
        "font_config",
        "counter_style",
        "page_rules",
        "color_profiles",
        "layers",
    }
)
_SHEETS_KEPT = 32


@functools.cache
def reuse_style_sheets(module: ModuleType) -> None:
    """Parse each letter template's style sheet once per process, not once a letter.

    The letters of a batch share their <style> (the template's), and WeasyPrint parses
    it again for each, a tenth of the time of a one-page letter. A parsed sheet is kept
    by its text, base URL and media, and used again as it is: its rules, its selectors
    and its @page rules are read, never changed, while a document is laid out. Sheets
    whose parsing does more than parse (``_EFFECTS``) are parsed each time, as before.
    """
    css_module: Any = getattr(module, "css", None)
    original = getattr(css_module, "CSS", None)
    if original is None or original is not module.CSS:
        return  # another WeasyPrint than the one this was written for: parse as it does
    kept: dict[tuple[str, str | None, str | None, int], Any] = {}

    def style_sheet(*args: Any, **kwargs: Any) -> Any:
        text = kwargs.get("string")
        if args or set(kwargs) != _STYLE_ARGUMENTS or not isinstance(text, str):
            return original(*args, **kwargs)
        if _EFFECTS.search(text):
            return original(*args, **kwargs)
        key = (text, kwargs["base_url"], kwargs["media_type"], id(kwargs["font_config"]))
        sheet = kept.get(key)
        if sheet is None:
            # Its own lists of @page rules and layers, not the first document's.
            sheet = original(**(kwargs | {"page_rules": [], "layers": []}))
            if len(kept) < _SHEETS_KEPT:
                kept[key] = sheet
        return sheet

    css_module.CSS = style_sheet


_SVG = "{http://www.w3.org/2000/svg}"


def prepare_svg(root: Any) -> None:
    """Make inline SVG in a PDF what it is in a browser.

    WeasyPrint takes a figure's alternative text, which a screen reader reads, from the
    SVG's <title>, where a browser reads aria-label; and it styles an inline SVG only
    by style sheets inside it, where a browser applies the page's (a chart's bars,
    filled by class, would print black)."""
    svgs = list(root.iter(f"{_SVG}svg"))
    if not svgs:
        return  # a letter without a figure: nothing to parse
    page_css = "\n".join(
        _plain_rules(element.text or "")
        for element in root.iter("style")
        if element.get("media") != "screen"
    )
    for svg in svgs:
        label = (svg.get("aria-label") or "").strip()
        if label and svg.find(f"{_SVG}title") is None:
            title = svg.makeelement(f"{_SVG}title", {})
            title.text = label
            svg.insert(0, title)
        if page_css.strip():
            style = svg.makeelement(f"{_SVG}style", {})
            style.text = page_css
            svg.insert(0, style)


@functools.lru_cache(maxsize=_SHEETS_KEPT)
def _plain_rules(css: str) -> str:
    # Plain rules only: WeasyPrint's SVG styling cannot follow an @import (the page's own
    # style sheets have loaded it already) and would load an @font-face a second time.
    import tinycss2  # type: ignore[import-untyped]  # WeasyPrint's CSS parser

    return str(
        tinycss2.serialize(
            rule
            for rule in tinycss2.parse_stylesheet(css, skip_comments=True)
            if rule.type == "qualified-rule"
        )
    )
