"""E-mail digest: each edition as one self-contained HTML file, `editions/<id>/email.html`.

Curators send the subscription by mail with whatever tool their organisation has, so
the digest is a file to paste, not a mailer. Mail clients strip `<style>` and scripts
and never load a stylesheet, so the template uses tables and inline styles only, and
every link is absolute (from `site_url`). Picks left out of this build (drafts,
members-only documents in a public build) are skipped, as on the edition page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import labels, urls
from .changes import edition_changes
from .feeds import CHANGES_HEADING, FEED_TITLE, absolute_links, page_url, site_base
from .library import Library
from .models import Edition
from .render import TEMPLATES, RenderOptions
from .text import collapse, render_markdown


@dataclass(frozen=True)
class DigestEdition:
    title: str
    summary: str
    number: int
    date_label: str
    intro_html: Markup


@dataclass(frozen=True)
class DigestPick:
    title: str
    url: str
    kind_label: str
    role_labels: list[str]
    summary: str
    note: str


@dataclass(frozen=True)
class DigestFeed:
    label: str  # 사내강사 피드, or 전체 피드 for an edition for everyone
    url: str


@dataclass(frozen=True)
class DigestChange:
    title: str
    url: str
    kind_label: str
    what: str  # 검토·수정 | 새 자료
    day: str  # YYYY-MM-DD


@dataclass(frozen=True)
class DigestLinks:
    home: str
    edition: str
    archive: str
    subscribe: str
    feeds: list[DigestFeed]  # an edition for roles links those roles' feeds


def korean_date(day: dt.date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일"


def digest_context(edition: Edition, library: Library, base: str, site_name: str = FEED_TITLE) -> dict[str, object]:
    """Everything the template prints, already plain text or sanitised HTML."""
    url = page_url(base, edition)
    picks = []
    for pick in edition.picks:
        target = library.get(pick.ref)
        if target is None:
            continue
        picks.append(
            DigestPick(
                title=collapse(target.title),
                url=page_url(base, target),
                kind_label=labels.KIND_LABEL[target.kind],
                role_labels=[labels.ROLE_LABEL[r] for r in target.all_roles],
                summary=collapse(target.summary),
                note=collapse(pick.note or ""),
            )
        )
    intro = absolute_links(render_markdown(edition.intro), url) if edition.intro else Markup("")
    # Its readers are its roles: the footer offers the feed that brings them the next one.
    feeds = [
        DigestFeed(f"{labels.ROLE_LABEL[role]} 피드", base + urls.role_feed(role)) for role in edition.all_roles
    ] or [DigestFeed("RSS/Atom 피드", base + urls.SITE_FEED)]
    changes = [
        DigestChange(
            title=collapse(c.doc.title),
            url=page_url(base, c.doc),
            kind_label=labels.KIND_LABEL[c.doc.kind],
            what=c.label,
            day=c.day.isoformat(),
        )
        for c in edition_changes(edition, (e.doc for e in library))
    ]
    return {
        "site_title": collapse(site_name) or FEED_TITLE,
        "edition": DigestEdition(
            title=collapse(edition.title),
            summary=collapse(edition.summary),
            number=edition.number,
            date_label=korean_date(edition.date),
            intro_html=intro,
        ),
        "picks": picks,
        "changes": changes,
        "changes_heading": CHANGES_HEADING,
        "links": DigestLinks(
            home=base,
            edition=url,
            archive=base + urls.url(urls.listing_source("edition")),
            subscribe=base + urls.url(urls.SUBSCRIBE),
            feeds=feeds,
        ),
    }


def make_environment(extra_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    # HTML, not Markdown: plain autoescape; an organisation may override the template.
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader([str(d) for d in extra_dirs]), jinja2.FileSystemLoader(str(TEMPLATES))]
    )
    return jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def digest_files(library: Library, options: RenderOptions) -> dict[str, bytes]:
    """{`editions/<id>/email.html`: bytes} for every edition this build publishes."""
    base = site_base(options.site_url)
    template = make_environment(options.templates).get_template("email.html.j2")
    files: dict[str, bytes] = {}
    for doc in library.of_kind("edition"):
        assert isinstance(doc, Edition)
        html = template.render(**digest_context(doc, library, base, options.site_name))
        files[urls.edition_email(doc.id)] = html.encode("utf-8")
    return files
