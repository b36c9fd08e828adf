"""Validated library → every generated page, as Markdown text, in memory.

Nothing here writes files or knows MkDocs: `render_site` returns {path: content} and
`craftbook.pipeline` writes it. Templates only lay out ready data; every value they print
is escaped for Markdown and HTML unless a filter here has already made it safe.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from . import labels, urls
from .changes import edition_changes, previous_edition
from .library import Library
from .mermaid import HandoffNode, flow_island
from .models import (
    KINDS,
    SPEC_BY_KIND,
    Criterion,
    DocumentBase,
    Edition,
    Glossary,
    Lesson,
    Scorecard,
    Script,
    Section,
    Term,
)
from .models import references as all_references
from .models.script import compliance_lines, handoff, step_labels
from .review import due_date, review_report, review_state
from .terms import Terms, definitions, strings
from .text import attr, escape_inline, html_text, render_markdown, safe_url, sort_key

PAGE_SIZE = 50
TAG_PAGE_SIZE = 100  # the tag index is paginated too: free-form tags grow with the library
PAGE_BAR_AROUND = 2  # the page bar shows the first, the last and this many either side
TRACK_PREVIEW = 8
BACKLINK_LIMIT = 20
REVIEW_LIST_LIMIT = 20  # 검토 현황 shows this many of each list; check --stale prints them all
TEMPLATES = Path(__file__).parent / "templates"
Unit = tuple[str, ...]  # a group of pages rendered together; see Renderer.units


@dataclass(frozen=True)
class RenderOptions:
    today: dt.date
    site_url: str = ""
    site_name: str = "Craftbook"  # mkdocs.yml's site_name: the home page's title, feeds' and e-mails' name
    drafts: bool = False
    audience: str = "public"
    templates: tuple[Path, ...] = ()


def doc_path(doc: DocumentBase) -> str:
    return urls.doc_source(doc.kind, doc.id)


# Initial consonants of Hangul syllables, in 가나다 order; a double consonant files
# under its single one (까 with 가), as Korean dictionaries' indexes do.
CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_SINGLE = {"ㄲ": "ㄱ", "ㄸ": "ㄷ", "ㅃ": "ㅂ", "ㅆ": "ㅅ", "ㅉ": "ㅈ"}
OTHER_INITIAL = "기타"


def initial(text: str) -> str:
    """The group a term files under in a 가나다 index: the initial consonant of a Hangul
    syllable (원콜 → ㅇ, 까다로운 → ㄱ), a Latin capital (FCR → F), else 기타."""
    first = unicodedata.normalize("NFC", text.strip())[:1]
    if "가" <= first <= "힣":
        consonant = CHOSEONG[(ord(first) - ord("가")) // 588]
        return _SINGLE.get(consonant, consonant)
    if first in CHOSEONG:
        return _SINGLE.get(first, first)
    if first.isascii() and first.isalpha():
        return first.upper()
    return OTHER_INITIAL


def initial_order(group: str) -> tuple[int, str]:
    """Hangul groups in 가나다 order, then A–Z, then 기타: a Korean reader's index."""
    if group in CHOSEONG:
        return (0, group)
    return (1, group) if group != OTHER_INITIAL else (2, group)


def glossary_groups(doc: Glossary) -> list[tuple[str, str, list[tuple[Term, str]]]]:
    """(initial, its anchor, [(term, its anchor)]) in 가나다 order, for the 용어집 page."""
    anchors = urls.term_anchors(t.term for t in doc.terms)
    groups: dict[str, list[tuple[Term, str]]] = defaultdict(list)
    for term in sorted(doc.terms, key=lambda t: sort_key(t.term)):
        groups[initial(term.term)].append((term, anchors[term.term]))
    return [(g, urls.initial_anchor(g), groups[g]) for g in sorted(groups, key=initial_order)]


def _finalize(value: Any) -> Any:
    """Autoescape for Markdown: anything not already marked safe prints as plain text."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return escape_inline(value)


@jinja2.pass_context
def _markdown_filter(context: jinja2.runtime.Context, text: str | None) -> Markup:
    """A Markdown field as HTML, with tooltips for the glossary terms the page uses
    (`terms` in the page's context, see Renderer.render_document)."""
    return render_markdown(text, context.get("terms")) if text else Markup("")


def make_environment(extra_dirs: Iterable[Path] = ()) -> jinja2.Environment:
    # An organisation may override any template by putting one of the same name first.
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader([str(d) for d in extra_dirs]), jinja2.FileSystemLoader(str(TEMPLATES))]
    )
    env = jinja2.Environment(
        loader=loader,
        # One environment serves one render (the serve cache keys it on the template
        # files' stamps), so templates need no up-to-date check on every page.
        auto_reload=False,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _markdown_filter
    env.filters["attr"] = attr
    env.filters["html"] = html_text
    env.filters["text"] = lambda v: Markup(escape_inline(v))
    env.filters["url"] = safe_url
    env.globals["labels"] = labels
    env.globals["urls"] = urls
    return env


@dataclass
class Pagination:
    items: list[Any]
    number: int
    count: int
    first_path: str

    @property
    def path(self) -> str:
        return self.page_path(self.number)

    def page_path(self, number: int) -> str:
        return urls.numbered_source(self.first_path, number)

    def window(self) -> list[int | None]:
        """Page numbers for the page bar, None for a gap: at most nine however long the list."""
        if self.count <= 2 * PAGE_BAR_AROUND + 5:
            return list(range(1, self.count + 1))
        near = range(max(1, self.number - PAGE_BAR_AROUND), min(self.count, self.number + PAGE_BAR_AROUND) + 1)
        numbers: list[int | None] = []
        for number in sorted({1, self.count, *near}):
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


@dataclass(frozen=True)
class Grade:
    """One criterion of a scorecard, as other pages cite it."""

    scorecard: Scorecard
    criterion: Criterion
    number: str  # "2.1": area 2, criterion 1 — how the form and the evaluator name it

    @property
    def anchor(self) -> str:
        return criterion_anchor(self.criterion.id)


def criterion_anchor(criterion_id: str) -> str:
    """The fragment of a criterion's row on its scorecard page (ids appear only here)."""
    return f"c-{criterion_id}"


def numbered_criteria(sections: list[Section]) -> Iterator[tuple[str, Criterion]]:
    for i, section in enumerate(sections, 1):
        for j, criterion in enumerate(section.criteria, 1):
            yield f"{i}.{j}", criterion


@dataclass
class SiteIndex:
    """Everything the pages need to know about each other, computed once."""

    library: Library
    by_role: dict[str, list[DocumentBase]] = field(default_factory=lambda: defaultdict(list))
    by_tag: dict[str, list[DocumentBase]] = field(default_factory=lambda: defaultdict(list))
    tag_slugs: dict[str, str] = field(default_factory=dict)
    backlinks: dict[str, list[DocumentBase]] = field(default_factory=lambda: defaultdict(list))
    # Coaching links, from the current version of each scorecard: which criteria grade a
    # script step (script id → step id → grades) and which a lesson prepares for.
    graded_by: dict[str, dict[str, list[Grade]]] = field(default_factory=lambda: defaultdict(dict))
    prepares_for: dict[str, list[Grade]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, library: Library) -> SiteIndex:
        index = cls(library)
        for entry in library:
            doc = entry.doc
            if isinstance(doc, Scorecard):
                for number, criterion in numbered_criteria(doc.sections):
                    grade = Grade(doc, criterion, number)
                    if criterion.script:
                        script_id, step = criterion.script.split("#", 1)
                        index.graded_by[script_id].setdefault(step, []).append(grade)
                    if criterion.lesson:
                        index.prepares_for[criterion.lesson].append(grade)
            for role in doc.all_roles:
                index.by_role[role].append(doc)
            for tag in doc.tags:
                index.by_tag[tag].append(doc)
            for ref in set(references(doc)):
                if ref in library and ref != doc.id:
                    index.backlinks[ref].append(doc)
        used: set[str] = set()
        for tag in sorted(index.by_tag, key=sort_key):
            slug = urls.tag_slug(tag)
            candidate, n = slug, 2
            while candidate in used:
                candidate, n = f"{slug}-{n}", n + 1
            used.add(candidate)
            index.tag_slugs[tag] = candidate
        return index


def references(doc: DocumentBase) -> list[str]:
    """The ids a document refers to (`craftbook.models.references`, without where)."""
    return [ref for _, ref, _ in all_references(doc)]


def recency(doc: DocumentBase) -> dt.date:
    dates = [d for d in (doc.reviewed, getattr(doc, "date", None), getattr(doc, "published", None)) if d]
    return max(dates) if dates else dt.date.min


def relative_path(target: str, start: str) -> str:
    """posixpath.relpath for two paths inside the docs folder, without its os.getcwd()
    per call (an eighth of the render time at 1,000 documents)."""
    target, start = posixpath.normpath(target), posixpath.normpath(start or ".")
    if target.startswith(("/", "..")) or start.startswith(("/", "..")):
        return posixpath.relpath(target, start)
    to = [] if target == "." else target.split("/")
    here = [] if start == "." else start.split("/")
    common = 0
    while common < min(len(to), len(here)) and to[common] == here[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


class PageContext:
    """Link helpers bound to the page being rendered (links are relative .md paths)."""

    def __init__(self, site: SiteIndex, path: str) -> None:
        self.site = site
        self.path = path

    def href(self, target: str) -> str:
        return relative_path(target, posixpath.dirname(self.path))

    def url_href(self, target: str, fragment: str = "") -> str:
        """A link for raw HTML, where MkDocs rewrites nothing: target's URL relative to this page's."""
        here, there = urls.url(self.path), urls.url(target)
        rel = relative_path(there.rstrip("/") or ".", here.rstrip("/") or ".")
        if there.endswith("/") or not there:
            rel = "./" if rel == "." else rel + "/"
        return rel + (f"#{fragment}" if fragment else "")

    def link(self, doc_id: str) -> Markup:
        doc = self.site.library.get(doc_id)
        if doc is None:
            return Markup("")  # left out of this build (draft or members-only): show nothing
        return Markup(f"[{escape_inline(doc.title)}]({self.href(doc_path(doc))})")

    def doc_link(self, doc: DocumentBase) -> Markup:
        return self.link(doc.id)

    def tag_link(self, tag: str) -> Markup:
        slug = self.site.tag_slugs[tag]
        return Markup(f"[{escape_inline(tag)}]({self.href(urls.tag_source(slug))})")

    def page_link(self, title: str, target: str) -> Markup:
        return Markup(f"[{escape_inline(title)}]({self.href(target)})")

    def exists(self, doc_id: str) -> bool:
        return doc_id in self.site.library


def front_matter(meta: dict[str, Any]) -> str:
    # Material prints page.meta.title and .description into <title>, the header and
    # <meta content="…"> without escaping (MkDocs has no autoescape): they must be HTML.
    meta = {k: str(attr(v)) if k in ("title", "description") and isinstance(v, str) else v for k, v in meta.items()}
    if _plain_text(meta):
        # A YAML emitter costs a fifth of a page's render. For text of printable
        # characters (no line separators, no controls) a JSON string is a YAML
        # double-quoted scalar of the same value, and JSON lists are YAML flow lists.
        return "---\n" + "".join(_block_lines(meta, "")) + "---\n"
    # Anything else is escaped to ASCII: PyYAML writes some characters (U+0085) raw
    # inside double quotes, where they read back as a space.
    dumped = yaml.safe_dump(meta, allow_unicode=False, sort_keys=False, width=10_000)
    return f"---\n{dumped}---\n"


def _block_lines(mapping: dict[str, Any], indent: str) -> Iterator[str]:
    for key, value in mapping.items():
        if isinstance(value, dict) and value:
            yield f"{indent}{_key(key)}:\n"
            yield from _block_lines(value, indent + "  ")
        else:
            yield f"{indent}{_key(key)}: {json.dumps(value, ensure_ascii=False)}\n"


_BARE_KEY = re.compile(r"[a-z][a-z0-9_]*")
_YAML_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})  # YAML 1.1 reads these as bool/null


def _key(key: str) -> str:
    if _BARE_KEY.fullmatch(key) and key not in _YAML_WORDS:
        return key
    return json.dumps(key, ensure_ascii=False)


_PLAIN_TEXT = re.compile(r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")


def _plain_text(value: Any) -> bool:
    if isinstance(value, str):
        return _PLAIN_TEXT.fullmatch(value) is not None
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_text(k) and _plain_text(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_plain_text(v) for v in value)
    return value is None or isinstance(value, int | bool)


@dataclass(frozen=True)
class BranchView:
    """One branch of a script step as its page shows it.

    `go` is what consult mode follows: a step id, or `script-id#step` (always with the
    step) for a hand-off; `href` the link for the page without JavaScript.
    """

    when: str
    go: str
    href: str
    target_label: str  # `4. 이용 내역 확인`, or `장애 후 해지 요청 상담 · 2. 장애 인정과 사과`
    handoff: bool = False
    available: bool = True  # False: the other script is not in this build
    script: str = ""
    step: str = ""
    script_title: str = ""
    step_label: str = ""


class Renderer:
    def __init__(self, library: Library, options: RenderOptions) -> None:
        self.options = options
        self.site = SiteIndex.build(library)
        self.env = make_environment(options.templates)
        self._step_labels: dict[str, dict[str, str]] = {}
        self.terms = site_terms(library)

    # -- one document -------------------------------------------------------

    def document_meta(self, doc: DocumentBase) -> dict[str, Any]:
        """Front matter: the page's title, and what search needs to know about the
        document (craftbook.search): labels for its results, id and tags to find it by,
        and for a glossary the names of each term (the synonyms search expands)."""
        meta: dict[str, Any] = {
            "id": doc.id,
            "kind": doc.kind,
            "kind_label": labels.KIND_LABEL[doc.kind],
            "roles": doc.all_roles,
            "role_labels": [labels.ROLE_LABEL[r] for r in doc.all_roles],
            "tags": list(doc.tags),
        }
        if isinstance(doc, Glossary):
            meta["synonyms"] = [term.names for term in doc.terms]
        return {"title": doc.title, "description": " ".join(doc.summary.split()), "craftbook": meta}

    def render_document(self, doc: DocumentBase) -> str:
        path = doc_path(doc)
        template = self.env.get_template(SPEC_BY_KIND[doc.kind].template)
        backlinks = sorted(self.site.backlinks.get(doc.id, []), key=lambda d: sort_key(d.title))
        page = PageContext(self.site, path)
        # A glossary page defines its terms in full; elsewhere a term gets a tooltip.
        used = {} if isinstance(doc, Glossary) else self.terms.used_in(strings(doc.model_dump(mode="json")))
        body = template.render(
            terms=used,
            term_definitions=Markup(definitions(used)),
            doc=doc,
            page=page,
            review=review_state(doc, self.options.today),
            backlinks=backlinks[:BACKLINK_LIMIT],
            backlink_count=len(backlinks),
            extra=self.kind_context(doc, page),
        )
        return front_matter(self.document_meta(doc)) + "\n" + body

    def render_document_pages(self, doc: DocumentBase) -> dict[str, str]:
        """A document's page and the pages that belong to it: a lesson's trainee handout,
        each kept past version of a scorecard. They are left out of search (the document's
        own page is what a search should find)."""
        pages = {doc_path(doc): self.render_document(doc)}
        hidden = {"description": " ".join(doc.summary.split()), "search": {"exclude": True}}
        if isinstance(doc, Lesson):
            path = urls.handout_source(doc.kind, doc.id)
            page = PageContext(self.site, path)
            body = self.env.get_template("lesson-handout.md.j2").render(
                doc=doc, page=page, extra=self.kind_context(doc, page)
            )
            pages[path] = front_matter({"title": f"{doc.title} — 수강생용", **hidden}) + "\n" + body
        if isinstance(doc, Scorecard):
            for past in doc.history:
                path = urls.version_source(doc.kind, doc.id, past.version)
                page = PageContext(self.site, path)
                body = self.env.get_template("scorecard-version.md.j2").render(
                    doc=doc,
                    past=past,
                    page=page,
                    form=self.scorecard_form(doc, past.sections, past.critical_fails, past.version, page),
                )
                pages[path] = front_matter({"title": f"{doc.title} — 버전 {past.version}", **hidden}) + "\n" + body
        return pages

    def kind_context(self, doc: DocumentBase, page: PageContext) -> dict[str, Any]:
        if isinstance(doc, Lesson):
            starts, clock = [], 0
            for item in doc.agenda:
                starts.append(f"{clock // 60}:{clock % 60:02d}")
                clock += item.minutes
            prepares = [g for g in self.site.prepares_for.get(doc.id, []) if g.scorecard.id in self.site.library]
            return {
                "starts": starts,
                "prepares": sorted(prepares, key=lambda g: (sort_key(g.scorecard.title), g.number)),
                "handout": urls.handout_source(doc.kind, doc.id),
            }
        if isinstance(doc, Script):
            return self.script_context(doc, page)
        if isinstance(doc, Glossary):
            return {"groups": glossary_groups(doc)}
        if isinstance(doc, Edition):
            picks = [(p, self.site.library.get(p.ref)) for p in doc.picks]
            return {
                "picks": [(p, d) for p, d in picks if d is not None],
                "changes": edition_changes(doc, (e.doc for e in self.site.library)),
                "previous": previous_edition(doc, self.site.library.of_kind("edition")),
            }
        if isinstance(doc, Scorecard):
            return {
                "form": self.scorecard_form(doc, doc.sections, doc.critical_fails, doc.version, page),
                "versions": {past.version: urls.version_source(doc.kind, doc.id, past.version) for past in doc.history},
            }
        return {}

    def script_labels(self, doc: Script) -> dict[str, str]:
        """Step id → `4. 이용 내역 확인`, in the page's reading order (computed once per script)."""
        if doc.id not in self._step_labels:
            self._step_labels[doc.id] = step_labels(doc, script_order(doc))
        return self._step_labels[doc.id]

    def script_context(self, doc: Script, page: PageContext) -> dict[str, Any]:
        """What a script page shows beyond its fields: step labels, where each compliance
        line is said, each branch's target (in this script or handed off to another),
        the QA criteria that grade each step, the flowchart, and the day it is due for review."""
        path = doc_path(doc)
        order = script_order(doc)
        labels = self.script_labels(doc)
        lines = compliance_lines(doc)
        branches: dict[str, list[BranchView]] = {}
        handoff_nodes: dict[str, HandoffNode] = {}
        for step_id, step in doc.steps.items():
            views = []
            for branch in step.next or []:
                view = self.branch_view(doc, branch.when, branch.go, labels, path)
                views.append(view)
                if view.handoff:
                    handoff_nodes[branch.go] = HandoffNode(
                        view.target_label, view.href, view.go if view.available else ""
                    )
            branches[step_id] = views
        due = due_date(doc)
        return {
            "order": order,
            "labels": labels,
            "lines": lines,
            "placed": {s: [(i, line.text) for i, line in enumerate(lines) if s in line.at] for s in doc.steps},
            "branches": branches,
            "review_due": due,
            "flow": flow_island(doc, order, labels=labels, handoffs=handoff_nodes),
            "graded": {
                step: [
                    {
                        "href": page.url_href(doc_path(g.scorecard), g.anchor),
                        "scorecard": g.scorecard.title,
                        "number": g.number,
                        "text": g.criterion.text,
                        "critical": g.criterion.critical,
                    }
                    for g in sorted(grades, key=lambda g: (sort_key(g.scorecard.title), g.number))
                ]
                for step, grades in self.site.graded_by.get(doc.id, {}).items()
            },
        }

    def branch_view(self, doc: Script, when: str, go: str, labels: dict[str, str], path: str) -> BranchView:
        target = handoff(doc, go)
        if target is None:
            return BranchView(when, go, f"#{urls.step_anchor(go)}", labels.get(go, go))
        other = self.site.library.get(target.script)
        if not isinstance(other, Script):
            # Left out of this build (a draft, or members-only in a public build): say so
            # without its id or title, which this build must not show.
            return BranchView(when, go, "", "이 사이트에 없는 스크립트", handoff=True, available=False)
        step = target.step or other.start
        step_label = self.script_labels(other).get(step, "")
        return BranchView(
            when=when,
            go=f"{other.id}#{step}",
            href=f"{urls.relative_url(doc_path(other), path)}#{urls.step_anchor(step)}",
            target_label=f"{other.title} · {step_label}",
            handoff=True,
            script=other.id,
            step=step,
            script_title=other.title,
            step_label=step_label,
        )

    def scorecard_form(
        self, doc: Scorecard, sections: list[Section], critical_fails: str, version: int, page: PageContext
    ) -> dict[str, Any]:
        """The evaluation form of one version: areas and criteria numbered as the evaluator
        names them, anchors in score order, and each criterion's script step and lesson as
        links (raw HTML: URLs relative to the page)."""
        areas = []
        for i, section in enumerate(sections, 1):
            rows = []
            for j, criterion in enumerate(section.criteria, 1):
                rows.append(
                    {
                        "number": f"{i}.{j}",
                        "c": criterion,
                        "anchor": criterion_anchor(criterion.id),
                        "anchors": sorted(criterion.anchors.items()),
                        "script": self._step_link(criterion, page),
                        "lesson": self._lesson_link(criterion, page),
                    }
                )
            areas.append({"number": i, "title": section.title, "weight": section.weight, "rows": rows})
        critical = [row for area in areas for row in area["rows"] if row["c"].critical]
        return {
            "id": doc.id,
            "title": doc.title,
            "version": version,
            "critical_fails": critical_fails,
            "areas": areas,
            "critical": critical,
            "has_na": any(row["c"].na for area in areas for row in area["rows"]),
        }

    def _step_link(self, criterion: Criterion, page: PageContext) -> tuple[str, str] | None:
        if not criterion.script:
            return None
        script_id, step = criterion.script.split("#", 1)
        script = self.site.library.get(script_id)
        if not isinstance(script, Script) or step not in script.steps:
            return None  # left out of this build (draft or members-only)
        step_name = self.script_labels(script)[step]
        return page.url_href(doc_path(script), urls.step_anchor(step)), f"{script.title} › {step_name}"

    def _lesson_link(self, criterion: Criterion, page: PageContext) -> tuple[str, str] | None:
        lesson = self.site.library.get(criterion.lesson) if criterion.lesson else None
        if lesson is None:
            return None
        return page.url_href(doc_path(lesson)), lesson.title

    # -- listings ------------------------------------------------------------

    def paginate(self, items: list[Any], first_path: str, size: int = PAGE_SIZE) -> list[Pagination]:
        count = max(1, math.ceil(len(items) / size))
        return [
            Pagination(items[(number - 1) * size : number * size], number, count, first_path)
            for number in range(1, count + 1)
        ]

    def render_listing(
        self, title: str, docs: list[DocumentBase], first_path: str, feed: str | None = None
    ) -> dict[str, str]:
        out: dict[str, str] = {}
        template = self.env.get_template("listing.md.j2")
        for pagination in self.paginate(docs, first_path):
            page_title = title if pagination.number == 1 else f"{title} ({pagination.number}쪽)"
            meta: dict[str, Any] = {"title": page_title}
            if feed:  # the theme's <head> offers it to feed readers (partials/craftbook-head.html)
                meta["craftbook_feed"] = {"path": feed, "title": title}
            out[pagination.path] = (
                front_matter(meta)
                + "\n"
                + template.render(
                    title=page_title,
                    pagination=pagination,
                    page=PageContext(self.site, pagination.path),
                    feed=feed,
                )
            )
        return out

    # -- the site, one unit of pages at a time ------------------------------
    # A unit is a group of pages rendered together: ("document", id), ("listing", kind),
    # ("track", role), ("tags",), ("tag", tag), ("home",), ("overview", "roles" |
    # "documents"), ("review",). craftbook.incremental knows which units a changed
    # document touches and re-renders only those.

    def units(self) -> list[Unit]:
        library = self.site.library
        return [
            *(("document", entry.doc.id) for entry in library),
            *(("listing", kind) for kind in KINDS),
            *(("track", role) for role in labels.ROLE_TRACK_ORDER),
            ("tags",),
            *(("tag", tag) for tag in sorted(self.site.by_tag, key=sort_key)),
            ("home",),
            ("overview", "roles"),
            ("overview", "documents"),
            ("review",),
        ]

    def render_unit(self, unit: Unit) -> dict[str, str]:
        what, *args = unit
        if what == "document":
            doc = self.site.library.get(args[0])
            return self.render_document_pages(doc) if doc is not None else {}
        if what == "listing":
            return self.render_kind_listing(args[0])
        if what == "track":
            return self.render_track(args[0])
        if what == "tags":
            return self.render_tag_index()
        if what == "tag":
            return self.render_tag(args[0])
        if what == "home":
            return {urls.HOME: self.render_home()}
        if what == "overview":
            return self.render_overview(args[0])
        if what == "review":
            return {urls.REVIEW: self.render_review()}
        raise ValueError(f"unknown page unit {unit!r}")

    def render_pages(self) -> dict[str, str]:
        pages: dict[str, str] = {}
        for unit in self.units():
            pages.update(self.render_unit(unit))
        return pages

    def render_kind_listing(self, kind: str) -> dict[str, str]:
        docs = sorted(self.site.library.of_kind(kind), key=lambda d: sort_key(d.title))
        if kind == "edition":
            docs.sort(key=lambda d: d.number, reverse=True)  # type: ignore[attr-defined]
        return self.render_listing(
            labels.KIND_LABEL[kind],
            docs,
            urls.listing_source(kind),
        )

    def render_track(self, role: str) -> dict[str, str]:
        pages: dict[str, str] = {}
        template = self.env.get_template("track.md.j2")
        docs = self.site.by_role.get(role, [])
        groups = []
        for kind in labels.track_kinds(role):
            of_kind = sorted((d for d in docs if d.kind == kind), key=lambda d: sort_key(d.title))
            if not of_kind:
                continue
            full = urls.track_kind_source(role, kind)
            if len(of_kind) > TRACK_PREVIEW:
                pages.update(
                    self.render_listing(f"{labels.ROLE_LABEL[role]} · {labels.KIND_LABEL[kind]}", of_kind, full)
                )
            groups.append((kind, of_kind[:TRACK_PREVIEW], len(of_kind), full))
        path = urls.track_source(role)
        pages[path] = (
            front_matter({"title": f"{labels.ROLE_LABEL[role]} 트랙"})
            + "\n"
            + template.render(
                role=role,
                groups=groups,
                page=PageContext(self.site, path),
                total=len(docs),
            )
        )
        return pages

    def render_tag_index(self) -> dict[str, str]:
        tags = sorted(self.site.by_tag, key=sort_key)
        template = self.env.get_template("tags.md.j2")
        pages: dict[str, str] = {}
        for pagination in self.paginate(tags, urls.TAG_INDEX, TAG_PAGE_SIZE):
            number = pagination.number
            pages[pagination.path] = (
                front_matter({"title": "태그" if number == 1 else f"태그 ({number}쪽)"})
                + "\n"
                + template.render(
                    tags=[(t, len(self.site.by_tag[t])) for t in pagination.items],
                    pagination=pagination,
                    page=PageContext(self.site, pagination.path),
                )
            )
        return pages

    def render_tag(self, tag: str) -> dict[str, str]:
        docs = sorted(self.site.by_tag[tag], key=lambda d: sort_key(d.title))
        slug = self.site.tag_slugs[tag]
        return self.render_listing(f"태그: {tag}", docs, urls.tag_source(slug), feed=urls.tag_feed(slug))

    def render_overview(self, which: str) -> dict[str, str]:
        """The page a nav tab lands on: every role track, or every kind of document."""
        library = self.site.library
        if which == "roles":
            path, title = urls.ROLES_OVERVIEW, "역할별 트랙"
            context: dict[str, Any] = {
                "tracks": [
                    (role, urls.track_source(role), urls.role_feed(role), len(self.site.by_role.get(role, [])))
                    for role in labels.ROLE_TRACK_ORDER
                ]
            }
        elif which == "documents":
            path, title = urls.DOCUMENTS_OVERVIEW, "문서"
            context = {
                "kinds": [(SPEC_BY_KIND[k], urls.listing_source(k), len(library.of_kind(k))) for k in KINDS],
                "tag_count": len(self.site.by_tag),
                "review": review_report((e.doc for e in library), self.options.today),
            }
        else:
            raise ValueError(f"unknown overview {which!r}")
        template = self.env.get_template(f"overview-{which}.md.j2")
        body = template.render(page=PageContext(self.site, path), total=len(library), **context)
        return {path: front_matter({"title": title}) + "\n" + body}

    def render_review(self) -> str:
        """검토 현황 (`craftbook.review`): the same figures as `craftbook check --stale`."""
        report = review_report((e.doc for e in self.site.library), self.options.today)
        template = self.env.get_template("review.md.j2")
        return (
            front_matter({"title": "검토 현황"})
            + "\n"
            + template.render(report=report, page=PageContext(self.site, urls.REVIEW), limit=REVIEW_LIST_LIMIT)
        )

    def render_home(self) -> str:
        library = self.site.library
        editions = sorted(library.of_kind("edition"), key=lambda d: d.number, reverse=True)  # type: ignore[attr-defined]
        recent = sorted(
            (e.doc for e in library if e.doc.kind != "edition"),
            key=lambda d: (recency(d), d.id),
            reverse=True,
        )[:10]
        latest = editions[0] if editions else None
        template = self.env.get_template("home.md.j2")
        picks = []
        if isinstance(latest, Edition):
            picks = [(p, library.get(p.ref)) for p in latest.picks if p.ref in library]
        return (
            front_matter({"title": "홈", "hide": ["navigation", "toc"]})
            + "\n"
            + template.render(
                latest=latest,
                picks=picks,
                recent=recent,
                tracks=[(r, len(self.site.by_role.get(r, []))) for r in labels.ROLE_TRACK_ORDER],
                kinds=[(k, urls.listing_source(k), len(library.of_kind(k))) for k in KINDS],
                page=PageContext(self.site, urls.HOME),
                total=len(library),
                site_name=self.options.site_name,
            )
        )


def site_terms(library: Library) -> Terms:
    """The glossary terms of the library that get tooltips on other pages."""
    return Terms.of(
        (term.term, term.synonyms, render_markdown(term.definition))
        for doc in library.of_kind("glossary")
        if isinstance(doc, Glossary)
        for term in doc.terms
    )


def script_order(doc: Script) -> list[str]:
    """Steps in the order an agent meets them (breadth-first from start), then the rest."""
    order: list[str] = []
    queue = [doc.start] if doc.start in doc.steps else []
    while queue:
        step_id = queue.pop(0)
        if step_id in order:
            continue
        order.append(step_id)
        queue += [b.go for b in doc.steps[step_id].next or [] if b.go in doc.steps]
    return order + [s for s in doc.steps if s not in order]


def render_site(library: Library, options: RenderOptions) -> dict[str, str]:
    return Renderer(library, options).render_pages()


RenderFunc = Callable[[Library, RenderOptions], dict[str, str]]
