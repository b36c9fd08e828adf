"""Untrusted text: plain fields print as typed, Markdown fields lose every way to run code."""

from __future__ import annotations

import markdown
import pytest
from craftbook.text import escape_inline, link_is_safe, render_markdown, safe_url


def site_markdown(source: str) -> str:
    """Render the way MkDocs will render our generated page (raw HTML passes through)."""
    return markdown.markdown(source, extensions=["tables", "attr_list"])


@pytest.mark.parametrize(
    "text",
    [
        "*굵게* _기울임_ `코드`",
        "[클릭](javascript:alert(1))",
        "<script>alert(1)</script>",
        "A | B",
        "1. 목록 # 제목",
        "&amp; \\",
    ],
)
def test_plain_text_renders_exactly_as_typed(text: str) -> None:
    html = site_markdown(f"- {escape_inline(text)}")
    assert "<script" not in html and "<a " not in html and "<em>" not in html and "<code>" not in html
    visible = html.replace("<ul>\n<li>", "").replace("</li>\n</ul>", "")
    assert visible.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


def test_markdown_fields_render_markdown_but_not_html() -> None:
    html = str(render_markdown("**굵게** 그리고 <b onclick='x()'>굵은 태그</b>\n\n<script>alert(1)</script>"))
    assert "<strong>굵게</strong>" in html
    assert "<b" not in html and "<script" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox",
        "data:text/html,<script>alert(1)</script>",
        "javascript&colon;alert(1)",
    ],
)
def test_unsafe_links_are_refused(url: str) -> None:
    assert not link_is_safe(url)
    assert str(safe_url(url)) == "#"
    html = str(render_markdown(f"[눌러 보세요]({url})"))
    assert "href" not in html
    assert "눌러 보세요" in html


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=1", "http://x.y", "mailto:qa@example.org", "../lessons/x/", "#step"]
)
def test_safe_links_are_kept(url: str) -> None:
    assert link_is_safe(url)
    assert 'href="' in str(render_markdown(f"[링크]({url})"))


def test_external_images_never_load() -> None:
    html = str(render_markdown("![차트](https://cdn.example.org/chart.png) ![로컬](../img/a.png)"))
    assert "cdn.example.org" not in html
    assert "차트" in html
    assert '<img alt="로컬" src="../img/a.png"' in html


def test_headings_inside_fields_sit_below_page_sections() -> None:
    assert "<h3>소제목</h3>" in str(render_markdown("# 소제목"))
