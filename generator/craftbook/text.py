"""Untrusted YAML text → text that is safe to put in a Markdown page.

Two paths, both safe by default:
- plain text (titles, summaries, list items) is escaped for Markdown *and* HTML, so
  `*`, `[x](javascript:…)` or `<script>` show as typed;
- Markdown fields are rendered here, by our own Markdown instance with raw HTML
  switched off and links filtered, and handed on as a finished HTML fragment. MkDocs
  passes raw HTML blocks through untouched, so nothing downstream re-interprets them.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from .terms import FieldTermExtension, pattern

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Exactly the characters Python-Markdown (with tables) lets a backslash escape.
_MD_SPECIAL_CHARS = "\\`*_{}[]()#!|+.-"
_MD_SPECIAL = re.compile(f"([{re.escape(_MD_SPECIAL_CHARS)}])")
# Control and invisible characters, dropped from every text: C0 controls but tab, line
# feed and carriage return; DEL; zero-width characters and marks; line and paragraph
# separators; the byte-order mark.
_CONTROL_CHARS = "".join(
    map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x200B, 0x2010), 0x2028, 0x2029, 0xFEFF])
)
_CONTROL = re.compile(f"[{re.escape(_CONTROL_CHARS)}]")


def collapse(text: str) -> str:
    """Plain text is one paragraph: runs of white space become one space."""
    return " ".join(_CONTROL.sub("", text).split())


# escape_inline's whole character work in one C pass: control characters dropped, then
# `&<>` as HTML entities and Markdown's specials backslash-escaped. No replacement holds
# white space or a character that another entry replaces, so collapsing white space
# afterwards gives what collapse → html.escape → escaping _MD_SPECIAL gave (tested).
_INLINE_ESCAPES = str.maketrans(
    {
        **dict.fromkeys(_CONTROL_CHARS),
        **{c: "\\" + c for c in _MD_SPECIAL_CHARS},
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
    }
)


def escape_inline(value: object) -> str:
    """Plain text → Markdown that renders exactly that text (no markup, no HTML)."""
    text = " ".join(str(value).translate(_INLINE_ESCAPES).split())
    # '??? note' opens a pymdownx.details block and no backslash escape exists for '?':
    # a value that starts a line must not start with a literal one.
    return "&#63;" + text[1:] if text.startswith("?") else text


def link_is_safe(url: str) -> bool:
    """http, https, mailto or relative; anything with another scheme is refused."""
    cleaned = _CONTROL.sub("", html.unescape(url)).strip()
    cleaned = re.sub(r"\s", "", cleaned)
    if cleaned.startswith("//"):
        return True
    scheme = urlsplit(cleaned).scheme.lower()
    if not scheme:
        # "javascript&colon;…" or "java\tscript:" variants end up with a colon before any slash.
        head = cleaned.split("/", 1)[0]
        return ":" not in head
    return scheme in SAFE_SCHEMES


def is_external(url: str) -> bool:
    return bool(urlsplit(url.strip()).netloc)


def is_local_path(url: str) -> bool:
    """A path on this site, as a browser would read it: no scheme and no other host.

    Browsers decode entities, drop tabs and newlines, trim control characters and read
    `\\` as `/`, so `&#x2F;&#x2F;host`, `\\\\host` and `/\\host` all reach another host;
    `https:host/x` does too when the page itself is served over http.
    """
    cleaned = _CONTROL.sub("", re.sub(r"[\t\n\r]", "", html.unescape(url))).strip().replace("\\", "/")
    if cleaned.startswith("//"):
        return False
    return not re.match(r"^[^/?#]*:", cleaned)


class _SafeLinks(Treeprocessor):
    """Drop links with unsafe schemes and images that would load from another host."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag == "a":
                    href = child.get("href", "")
                    if not link_is_safe(href):
                        child.tag = "span"
                        child.attrib.clear()
                        child.set("class", "cb-unsafe-link")
                    elif is_external(href):
                        child.set("rel", "noopener noreferrer")
                elif child.tag == "img":
                    src = child.get("src", "")
                    if not is_local_path(src):
                        # A picture from another host is a third-party request; show its text.
                        replacement = etree.Element("span", {"class": "cb-image-text"})
                        replacement.text = child.get("alt") or ""
                        replacement.tail = child.tail
                        parent.remove(child)
                        parent.insert(index, replacement)
                elif child.tag in ("h1", "h2", "h3", "h4"):
                    # Headings inside a field sit below the page's own section headings.
                    child.tag = "h" + str(min(int(child.tag[1]) + 2, 6))


class _NoRawHtml(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "craftbook_safe_links", 0)


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", "nl2br", _NoRawHtml()],
        output_format="html",
    )


_MD = _markdown()
_TERMS = FieldTermExtension()
# The same Markdown plus tooltips for glossary terms (craftbook.terms), for the fields
# that use one; the others keep the fast path below.
_MD_TERMS = markdown.Markdown(
    extensions=["tables", "fenced_code", "sane_lists", "nl2br", _NoRawHtml(), _TERMS],
    output_format="html",
)


# One line of letters, digits, spaces and punctuation that means nothing to Markdown or
# HTML (no < > & * _ ` [ ] # | \\ or tab; no list marker in front), including the
# placeholders and quotes of script lines (○○○, “…”, 「…」).
_PLAIN_SENTENCE = re.compile(r"(?!-|\d+\.)(?:[^\W_]|[ .,?!'\"%()/:;~…·—–○●※→←“”‘’「」『』-])*")


# **strong** or *em* around plain words that neither start nor end with a space.
_EMPHASIS = re.compile(r"\*\*([^\s*](?:[^*]*[^\s*])?)\*\*|\*([^\s*](?:[^*]*[^\s*])?)\*")


def _simple_line(line: str) -> str | None:
    """HTML for one line of plain words with, at most, **strong** and *em* spans between
    them, as Python-Markdown makes it; None for anything else."""
    spans = list(_EMPHASIS.finditer(line))
    if not spans:
        return line if _PLAIN_SENTENCE.fullmatch(line) else None
    if any(a.end() == b.start() for a, b in itertools.pairwise(spans)):
        return None  # spans back to back (`**a***b*`): Python-Markdown's own rules decide
    if not _PLAIN_SENTENCE.fullmatch(_EMPHASIS.sub(lambda m: m[1] or m[2], line)):
        return None
    return _EMPHASIS.sub(lambda m: f"<strong>{m[1]}</strong>" if m[1] else f"<em>{m[2]}</em>", line)


def _simple_paragraphs(source: str) -> str | None:
    """The HTML Python-Markdown makes of paragraphs that are each one such line,
    separated by empty lines; None for anything else, which Python-Markdown renders.

    Such text is most of what trainers write in Markdown fields, and the full pipeline
    costs most of a page's render time. A property test holds this to Python-Markdown.
    """
    lines = source.split("\n")
    if any(a and b for a, b in itertools.pairwise(lines)):
        return None  # two lines in one paragraph (a line break, a setext heading…)
    paragraphs = []
    for line in lines:
        if not line:
            continue
        if line != line.strip():
            return None  # indented (code?) or a hard break: Python-Markdown decides
        html_line = _simple_line(line)
        if html_line is None:
            return None
        paragraphs.append(f"<p>{html_line}</p>")
    return "\n".join(paragraphs)


def render_markdown(text: str, terms: Mapping[str, str] | None = None) -> Markup:
    """Markdown field → sanitised HTML fragment wrapped for a raw HTML block.

    `terms` maps glossary names to their tooltips (craftbook.terms); each use of one in
    the text becomes `<abbr title="…">`.
    """
    source = unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()
    if not source:
        return Markup("")
    if terms:
        regex = pattern(terms)
        if regex is not None and regex.search(source):
            _TERMS.glossary = dict(terms)
            _MD_TERMS.reset()  # the extension's abbreviations become exactly `terms`
            return Markup(f'<div class="cb-md">\n{_MD_TERMS.convert(source)}\n</div>')
    simple = _simple_paragraphs(source)
    if simple is not None:
        return Markup(f'<div class="cb-md">\n{simple}\n</div>')
    _MD.reset()
    body = _MD.convert(source)
    return Markup(f'<div class="cb-md">\n{body}\n</div>')


# Tags that end a block of text: a space between their words; inline tags join words.
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|br|h[1-6]|blockquote|pre|table|tr|td|th|hr)\b[^>]*>")


def plain_text(source: str) -> str:
    """Markdown field → the words a reader sees, as one line of plain text (no markup)."""
    rendered = _BLOCK_TAG.sub(" ", str(render_markdown(source)))
    return collapse(html.unescape(re.sub(r"<[^>]*>", "", rendered)))


def attr(value: object) -> Markup:
    """Text for an HTML attribute value (quotes included in the escaping)."""
    return Markup(html.escape(collapse(str(value)), quote=True))


def html_text(value: object) -> Markup:
    """Plain text inside an HTML element (not Markdown)."""
    return Markup(html.escape(collapse(str(value)), quote=False))


def safe_url(url: object) -> Markup:
    """A URL for a Markdown link target: unsafe schemes become '#', breaking characters encoded."""
    text = str(url).strip()
    if not link_is_safe(text):
        return Markup("#")
    return Markup(quote(text, safe=":/?#[]@!$&'*+,;=%~"))


def sort_key(text: str) -> str:
    """가나다 order: NFC Hangul syllables are in dictionary order by code point."""
    return unicodedata.normalize("NFC", text).casefold()
