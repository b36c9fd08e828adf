"""Feeds for subscribers: Atom `feed.xml`, JSON Feed 1.1 `feed.json`, one Atom feed per
role (`roles/<role>/feed.xml`) and per tag (`tags/<slug>/feed.xml`).

People follow the hub from an RSS reader, so the feeds must be valid, carry absolute
links and be byte-for-byte reproducible: every date comes from the documents
(`reviewed`, `published`, an edition's `date`), never from the clock. The library handed
in is the one this build publishes, so drafts and members-only documents are already
gone and cannot leak into a feed. XML is built with ElementTree, never by pasting
strings, so a `<` or `&` in a title stays text.

A person who clicks a feed link sees a page, not raw XML: each Atom feed names the
site's `assets/feed.xsl` (a Korean page: what a feed is, the address to copy into a
reader, the entries) and, for browsers that no longer run XSLT, `assets/feed.css`.
Both are relative to the feed, so they load under any sub-path, from the same site.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urljoin

from markupsafe import Markup

from . import labels, urls
from .changes import edition_changes
from .library import Library
from .models import DocumentBase, Edition
from .render import RenderOptions, SiteIndex, recency
from .text import collapse, render_markdown

# `craftbook serve` and `mkdocs serve` listen here; a fresh clone with no `site_url`
# still builds, and its feeds work against the local preview.
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
FEED_TITLE = "Craftbook"
FEED_SUBTITLE = "컨택센터 잡크래프팅 플레이북의 새 호와 새로 추가·검토된 문서"
MAX_ITEMS = 50
CHANGES_HEADING = "지난 호 이후 추가·검토된 문서"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

log = logging.getLogger("mkdocs.plugins.craftbook")  # under "mkdocs": --strict counts it


def site_base(site_url: str) -> str:
    """`site_url` as an absolute base ending in '/', or the local preview address."""
    base = (site_url or "").strip()
    if not base:
        return DEFAULT_SITE_URL
    return base if base.endswith("/") else base + "/"


def page_url(base: str, doc: DocumentBase) -> str:
    return base + urls.doc_url(doc.kind, doc.id)


def rfc3339(day: dt.date) -> str:
    # Midnight UTC keeps the calendar day for readers in Korea (09:00 KST).
    return f"{day.isoformat()}T00:00:00Z"


_LINK_ATTR = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


def absolute_links(fragment: str, page: str) -> Markup:
    """Resolve the relative links of a sanitised HTML fragment against the page it came from.

    A feed reader or a mail client shows the fragment far from the site, where a
    relative link would point nowhere.
    """

    def resolve(match: re.Match[str]) -> str:
        target = urljoin(page, html.unescape(match.group(2)))
        return match.group(1) + html.escape(target, quote=True) + match.group(3)

    return Markup(_LINK_ATTR.sub(resolve, str(fragment)))


@dataclass(frozen=True)
class Item:
    """One feed entry: an edition or a document, with the day it last changed."""

    doc: DocumentBase
    url: str
    updated: dt.date
    published: dt.date | None
    content_html: Markup | None = None
    content_text: str | None = None


def edition_content(edition: Edition, library: Library, base: str) -> tuple[Markup, str]:
    """An edition readable inside the reader: intro, then each pick (picks left out of
    this build are skipped, exactly as on the edition page)."""
    url = page_url(base, edition)
    parts: list[Markup] = []
    text: list[str] = [collapse(edition.summary)]
    if edition.intro:
        parts.append(absolute_links(render_markdown(edition.intro), url))
    picks: list[Markup] = []
    for pick in edition.picks:
        target = library.get(pick.ref)
        if target is None:
            continue
        note = Markup(" — {}").format(collapse(pick.note)) if pick.note else Markup("")
        picks.append(
            Markup('<li><a href="{}">{}</a> · {}{}<br>{}</li>').format(
                page_url(base, target),
                collapse(target.title),
                labels.KIND_LABEL[target.kind],
                note,
                collapse(target.summary),
            )
        )
        text.append(f"- {collapse(target.title)} ({labels.KIND_LABEL[target.kind]}): {page_url(base, target)}")
    if picks:
        parts.append(Markup("<ol>\n{}\n</ol>").format(Markup("\n").join(picks)))
    changes = edition_changes(edition, (e.doc for e in library))
    if changes:
        parts.append(Markup("<h3>{}</h3>").format(CHANGES_HEADING))
        parts.append(
            Markup("<ul>\n{}\n</ul>").format(
                Markup("\n").join(
                    Markup('<li><a href="{}">{}</a> · {} · {} {}</li>').format(
                        page_url(base, c.doc),
                        collapse(c.doc.title),
                        labels.KIND_LABEL[c.doc.kind],
                        c.label,
                        c.day.isoformat(),
                    )
                    for c in changes
                )
            )
        )
        text.append(CHANGES_HEADING)
        text += [f"- {collapse(c.doc.title)} ({c.label} {c.day.isoformat()}): {page_url(base, c.doc)}" for c in changes]
    return Markup("\n").join(parts), "\n".join(text)


def feed_items(library: Library, base: str) -> list[Item]:
    """Newest first, every one: editions and documents that carry a date. A feed takes
    the first MAX_ITEMS of these, or of those for its role.

    A document without `reviewed`/`published`/`date` has no day on which it was new, so
    it cannot be announced; retired documents are not news either.
    """
    items: list[Item] = []
    for entry in library:
        doc = entry.doc
        if doc.status == "retired":
            continue
        updated = recency(doc)
        if updated == dt.date.min:
            continue
        content_html, content_text = None, None
        published = None
        if isinstance(doc, Edition):
            published = doc.date
            content_html, content_text = edition_content(doc, library, base)
        items.append(Item(doc, page_url(base, doc), updated, published, content_html, content_text))
    items.sort(key=lambda i: (i.updated, i.doc.kind == "edition", i.doc.id), reverse=True)
    return items


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def stylesheet_instructions(feed_path: str) -> bytes:
    """The `<?xml-stylesheet?>` lines of the feed at `feed_path` (relative to the site
    root): XSLT first, which browsers that have it apply; CSS for those that do not."""
    lines = [
        ET.ProcessingInstruction("xml-stylesheet", f'type="{kind}" href="{urls.from_file(sheet, feed_path)}"')
        for kind, sheet in (("text/xsl", urls.FEED_XSL), ("text/css", urls.FEED_CSS))
    ]
    return b"".join(ET.tostring(line, encoding="utf-8") + b"\n" for line in lines)


def atom_feed(
    items: list[Item],
    *,
    title: str,
    feed_url: str,
    home_url: str,
    updated: dt.date,
    base: str,
    path: str,
    subtitle: str = FEED_SUBTITLE,
    author: str = FEED_TITLE,
    entries: dict[str, bytes] | None = None,
) -> bytes:
    """One Atom feed; `path` is where it is written (relative to the site root).

    `entries` keeps each item's serialised `<entry>` by its URL, for the other feeds of
    the same build: the role and tag feeds repeat the site feed's items, and serialising
    them once instead of in every feed took a third of the feeds' time at 1,000 documents.
    """
    # The namespace goes on as a plain attribute: ElementTree's default_namespace option
    # refuses the unqualified attributes (rel, href) that Atom uses.
    root = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: "ko"})
    _sub(root, "id", feed_url)
    _sub(root, "title", title, type="text")
    _sub(root, "subtitle", subtitle, type="text")
    _sub(root, "link", rel="self", type="application/atom+xml", href=feed_url)
    _sub(root, "link", rel="alternate", type="text/html", href=home_url)
    # IANA's `help`: the page that explains subscribing; the feed's stylesheet links it.
    _sub(root, "link", rel="help", type="text/html", href=base + urls.url(urls.SUBSCRIBE))
    _sub(root, "updated", rfc3339(updated))
    by = _sub(root, "author")
    _sub(by, "name", author)
    _sub(by, "uri", base)
    _sub(root, "generator", "Craftbook")
    ET.indent(root)
    head, _, _ = ET.tostring(root, encoding="utf-8", xml_declaration=True).rpartition(b"\n</feed>")
    cache = {} if entries is None else entries
    body = b"".join(b"\n  " + _entry_xml(item, base, cache) for item in items)
    declaration, _, feed = (head + body + b"\n</feed>").partition(b"\n")
    return declaration + b"\n" + stylesheet_instructions(path) + feed + b"\n"


# The entries of the last build, for the next one in the same process (`craftbook
# serve`): a document that did not change is the same frozen object there, so its entry
# is reused when the item is the same (URL, dates, content) and its document identical.
_LAST_ENTRIES: dict[str, tuple[Item, bytes]] = {}


def _entry_xml(item: Item, base: str, cache: dict[str, bytes]) -> bytes:
    """One item's `<entry>`, indented as ElementTree indents it at the feed's first level."""
    if (known := cache.get(item.url)) is not None:
        return known
    last = _LAST_ENTRIES.get(item.url)
    if last is not None and last[0].doc is item.doc and last[0] == item:
        cache[item.url] = last[1]
        return last[1]
    holder = ET.Element("feed")
    doc = item.doc
    entry = _sub(holder, "entry")
    _sub(entry, "id", item.url)
    _sub(entry, "title", collapse(doc.title), type="text")
    _sub(entry, "link", rel="alternate", type="text/html", href=item.url)
    if item.published:
        _sub(entry, "published", rfc3339(item.published))
    _sub(entry, "updated", rfc3339(item.updated))
    if doc.owner:
        _sub(_sub(entry, "author"), "name", collapse(doc.owner))
    _sub(entry, "category", term=doc.kind, label=labels.KIND_LABEL[doc.kind])
    for role in doc.all_roles:
        _sub(entry, "category", term=role, label=labels.ROLE_LABEL[role], scheme=f"{base}roles/")
    _sub(entry, "summary", collapse(doc.summary), type="text")
    if item.content_html:
        _sub(entry, "content", str(item.content_html), type="html")
    ET.indent(holder)
    entry.tail = None
    cache[item.url] = serialised = ET.tostring(entry, encoding="utf-8", xml_declaration=False)
    _LAST_ENTRIES[item.url] = (item, serialised)
    return serialised


def json_feed(items: list[Item], *, title: str, feed_url: str, home_url: str, author: str = FEED_TITLE) -> bytes:
    feed: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": home_url,
        "feed_url": feed_url,
        "description": FEED_SUBTITLE,
        "language": "ko",
        "authors": [{"name": author, "url": home_url}],
        "items": [],
    }
    entries: list[dict[str, object]] = []
    for item in items:
        doc = item.doc
        entry: dict[str, object] = {
            "id": item.url,
            "url": item.url,
            "title": collapse(doc.title),
            "summary": collapse(doc.summary),
            "content_text": item.content_text or collapse(doc.summary),
        }
        if item.content_html:
            entry["content_html"] = str(item.content_html)
        entry["date_published"] = rfc3339(item.published or item.updated)
        entry["date_modified"] = rfc3339(item.updated)
        if doc.owner:
            entry["authors"] = [{"name": collapse(doc.owner)}]
        entry["tags"] = [
            labels.KIND_LABEL[doc.kind],
            *(labels.ROLE_LABEL[r] for r in doc.all_roles),
            *(collapse(t) for t in doc.tags),
        ]
        entries.append(entry)
    feed["items"] = entries
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def feed_files(library: Library, options: RenderOptions) -> dict[str, bytes]:
    """Every feed of this build, as {path relative to the site root: bytes}."""
    if not (options.site_url or "").strip():
        log.warning(
            "site_url is empty in mkdocs.yml; feeds and e-mail digests link to %s. "
            "Set site_url to the address the site is published at.",
            DEFAULT_SITE_URL,
        )
    base = site_base(options.site_url)
    name = collapse(options.site_name) or FEED_TITLE  # the organisation's site, not the tool
    every = feed_items(library, base)  # once: the role feeds are slices of the same order
    entries: dict[str, bytes] = {}  # each item's <entry>, serialised once for every feed
    items = every[:MAX_ITEMS]
    # An empty feed still needs <updated>: the build date (SOURCE_DATE_EPOCH when set).
    updated = max((i.updated for i in items), default=options.today)
    files = {
        urls.SITE_FEED: atom_feed(
            items,
            title=name,
            author=name,
            feed_url=base + urls.SITE_FEED,
            home_url=base,
            updated=updated,
            base=base,
            path=urls.SITE_FEED,
            entries=entries,
        ),
        urls.JSON_FEED: json_feed(items, title=name, author=name, feed_url=base + urls.JSON_FEED, home_url=base),
    }

    # Each role's and each tag's items in the site feed's order, sorted out in one pass:
    # filtering the whole list once per tag grew with the square of the library.
    by_role: dict[str, list[Item]] = {}
    by_tag: dict[str, list[Item]] = {}
    for item in every:
        for role in dict.fromkeys(item.doc.all_roles):
            by_role.setdefault(role, []).append(item)
        for tag in dict.fromkeys(item.doc.tags):
            by_tag.setdefault(tag, []).append(item)

    def slice_feed(path: str, home: str, label: str, subtitle: str, chosen: list[Item]) -> bytes:
        """A feed of `chosen`, items in the site feed's order (a role's, a tag's)."""
        chosen = chosen[:MAX_ITEMS]
        return atom_feed(
            chosen,
            title=f"{name} — {label}",
            author=name,
            subtitle=subtitle,
            feed_url=base + path,
            home_url=base + urls.url(home),
            updated=max((i.updated for i in chosen), default=updated),
            base=base,
            path=path,
            entries=entries,
        )

    for role in labels.ROLE_TRACK_ORDER:
        files[urls.role_feed(role)] = slice_feed(
            urls.role_feed(role),
            urls.track_source(role),
            labels.ROLE_LABEL[role],
            f"{labels.ROLE_LABEL[role]}에게 맞는 새 호와 새로 추가·검토된 문서",
            by_role.get(role, []),
        )
    # Follow a topic: one feed per tag, next to the tag's page (the same slugs).
    for tag, slug in SiteIndex.build(library).tag_slugs.items():
        files[urls.tag_feed(slug)] = slice_feed(
            urls.tag_feed(slug),
            urls.tag_source(slug),
            f"태그: {collapse(tag)}",
            f"‘{collapse(tag)}’ 태그가 붙은 새 호와 새로 추가·검토된 문서",
            by_tag.get(tag, []),
        )
    for url in _LAST_ENTRIES.keys() - entries.keys():  # only this build's entries are kept
        del _LAST_ENTRIES[url]
    return files
