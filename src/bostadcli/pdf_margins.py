"""Page numbers without a second layout: whether a letter's numbered text differs from
its plain text only by margin boxes (``margin_boxes_added``), and those boxes taken off
a laid-out document again (``without_margin_boxes``). ``pdf.letter_pdf`` uses both to
lay a letter out once whether or not it fits on a page."""

from __future__ import annotations

import re
from typing import Any

# The boxes in a page's margins (CSS Paged Media 3, 5.3).
_MARGIN_BOXES = frozenset(
    f"{side}-{where}"
    for side, wheres in (
        ("top", ("left-corner", "left", "center", "right", "right-corner")),
        ("bottom", ("left-corner", "left", "center", "right", "right-corner")),
        ("left", ("top", "middle", "bottom")),
        ("right", ("top", "middle", "bottom")),
    )
    for where in wheres
)
_STYLE_OPEN = re.compile(r"<style\b", re.IGNORECASE)
_STYLE_CLOSE = re.compile(r"</style\b", re.IGNORECASE)


def margin_boxes_added(single: str, numbered: str) -> frozenset[str] | None:
    """The margin boxes that ``numbered`` adds to ``single`` when that is all it adds:
    one or more whole margin at-rules (``@top-right { … }``) inserted inside an
    ``@page`` rule of a <style>, boxes that ``single`` names nowhere. None when the two
    differ in any other way (or in a way this cannot be sure of).

    The content of such a document is laid out exactly as that of ``single``: margin
    boxes are made after the pages, in the page margins, and take no room from the
    text. So a letter laid out with page numbers that fits on one page is, without
    those boxes, the letter laid out without them."""
    import tinycss2  # type: ignore[import-untyped]  # WeasyPrint's CSS parser

    added = len(numbered) - len(single)
    if added <= 0:
        return None
    # Where they start to differ, by halving (whole slices compare at C speed).
    start, high = 0, min(len(single), len(numbered))
    while start < high:
        middle = (start + high + 1) // 2
        if single[:middle] == numbered[:middle]:
            start = middle
        else:
            high = middle - 1
    if numbered[start + added :] != single[start:]:
        return None
    # The inserted text may begin a little earlier where it repeats what precedes it
    # ("\n  @top-right" after "\n"): try each such place.
    for at in range(start, max(start - 200, 0) - 1, -1):
        if at < start and numbered[at] != numbered[at + added]:
            break
        names = _margin_rules(numbered[at : at + added], tinycss2)
        if names is not None and _inside_page_rule(numbered[:at]):
            lowered = single.lower()
            if any(f"@{name}" in lowered for name in names):
                return None
            return names
    return None


def _margin_rules(css: str, tinycss2: Any) -> frozenset[str] | None:
    nodes = tinycss2.parse_blocks_contents(css, skip_comments=False, skip_whitespace=False)
    names = set()
    for node in nodes:
        if node.type in ("whitespace", "comment"):
            continue
        if node.type != "at-rule" or node.lower_at_keyword not in _MARGIN_BOXES:
            return None
        names.add(node.lower_at_keyword)
    # Unclosed blocks, strings or comments are closed by serializing: not a whole rule.
    if not names or tinycss2.serialize(nodes) != css:
        return None
    return frozenset(names)


# Elements whose content an HTML parser reads as text (HTML Living Standard 13.1.2):
# "<style>" inside one of them is not a style element.
_TEXT_ELEMENTS = frozenset(
    {"title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"}
)


class _StyleFinder:
    """Whether a document's text ends inside a real <style> element, read as an HTML
    parser reads it: not a "<style" in an attribute, a comment, a script or a title."""

    def __init__(self) -> None:
        from html.parser import HTMLParser

        finder = self

        class _Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: Any) -> None:
                if tag in _TEXT_ELEMENTS:
                    finder.text_depth += 1
                elif tag == "style":
                    finder.in_style = finder.text_depth == 0
                    finder.unsure = finder.unsure or finder.text_depth > 0

            def handle_endtag(self, tag: str) -> None:
                if tag in _TEXT_ELEMENTS:
                    finder.text_depth = max(finder.text_depth - 1, 0)
                elif tag == "style":
                    finder.in_style = False

        self.parser = _Parser(convert_charrefs=False)
        self.text_depth = 0
        self.in_style = False
        self.unsure = False

    def ends_in_style(self, before: str) -> bool:
        self.parser.feed(before)
        return self.in_style and not self.unsure and self.text_depth == 0


def _inside_page_rule(before: str) -> bool:
    """Whether the end of ``before`` is directly inside an @page rule of a <style>."""
    if not _StyleFinder().ends_in_style(before):
        return False
    opened = [m.end() for m in _STYLE_OPEN.finditer(before)]
    if not opened or any(m.start() > opened[-1] for m in _STYLE_CLOSE.finditer(before)):
        return False
    css = before[before.index(">", opened[-1]) + 1 :] if ">" in before[opened[-1] :] else ""
    page = css.lower().rfind("@page")
    if page < 0:
        return False
    rest = css[page:]
    if len(rest) > 20_000 or any(mark in rest for mark in ("/*", "'", '"', "\\")):
        return False
    depth = 0
    for char in rest:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth <= 0:
                return False
    return depth == 1


def without_margin_boxes(document: Any, names: frozenset[str]) -> None:
    """Take the margin boxes ``names`` off the document's pages (their links, anchors
    and bookmarks with them)."""
    from weasyprint.document import Page

    pages = []
    for page in document.pages:
        box = page._page_box
        box.children = [
            child
            for child in box.children
            if str(getattr(child, "at_keyword", "")).removeprefix("@") not in names
        ]
        pages.append(Page(box))
    document.pages[:] = pages
