"""What a PDF made here says about itself: PDF/A-2b, PDF/UA-1 claimed in its XMP, and
``PdfMeta`` (the kind of document, the unit, the language, its date and the case
reference; never a name, personnummer or address; docs/pdf.md). ``pdf.py`` writes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bostadcli.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, _

# PDF/A-2b: part 2 allows the OpenType fonts and transparency WeasyPrint writes (part 1
# does not), and unlike part 3 no embedded files of other kinds (WeasyPrint drops them);
# level b is the one WeasyPrint meets for any text and font, whereas u and a also need
# every glyph mapped to Unicode and every mark tagged. The tags are asked for
# separately, and PDF/UA-1 is claimed in the XMP beside PDF/A (see docs/pdf.md).
ARCHIVE_VARIANT = "pdf/a-2b"
UA_PART = 1

# The XMP of a PDF/A may use only the schemas PDF/A knows, or those it describes: the
# PDF/UA identification is not one of them (ISO 19005-2, 6.6.2.3).
_UA_XMP = f"""<rdf:Description rdf:about=""
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"><pdfuaid:part>{UA_PART}</pdfuaid:part>
</rdf:Description><rdf:Description rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"><pdfaExtension:schemas><rdf:Bag>
<rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>""".encode()

CREATOR = "bostadcli"


@dataclass(frozen=True)
class PdfMeta:
    """What a PDF says about itself, in its document information and its XMP.

    Only what may be read by anyone who handles the file: never a resident's name,
    personnummer or address (a file name or a search index shows these fields).
    ``titles`` holds the title in each language; the document's language picks one.
    """

    titles: Mapping[str, str]
    author: str
    created: date
    subject: str = ""
    language: str | None = None  # None: the document's own <html lang>

    def title(self, language: str | None) -> str:
        primary = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
        return self.titles.get(primary) or self.titles.get(DEFAULT_LANGUAGE) or ""


def in_language(message: str, language: str) -> str:
    """``message`` (an English source string) in ``language``, whatever the interface
    language: a document is in its reader's language."""
    if language == "en":
        return message
    import gettext

    from bostadcli.i18n import DOMAIN, LOCALE_DIR

    translation = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True
    )
    return translation.gettext(message)


def _in_each_language(message: str, **values: str) -> dict[str, str]:
    return {lang: in_language(message, lang).format(**values) for lang in LANGUAGES}


def _capitalised(text: str) -> str:
    # A kind's label is written to stand inside a sentence ("first letter: …").
    return text[:1].upper() + text[1:]


def _author(organisation: str, unit: str) -> str:
    return ", ".join(part.strip() for part in (organisation, unit) if part.strip())


def letter_meta(context: Mapping[str, Any], kind_label: str) -> PdfMeta:
    """A letter's PdfMeta from its context (``letters.build_context``): its kind's label
    (the English source string of ``LetterKind.label``), the unit, the letter's date
    and the case reference."""
    letterhead = context["letterhead"]
    return PdfMeta(
        titles={lang: _capitalised(in_language(kind_label, lang)) for lang in LANGUAGES},
        author=_author(letterhead["organisation"], letterhead["unit"]),
        created=context["today"],
        subject=context["ref"],
    )


def year_report_meta(*, year: int, organisation: str, unit: str, generated_on: date) -> PdfMeta:
    """The year report's PdfMeta: it is written in Swedish whatever the interface."""
    return PdfMeta(
        titles=_in_each_language(N_("Annual report {year}"), year=str(year)),
        author=_author(organisation, unit),
        created=generated_on,
        language="sv",
    )


def print_title(name: str) -> str:
    """The title of a batch's print file, ``utskrift-NAME.pdf``."""
    return _("Letters to print, {name}").format(name=name)


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}")


def set_metadata(document: Any, meta: PdfMeta | None) -> None:
    """Replace what WeasyPrint read from the HTML's <title> and <meta> (a template may
    put anything there) with ``meta``; without one keep only the title and language."""
    metadata = document.metadata
    language = (meta.language if meta else None) or metadata.lang or ""
    if not _LANGUAGE_TAG.fullmatch(language):
        # <html lang> is the template's to write: only a language tag goes in /Lang.
        language = DEFAULT_LANGUAGE
    metadata.lang = language
    if meta is not None:
        metadata.title = meta.title(language)
        metadata.authors = [meta.author] if meta.author else []
        metadata.description = meta.subject or None
        # A date alone, the letter's: the same letter gives the same bytes.
        metadata.created = metadata.modified = meta.created.isoformat()
    else:
        metadata.authors = []
        metadata.description = metadata.created = metadata.modified = None
    metadata.keywords = []
    metadata.generator = CREATOR
    metadata.custom = {}
    metadata.xmp_metadata = []


def claim_pdf_ua(document: Any, pdf: Any) -> None:
    """Add the PDF/UA identification to the XMP that the PDF/A variant wrote."""
    reference = pdf.catalog.get("Metadata")
    if reference is None:
        return
    # pydyf names an object by its reference, b"12 0 R", and keeps it at that index.
    stream = pdf.objects[int(bytes(reference).split()[0])]
    content = b"\n".join(
        item if isinstance(item, bytes) else str(item).encode() for item in stream.stream
    )
    end = content.rfind(b"</rdf:RDF>")
    if end < 0:
        return
    stream.stream = [content[:end] + _UA_XMP + content[end:]]
