"""Glossary terms on the pages that use them: a tooltip with the term's definition.

Each use of a glossary term (원콜 처리율) or of one of its abbreviations (FCR) on a
document page is wrapped in `<abbr title="원콜 처리율: 고객의 문의가 …">`, the HTML
element for exactly this, which Material's `content.tooltips` shows on hover and focus.
This is Python-Markdown's `abbr` extension (`*[FCR]: 원콜 처리율` at the end of a page)
with one change for Korean: `abbr` wants a word boundary after the word, and Korean
writes particles onto words (FCR을, 원콜 처리율이), so a term here may be followed by
anything but a Latin letter or digit (FCR but not FCRS; 이관 and 이관을 alike).

Two Markdown passes render a page and both mark terms: our own (`craftbook.text`, the
Markdown fields of the YAML) and MkDocs' (the page around them), which the plugin gives
this extension. The page says which terms it uses in its definitions at the end, so no
page carries the whole glossary. Material shows a title as HTML (its tooltip's
innerHTML), so a title holds no character HTML reads as markup (`tooltip`), and the
Markdown serializer escapes it for the attribute: no HTML from YAML reaches the page, not
even inside a tooltip.
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from markdown import Markdown
from markdown.extensions.abbr import AbbrExtension, AbbrTreeprocessor
from markdown.util import AtomicString

TOOLTIP_LIMIT = 140  # characters of a definition in a tooltip; the 용어집 page has the rest
# Abbreviations get tooltips besides the term itself: FCR, AHT, QA, CSAT. Spoken
# variants (매니저 for 관리자) are for search; on every page they would be noise.
_ABBREVIATION = re.compile(r"(?=.*[A-Z])[A-Z0-9&/.+-]{2,}")
# Elements whose text is not prose: a tooltip in a heading or in code is noise.
_SKIP = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "abbr", "script", "style"})
_TAG = re.compile(r"<[^>]*>")
_SENTENCE = re.compile(r".+?[.!?。](?=\s|$)")


def pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for the names, longest first, each starting a word (not inside 무이관)
    and, when it ends in a Latin letter or digit, not running on into another (FCRS)."""
    return _compiled(tuple(sorted(set(names), key=lambda n: (-len(n), n))))


@functools.lru_cache(maxsize=512)  # a page's fields share one set of names
def _compiled(names: tuple[str, ...]) -> re.Pattern[str] | None:
    alternatives = []
    for name in names:
        tail = "(?![A-Za-z0-9])" if name[-1:].isascii() and name[-1:].isalnum() else ""
        alternatives.append(re.escape(name) + tail)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")") if alternatives else None


# Material's `content.tooltips` puts an abbreviation's title into the page as HTML (its
# tooltip's innerHTML), and Python-Markdown writes `&lt;` in an attribute as it is (an
# entity), so no escaping survives both: a title holds no character HTML reads as markup.
_MARKUP_FREE = str.maketrans({"<": "＜", ">": "＞", "&": "＆"})


def tooltip(term: str, definition_html: str) -> str:
    """`term: first sentence of the definition` as text, at most TOOLTIP_LIMIT characters,
    with `< > &` as their full-width forms (see _MARKUP_FREE)."""
    text = " ".join(html.unescape(_TAG.sub(" ", definition_html)).split())
    first = _SENTENCE.match(text)
    sentence = first.group() if first else text
    if len(sentence) > TOOLTIP_LIMIT:
        sentence = sentence[: TOOLTIP_LIMIT - 1].rstrip() + "…"
    return f"{term}: {sentence}".translate(_MARKUP_FREE)


@dataclass(frozen=True)
class Terms:
    """Every name that gets a tooltip, with its title, for one site."""

    titles: Mapping[str, str]
    regex: re.Pattern[str] | None

    @classmethod
    def of(cls, entries: Iterable[tuple[str, list[str], str]]) -> Terms:
        """From (term, synonyms, definition as HTML) triples: the term and its abbreviations."""
        titles: dict[str, str] = {}
        for term, synonyms, definition in entries:
            title = tooltip(term, definition)
            for name in [term, *(s for s in synonyms if _ABBREVIATION.fullmatch(s))]:
                titles.setdefault(name, title)
        return cls(titles, pattern(titles))

    def used_in(self, texts: Iterable[str]) -> dict[str, str]:
        """The names the texts use, with their titles, in the order first met."""
        found: dict[str, str] = {}
        if self.regex is None:
            return found
        for text in texts:
            for match in self.regex.finditer(text):
                found.setdefault(match.group(), self.titles[match.group()])
        return found


def strings(value: Any) -> Iterator[str]:
    """Every string inside a model dump (dicts, lists), keys of mappings aside."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


class TermTreeprocessor(AbbrTreeprocessor):
    """`abbr`'s tree processor with Korean word ends, leaving headings and code alone."""

    def run(self, root: etree.Element) -> etree.Element | None:
        if not self.abbrs:
            return None
        self.RE = pattern(self.abbrs)
        self.iter_element(root)
        return None

    def iter_element(self, el: etree.Element, parent: etree.Element | None = None) -> None:
        if el.tag not in _SKIP:
            for child in reversed(el):
                self.iter_element(child, el)
            if el.text and not isinstance(el.text, AtomicString):
                el.text = self._wrap(el.text, lambda node: el.insert(0, node))
        if parent is not None and el.tail and not isinstance(el.tail, AtomicString):
            index = list(parent).index(el) + 1
            el.tail = self._wrap(el.tail, lambda node: parent.insert(index, node))

    def _wrap(self, text: str, insert: Any) -> str:
        assert self.RE is not None
        for match in reversed(list(self.RE.finditer(text))):
            insert(self.create_element(self.abbrs[match.group()], match.group(), text[match.end() :]))
            text = text[: match.start()]
        return text


class TermExtension(AbbrExtension):
    """Python-Markdown's `abbr` with Korean word ends: `*[FCR]: …` definitions as usual.

    Registered under `abbr`'s own names, so with both loaded this one decides.
    """

    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        md.treeprocessors.register(TermTreeprocessor(md, self.abbrs), "abbr", 7)


class FieldTermExtension(TermExtension):
    """The tree processor alone, for Markdown fields of the YAML (craftbook.text): there
    the tooltips are the glossary's, and a `*[FCR]: …` line an author writes is text,
    never a definition (its title would reach the page as HTML)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.abbrs.update(self.glossary)
        md.treeprocessors.register(TermTreeprocessor(md, self.abbrs), "abbr", 7)


def makeExtension(**kwargs: Any) -> TermExtension:  # Python-Markdown loads an extension by this name
    return TermExtension(**kwargs)


def definitions(used: Mapping[str, str]) -> str:
    """Abbreviation definitions for the end of a Markdown page (names hold no [ ] \\)."""
    return "".join(f"*[{name}]: {' '.join(title.split())}\n" for name, title in used.items())
