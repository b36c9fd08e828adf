"""The site's navigation when mkdocs.yml has no `nav:` — built from the kinds and roles.

A new kind appears in the 문서 tab by being declared (`craftbook.models.KIND_SPECS`);
an organisation that wants its own order writes `nav:` in mkdocs.yml as MkDocs allows,
and this is not used. Its own Markdown pages in docs/ are listed after ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import labels, urls
from .models import KINDS

GUIDE = "guide.md"  # 작성 가이드, shipped in craftbook/pages/ unless docs/ has its own
SUBSCRIBE = urls.SUBSCRIBE  # 구독


def default_nav(own_pages: Iterable[str] = ()) -> list[Any]:
    """MkDocs' nav structure: `[{title: path or [children]}, …]`, paths of Markdown sources.

    `own_pages` are the hand-written Markdown pages of docs/ (paths relative to it); the
    ones the structure does not already list are appended in path order.
    """
    nav: list[Any] = [
        {"홈": urls.HOME},
        # Each tab's first entry is its overview page (navigation.indexes): the tab lands there.
        {
            "역할별 트랙": [
                urls.ROLES_OVERVIEW,
                *({labels.ROLE_LABEL[r]: urls.track_source(r)} for r in labels.ROLE_TRACK_ORDER),
            ]
        },
        {
            "문서": [
                urls.DOCUMENTS_OVERVIEW,
                *({labels.KIND_LABEL[k]: urls.listing_source(k)} for k in KINDS),
                {"태그": urls.TAG_INDEX},
                {"검토 현황": urls.REVIEW},
            ]
        },
        {"구독": SUBSCRIBE},
        {"작성 가이드": GUIDE},
    ]
    listed = {GUIDE, SUBSCRIBE}
    nav += [page for page in sorted(own_pages) if page not in listed and page != urls.HOME]
    return nav
