"""The template engine: where templates come from, the sandbox, filters, and its errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bostadcli import templating
from bostadcli.errors import Conflict, NotFound
from bostadcli.money import Money
from bostadcli.pnr import IdentityNumber


def test_packaged_templates_are_found() -> None:
    root = templating.packaged_templates()
    names = {n.name for n in root.iterdir()}
    assert {"base.html.j2", "base.txt.j2", "outreach.html.j2", "meeting.txt.j2"} <= names


def test_filters() -> None:
    env = templating.environment()
    render = lambda src, **ctx: env.from_string(src).render(**ctx)  # noqa: E731
    assert render("{{ m|sek }}", m=Money.kronor(14_900)) == "14\u00a0900\u00a0kr"
    assert render("{{ m|sek }}", m=150_050) == "1\u00a0500,50\u00a0kr"
    assert render("{{ d|datum }}", d=date(2026, 11, 21)) == "21 november 2026"
    assert render("{{ d|datum }}", d="2026-06-05") == "5 juni 2026"
    assert render("{{ p|pnr_masked }}", p=IdentityNumber("198112189876")) == "19811218-****"
    assert render("{{ p|pnr_masked }}", p="19811218-9876") == "19811218-****"


def test_letters_are_in_swedish_whatever_the_interface_language() -> None:
    env = templating.environment()
    assert env.from_string("{{ d|datum }}").render(d=date(2026, 3, 1)) == "1 mars 2026"


def test_html_autoescapes_and_text_does_not(tmp_path: Path) -> None:
    (tmp_path / "x.html.j2").write_text("{{ name }}", encoding="utf-8")
    (tmp_path / "x.txt.j2").write_text("{{ name }}", encoding="utf-8")
    env = templating.environment(tmp_path)
    assert templating.render_template(env, "x.html.j2", {"name": "<b>&"}) == "&lt;b&gt;&amp;"
    assert templating.render_template(env, "x.txt.j2", {"name": "<b>&"}) == "<b>&"


def test_user_templates_come_first(tmp_path: Path) -> None:
    (tmp_path / "outreach.txt.j2").write_text("Eget brev till {{ ref }}\n", encoding="utf-8")
    env = templating.environment(tmp_path)
    assert templating.render_template(env, "outreach.txt.j2", {"ref": "2026-0001"}) == (
        "Eget brev till 2026-0001\n"
    )
    # The base layout still comes from the package.
    assert "Så når {{ t.du }} oss" in env.loader.get_source(env, "base.html.j2")[0]  # type: ignore[union-attr]


def test_missing_variable_names_it_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "x.txt.j2").write_text("Hej\n{{ tenant.name }}\n", encoding="utf-8")
    env = templating.environment(tmp_path)
    with pytest.raises(templating.TemplateProblem) as info:
        templating.render_template(env, "x.txt.j2", {})
    assert "'tenant'" in info.value.message
    assert f"{tmp_path / 'x.txt.j2'}:2" in info.value.message


def test_missing_attribute_is_named(tmp_path: Path) -> None:
    (tmp_path / "x.txt.j2").write_text("{{ params.place }}", encoding="utf-8")
    env = templating.environment(tmp_path)
    with pytest.raises(templating.TemplateProblem) as info:
        templating.render_template(env, "x.txt.j2", {"params": {}})
    assert "'place'" in info.value.message
    assert "x.txt.j2:1" in info.value.message


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "x.html.j2").write_text("<p>\n\n{% if %}\n</p>", encoding="utf-8")
    env = templating.environment(tmp_path)
    with pytest.raises(templating.TemplateProblem) as info:
        templating.load_template(env, "x.html.j2")
    assert f"{tmp_path / 'x.html.j2'}:3: template syntax error" in info.value.message


def test_syntax_error_in_an_extended_template_is_found(tmp_path: Path) -> None:
    (tmp_path / "base.html.j2").write_text("{% block body %}{% endblok %}", encoding="utf-8")
    env = templating.environment(tmp_path)
    with pytest.raises(templating.TemplateProblem) as info:
        templating.load_template(env, "outreach.html.j2")
    assert "base.html.j2:1" in info.value.message


def test_the_sandbox_refuses_python_internals(tmp_path: Path) -> None:
    (tmp_path / "x.txt.j2").write_text(
        "{{ ''.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8"
    )
    env = templating.environment(tmp_path)
    with pytest.raises(templating.TemplateProblem) as info:
        templating.render_template(env, "x.txt.j2", {})
    assert "x.txt.j2:1" in info.value.message


def test_the_sandbox_refuses_changing_the_context(tmp_path: Path) -> None:
    (tmp_path / "x.txt.j2").write_text("{{ items.append(1) }}", encoding="utf-8")
    env = templating.environment(tmp_path)
    with pytest.raises(templating.TemplateProblem):
        templating.render_template(env, "x.txt.j2", {"items": []})


def test_version_covers_the_base_layout(tmp_path: Path) -> None:
    builtin = templating.environment()
    version = templating.template_version(builtin, ["outreach.html.j2"])
    assert len(version) == templating.VERSION_LENGTH
    assert version == templating.template_version(builtin, ["outreach.html.j2"])
    source = builtin.loader.get_source(builtin, "base.html.j2")[0]  # type: ignore[union-attr]
    (tmp_path / "base.html.j2").write_text(source + "<!-- changed -->", encoding="utf-8")
    assert templating.template_version(templating.environment(tmp_path), ["outreach.html.j2"]) != (
        version
    )
    assert templating.referenced_templates(builtin, "outreach.html.j2") == ["base.html.j2"]


def test_list_show_copy(tmp_path: Path) -> None:
    listed = templating.list_templates()
    kinds = {(t.kind, t.format) for t in listed}
    assert {
        ("outreach", "html"),
        ("outreach", "txt"),
        ("meeting", "html"),
        ("base", "txt"),
    } <= kinds
    assert {t.origin for t in listed} == {"built-in"}

    copied = templating.copy_template("outreach", tmp_path / "mallar")
    assert sorted(p.name for p in copied) == ["outreach.html.j2", "outreach.txt.j2"]
    mine = tmp_path / "mallar"
    (mine / "outreach.txt.j2").write_text("Mitt brev\n", encoding="utf-8")
    relisted = {
        (t.kind, t.format): t for t in templating.list_templates(mine) if t.language == "sv"
    }
    assert relisted[("outreach", "txt")].origin == "user"
    assert relisted[("outreach", "html")].origin == "user"
    assert relisted[("meeting", "html")].origin == "built-in"
    source, filename = templating.template_source("outreach", "txt", mine)
    assert source == "Mitt brev\n" and filename.endswith("mallar/outreach.txt.j2")


def test_copy_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "outreach.txt.j2").write_text("edited", encoding="utf-8")
    with pytest.raises(Conflict):
        templating.copy_template("outreach", tmp_path)
    assert (tmp_path / "outreach.txt.j2").read_text(encoding="utf-8") == "edited"
    assert not (tmp_path / "outreach.html.j2").exists()  # nothing copied, not half


def test_unknown_template_and_folder(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="outreach"):
        templating.copy_template("nosuch", tmp_path)
    with pytest.raises(NotFound):
        templating.template_source("nosuch", "html")
    with pytest.raises(NotFound):
        templating.user_templates_dir(tmp_path / "missing", None)
    assert templating.user_templates_dir(None, tmp_path) == tmp_path
