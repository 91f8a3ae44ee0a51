"""Every template, in HTML and text, against golden files made by scripts/regen_golden.py."""

from __future__ import annotations

import pytest

from bostadcli.letters import KINDS
from golden_letters import CASES, GOLDEN_DIR, TRICKY_NAME, render_all


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_all()


def test_golden_files_match(rendered: dict[str, str]) -> None:
    on_disk = {p.name for p in GOLDEN_DIR.iterdir()}
    assert on_disk == set(rendered), "run: PYTHONPATH=src python scripts/regen_golden.py"
    for name, text in rendered.items():
        expected = (GOLDEN_DIR / name).read_text(encoding="utf-8")
        assert text == expected, f"{name} differs; regenerate with scripts/regen_golden.py"


def test_every_kind_has_a_golden_case() -> None:
    assert {c.kind for c in CASES} == set(KINDS)


def test_html_escapes_the_name(rendered: dict[str, str]) -> None:
    html = rendered["outreach-deadline.html"]
    assert "Åsa &#34;Ösa&#34; &lt;Öberg&gt; &amp; {{ 7*7 }}" in html
    assert TRICKY_NAME not in html
    assert "<Öberg>" not in html
    assert "Bostäder i Ängby &amp; Co &#34;Hem&#34; &lt;AB&gt;" in html
    assert "rum &#34;Ek&#34; &amp; &lt;2&gt;" in rendered["meeting-office.html"]


def test_text_keeps_the_name_as_typed(rendered: dict[str, str]) -> None:
    text = rendered["outreach-deadline.txt"]
    assert f"Till {TRICKY_NAME} och Örjan Öberg" in text
    assert "&lt;" not in text and "&amp;" not in text


def test_a_jinja_expression_in_data_stays_literal(rendered: dict[str, str]) -> None:
    for text in rendered.values():
        assert "49" not in text.replace("2026-0049", "")
    assert "{{ 7*7 }}" in rendered["outreach-deadline.txt"]


def test_the_letters_say_what_matters(rendered: dict[str, str]) -> None:
    text = " ".join(rendered["outreach-deadline.txt"].split())
    assert (
        "Om ni betalar 14 900 kr till hyresvärden senast den 1 december 2026, får ni ändå bo kvar."
        in text
    )
    for needed in (
        "Avbetalningsplan",
        "Ekonomiskt bistånd",
        "Budget- och skuldrådgivning",
        "Samtal",
        "frivillig",
        "Socialjouren på 08-465 004 01",
        "08-465 004 00",
        "16 november 2026",
    ):
        assert needed in text, needed
    eviction = " ".join(rendered["outreach-eviction.txt"].split())
    assert "Kronofogden har berättat" in eviction
    assert "15 december 2026 klockan 09:00" in eviction
    assert "VIKTIGT DATUM" not in eviction
    plain = rendered["outreach-plain.txt"]
    assert "VIKTIGT DATUM" not in plain and "barn" not in plain.split("NI BESTÄMMER")[0]


def test_html_letter_has_print_layout(rendered: dict[str, str]) -> None:
    html = rendered["outreach-deadline.html"]
    assert '<html lang="sv">' in html
    assert "size: A4" in html
    assert "Sida " not in html  # page numbers only on a letter that needs a second page
    assert '<div class="address">' in html


def test_plan_letters_carry_the_schedule(rendered: dict[str, str]) -> None:
    agreement = " ".join(rendered["plan_agreement.txt"].split())
    assert "Skuld: 14 900 kr" in agreement
    assert "1 500 kr i månaden (den sista 1 400 kr), 10 gånger" in agreement
    assert "10 31 augusti 2027 1 400 kr" in agreement
    assert "Hyresgäst: ____" in agreement
    html = rendered["plan_agreement.html"]
    assert html.count('<section class="sheet">') == 2
    assert "<td>december 2026</td>" in html
    reminder = " ".join(rendered["plan_reminder.txt"].split())
    assert "500 kr kvar av 1 500 kr, skulle betalas senast den 30 november 2026" in reminder
    assert "Betala det som är kvar, 2 000 kr" in reminder
    assert "kan hyresvärden säga upp hyresavtalet" in reminder  # two missed: broken


def test_support_ending_says_what_ends_and_what_to_do(rendered: dict[str, str]) -> None:
    guarantee = " ".join(rendered["support_ending-rent_guarantee.txt"].split())
    assert "Kommunens hyresgaranti upphör den 31 januari 2027" in guarantee
    for needed in (
        "hyran betalas direkt till hyresvärden",
        "Hör av er till oss före den 31 januari 2027",
        "frivillig",
        "Socialjouren på 08-465 004 01",
        "barnens behov",
    ):
        assert needed in guarantee, needed
    assert "Boendestödet" not in guarantee  # the soonest ending support only
    two = " ".join(rendered["support_ending-two.txt"].split())
    assert "Två insatser upphör snart" in two
    assert "Boendestödet som ni har fått gäller till och med den 28 februari 2027." in two
    emergency = " ".join(rendered["support_ending-emergency.txt"].split())
    assert "gäller till den 25 januari 2027" in emergency and "ansöka igen" in emergency
    assert "Gläntan&#34; &amp; &lt;Co&gt;" in rendered["support_ending-emergency.html"]
    assert "Bostäder i Ängby &amp; Co" in rendered["support_ending-rent_guarantee.html"]


def test_english_outreach(rendered: dict[str, str]) -> None:
    text = " ".join(rendered["outreach.en-deadline.txt"].split())
    assert "If you pay 14 900 kr to your landlord by 1 December 2026, you can still keep" in text
    assert f"To {TRICKY_NAME} and Örjan Öberg" in text
    assert "16 November 2026 · Our reference" in text
    eviction = " ".join(rendered["outreach.en-eviction.txt"].split())
    assert "The eviction is planned for 15 December 2026 at 09:00." in eviction
    html = rendered["outreach.en-deadline.html"]
    assert '<html lang="en">' in html
    assert "Åsa &#34;Ösa&#34; &lt;Öberg&gt; &amp; {{ 7*7 }}" in html
    for swedish in ("Vårt ärende", "Så når ni oss", "hälsningar", "november"):
        assert swedish not in html, swedish
