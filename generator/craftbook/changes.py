"""What changed since the previous edition, so a curator need not track it by hand.

An edition covers the days after the previous edition's `date` up to its own. A
document changed in that window when its `reviewed` date (checked and revised) or its
`published` date (a resource's original appeared) falls in it, or a new version of a
scorecard came into force in it (its `changes` entry's `date`). The first edition has
no previous one and lists nothing: everything before it is the starting library, not
news. Editions themselves, retired documents and anything left out of this build are
never listed. An edition that names `roles` lists only documents for those roles (and
documents for everyone, with no `roles`), as its readers are those roles.

The edition page, the feeds and the e-mail digest all read `edition_changes`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .models import DocumentBase, Edition
from .text import sort_key

What = Literal["reviewed", "published", "version"]
WHAT_LABEL: dict[str, str] = {"reviewed": "검토·수정", "published": "새 자료", "version": "새 버전"}


@dataclass(frozen=True)
class Change:
    doc: DocumentBase
    what: What  # `published` wins when both dates fall in the window
    day: dt.date

    @property
    def label(self) -> str:
        return WHAT_LABEL[self.what]


def previous_edition(edition: Edition, editions: Iterable[DocumentBase]) -> Edition | None:
    """The edition with the highest number below this one's, among those of this build."""
    earlier = [e for e in editions if isinstance(e, Edition) and e.number < edition.number]
    return max(earlier, key=lambda e: e.number, default=None)


# The edition page, the site feed, the role feeds and the e-mail body each ask for every
# edition's changes of the same documents: at 1,000 documents and 50 editions that was
# 150 scans of the library in every run of `craftbook serve` (issue 17). Documents are
# frozen; a key of object identities is exact while the value holds those objects alive.
_MEMO: OrderedDict[tuple[int, ...], tuple[Edition, tuple[DocumentBase, ...], list[Change]]] = OrderedDict()
_MEMO_SIZE = 512


def edition_changes(edition: Edition, documents: Iterable[DocumentBase]) -> list[Change]:
    """Documents added or revised after the previous edition, up to this edition's date.

    Newest first, then by title. Empty for the first edition.
    """
    documents = tuple(documents)
    ids = tuple(map(id, documents))
    key = (id(edition), *ids)
    hit = _MEMO.get(key)
    if hit is not None:
        _MEMO.move_to_end(key)
        return list(hit[2])
    changes = _edition_changes(edition, _pool(documents, ids))
    _MEMO[key] = (edition, documents, changes)
    if len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return list(changes)


@dataclass(frozen=True)
class _Candidate:
    """What the windows of the editions read of one document that may be listed."""

    doc: DocumentBase
    roles: frozenset[str]
    published: dt.date | None
    versions: tuple[dt.date, ...]
    reviewed: dt.date | None


@dataclass(frozen=True)
class _Pool:
    """The documents any edition may list, read once for all the editions of a build,
    with every date that can put one in a window sorted, so that an edition looks only
    at the documents dated in its window: a scan of the whole library per edition grew
    with the square of its size (editions grow with it)."""

    candidates: tuple[_Candidate, ...]
    days: tuple[tuple[dt.date, int], ...]  # (a date of a candidate, its position), sorted
    numbers: tuple[int, ...]  # the editions' numbers, sorted, each once
    first_of: dict[int, Edition]  # number → the first edition of that number in document order

    @classmethod
    def of(cls, documents: tuple[DocumentBase, ...]) -> _Pool:
        candidates: list[_Candidate] = []
        first_of: dict[int, Edition] = {}
        for doc in documents:
            if isinstance(doc, Edition):
                first_of.setdefault(doc.number, doc)
                continue
            if doc.status == "retired":
                continue
            published = getattr(doc, "published", None)
            versions = tuple(c.date for c in getattr(doc, "changes", []) if c.date is not None)
            candidates.append(
                _Candidate(
                    doc,
                    frozenset(doc.all_roles),
                    published if isinstance(published, dt.date) else None,
                    versions,
                    doc.reviewed,
                )
            )
        days = sorted(
            (day, n)
            for n, c in enumerate(candidates)
            for day in {c.published, *c.versions, c.reviewed}
            if isinstance(day, dt.date)
        )
        return cls(tuple(candidates), tuple(days), tuple(sorted(first_of)), first_of)

    def previous(self, edition: Edition) -> Edition | None:
        """previous_edition, looked up."""
        below = bisect.bisect_left(self.numbers, edition.number)
        return self.first_of[self.numbers[below - 1]] if below else None

    def dated_within(self, start: dt.date, end: dt.date) -> list[_Candidate]:
        """Candidates with any date in (start, end], in library order."""
        low = bisect.bisect_right(self.days, (start, len(self.candidates)))
        high = bisect.bisect_right(self.days, (end, len(self.candidates)))
        return [self.candidates[n] for n in sorted({n for _, n in self.days[low:high]})]


_LAST: list[tuple[tuple[int, ...], tuple[DocumentBase, ...], _Pool]] = []


def _pool(documents: tuple[DocumentBase, ...], ids: tuple[int, ...]) -> _Pool:
    if _LAST and _LAST[0][0] == ids:
        return _LAST[0][2]
    pool = _Pool.of(documents)
    _LAST[:] = [(ids, documents, pool)]  # the documents held, so their ids stay theirs
    return pool


def _edition_changes(edition: Edition, pool: _Pool) -> list[Change]:
    before = pool.previous(edition)
    if before is None:
        return []
    start, end = before.date, edition.date
    roles = set(edition.all_roles)
    changes: list[Change] = []
    for c in pool.dated_within(start, end) if start < end else ():
        if roles and c.roles and roles.isdisjoint(c.roles):
            continue
        versions = [day for day in c.versions if start < day <= end]
        if c.published is not None and start < c.published <= end:
            changes.append(Change(c.doc, "published", c.published))
        elif versions:  # a new scorecard version says more than a review date
            changes.append(Change(c.doc, "version", max(versions)))
        elif c.reviewed is not None and start < c.reviewed <= end:
            changes.append(Change(c.doc, "reviewed", c.reviewed))
    changes.sort(key=lambda c: (-c.day.toordinal(), sort_key(c.doc.title), c.doc.id))
    return changes
