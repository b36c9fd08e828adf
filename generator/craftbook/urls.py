"""Every URL and output path of the site, in one place.

A page is named by its *source*, the Markdown path the generator writes
(`lessons/lesson-x.md`); MkDocs (use_directory_urls) serves it at its *URL*
(`lessons/lesson-x/`) from the file `lessons/lesson-x/index.html`. Feeds, e-mail
bodies and the search index use URLs; templates link sources (relative Markdown
links, which MkDocs turns into relative URLs). These paths are contracts: feeds,
links people saved and other tests rely on them.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from .models import KIND_SPECS, SPEC_BY_KIND

HOME = "index.md"
TAG_INDEX = "tags/index.md"
SITE_FEED = "feed.xml"  # Atom
JSON_FEED = "feed.json"  # JSON Feed 1.1
ROLES_OVERVIEW = "roles/index.md"  # the 역할별 트랙 tab's own page
DOCUMENTS_OVERVIEW = "documents/index.md"  # the 문서 tab's own page
REVIEW = "review/index.md"  # 검토 현황: how much of the library is within its review interval
SUBSCRIBE = "subscribe.md"  # hand-written (docs/subscribe.md)
# What a browser shows a feed through: XSLT where the browser still has it, else CSS.
FEED_XSL = "assets/feed.xsl"
FEED_CSS = "assets/feed.css"


# The longest file or folder name the site makes from a value (a document id, a tag's
# slug), in UTF-8 bytes. File systems allow 255 (eCryptfs 143); the writer adds up to 7
# (`.md.tmp`) and a repeated tag slug a number (`-12`), so 128 leaves room everywhere.
# A Hangul syllable takes 3 bytes: a tag may hold about 40 of them.
MAX_NAME_BYTES = 128


def slugify(text: str) -> str:
    """URL slug that keeps Hangul readable: 해지 방어 → 해지-방어."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s_-]+", "-", text).strip("-")


def tag_slug(tag: str) -> str:
    """The folder name of a tag's page (before a number is added to tell two apart)."""
    return slugify(tag) or "tag"


def name_bytes(name: str) -> int:
    return len(name.encode("utf-8", "surrogatepass"))


def folder(kind: str) -> str:
    """URL folder of a kind's pages and listing: `lessons`."""
    return SPEC_BY_KIND[kind].site_folder


def doc_source(kind: str, doc_id: str) -> str:
    return f"{folder(kind)}/{doc_id}.md"


def version_source(kind: str, doc_id: str, version: int) -> str:
    """A past version of a scorecard, kept readable: `scorecards/<id>/v1/`."""
    return f"{folder(kind)}/{doc_id}/v{version}.md"


def handout_source(kind: str, doc_id: str) -> str:
    """A lesson's trainee handout (no facilitator notes, motives or answers): `lessons/<id>/handout/`."""
    return f"{folder(kind)}/{doc_id}/handout.md"


def listing_source(kind: str) -> str:
    return f"{folder(kind)}/index.md"


def track_source(role: str) -> str:
    return f"roles/{role}/index.md"


def track_kind_source(role: str, kind: str) -> str:
    """A role track's full list of one kind (the track page shows only a preview)."""
    return f"roles/{role}/{folder(kind)}/index.md"


def tag_source(slug: str) -> str:
    return f"tags/{slug}/index.md"


def numbered_source(first: str, number: int) -> str:
    """Page `number` of a paginated list whose first page is `first` (…/index.md)."""
    return first if number == 1 else first.replace("index.md", f"page_{number}.md")


def term_anchors(terms: Iterable[str]) -> dict[str, str]:
    """The anchor of each term on its glossary page (`원콜 처리율` → `원콜-처리율`), unique
    within the page: a second term with the same slug gets `-2`. Links people keep point
    at these, so they follow the term's text, not its position."""
    anchors: dict[str, str] = {}
    used: set[str] = set()
    for term in terms:
        slug = slugify(term) or "term"
        candidate, n = slug, 2
        while candidate in used:
            candidate, n = f"{slug}-{n}", n + 1
        used.add(candidate)
        anchors[term] = candidate
    return anchors


def initial_anchor(initial: str) -> str:
    """The anchor of a glossary page's group of terms by initial (`ㄱ`, `a`, `기타`)."""
    return "initial-" + (slugify(initial) or "other")


def role_feed(role: str) -> str:
    return f"roles/{role}/feed.xml"


def tag_feed(slug: str) -> str:
    """Atom feed of one tag, next to its page: `tags/<slug>/feed.xml`."""
    return f"tags/{slug}/feed.xml"


def from_file(target: str, start_file: str) -> str:
    """Relative URL from a file of the built site (a feed) to another (its stylesheet):
    `roles/qa/feed.xml` → `assets/feed.xsl` is `../../assets/feed.xsl`. Relative, so it
    holds under a sub-path (`/<repo>/`) whatever `site_url` says."""
    depth = start_file.count("/")
    return "../" * depth + target


def edition_email(doc_id: str) -> str:
    return f"{folder('edition')}/{doc_id}/email.html"


def url(source: str) -> str:
    """The URL (relative to the site root) MkDocs serves a Markdown source at."""
    if not source.endswith(".md"):
        return source
    stem = source[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return f"{stem}/"


def doc_url(kind: str, doc_id: str) -> str:
    return url(doc_source(kind, doc_id))


def relative_url(target: str, here: str) -> str:
    """The link from the page of source `here` to the page of source `target`, for raw HTML
    (MkDocs rewrites `.md` links only in Markdown): `scripts/a.md`, `scripts/b.md` → `../b/`."""
    to, start = url(target), url(here)
    rel = posixpath.relpath(to or ".", start or ".")
    if rel == ".":
        return "./"
    return f"{rel}/" if to.endswith("/") or not to else rel


def step_anchor(step_id: str) -> str:
    """The fragment of a script step on its page (`#step-open`); links people saved use it."""
    return f"step-{step_id}"


def built_file(source: str) -> str:
    """The file of the built site a source becomes: `a/b.md` and `a/b/index.md` are both
    `a/b/index.html`, so two such sources would silently overwrite each other."""
    if not source.endswith(".md"):
        return source
    stem = source[: -len(".md")]
    return f"{stem}.html" if stem.rsplit("/", 1)[-1] in ("index", "README") else f"{stem}/index.html"


# The generated pages that list documents (kind listings and their pages, role tracks,
# tag pages, the home page): they repeat every title, so search ranks them lower.
LISTING_URL = re.compile(
    rf"^(?:|(?:{'|'.join(re.escape(s.site_folder) for s in KIND_SPECS)})/(?:page_\d+/)?|roles/.*|tags/.*"
    rf"|{re.escape(url(DOCUMENTS_OVERVIEW))}|{re.escape(url(REVIEW))})$"
)


def repository_edit_base(repo_url: str, edit_uri: str, docs_folder: str) -> str | None:
    """The forge's web-editor address of the repository root, from MkDocs' settings.

    MkDocs' `edit_uri` points at the docs folder (`edit/main/docs/`), because MkDocs
    edits Markdown files in it; the YAML files of the library live beside that folder, so
    the folder's name is taken off the end (`edit/main/`). None when `repo_url` is empty
    (no forge, no edit links) or `edit_uri` does not end with the docs folder (an
    address Craftbook cannot take apart safely).
    """
    if not repo_url or not edit_uri:
        return None
    if edit_uri.startswith(("http://", "https://")):
        base = edit_uri
    else:
        base = repo_url.rstrip("/") + "/" + edit_uri.lstrip("/")
    base = base if base.endswith("/") else base + "/"
    suffix = docs_folder.strip("/") + "/"
    if not base.endswith("/" + suffix):
        return None
    return base[: -len(suffix)]


def edit_url(edit_base: str, project_path: str) -> str:
    """Web-editor address of a file of the repository (`playbooks/lessons/x.yaml`)."""
    return edit_base + "/".join(quote(part) for part in project_path.split("/"))
