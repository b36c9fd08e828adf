"""검토 현황: how much of the library can be trusted today, and whose reviews are late.

One computation for the `review/` page and `craftbook check --stale`, so both print the
same figures. The figure is Guru's *trust score*: the share of published documents that
are within their review interval (`reviewed + review_every` days is not before today).
Guru advises keeping it at 80 % or more (TRUST_TARGET). Drafts are not published and
retired documents are kept only as a record, so neither counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from . import labels
from .models import KINDS, DocumentBase
from .text import sort_key

TRUST_TARGET = 0.8  # Guru: keep the trust score at 80 % or more
NO_OWNER = "담당자 없음"


def review_state(doc: DocumentBase, today: dt.date) -> str:
    """`fresh` (within its interval), `stale` (past `reviewed + review_every` days) or
    `unknown` (no `reviewed` date)."""
    if doc.reviewed is None:
        return "unknown"
    return "stale" if today > due_date(doc) else "fresh"  # type: ignore[operator]


def due_date(doc: DocumentBase) -> dt.date | None:
    """The day the next review is due, or None without a `reviewed` date."""
    if doc.reviewed is None:
        return None
    return doc.reviewed + dt.timedelta(days=doc.review_every)


@dataclass(frozen=True)
class Share:
    """`current` of `total` documents of one group are within their review interval."""

    label: str
    current: int
    total: int

    @property
    def percent(self) -> int:
        """Whole per cent, rounded down: 79.9 % must not read as the target's 80 %."""
        return self.current * 100 // self.total if self.total else 0

    @property
    def meets_target(self) -> bool:
        return self.total > 0 and self.current >= TRUST_TARGET * self.total


@dataclass(frozen=True)
class Overdue:
    doc: DocumentBase
    due: dt.date
    days_late: int  # days between the due date and today


@dataclass(frozen=True)
class ReviewReport:
    today: dt.date
    overall: Share
    by_owner: list[Share]  # 가나다 order; documents without owner last, as NO_OWNER
    by_kind: list[Share]  # the contract's kind order; kinds with no published document left out
    overdue: list[Overdue]  # oldest due date first
    no_review_date: list[DocumentBase]  # by title
    no_owner: list[DocumentBase]  # by title

    @property
    def target_percent(self) -> int:
        return round(TRUST_TARGET * 100)


def _share(label: str, docs: list[DocumentBase], today: dt.date) -> Share:
    return Share(label, sum(review_state(d, today) == "fresh" for d in docs), len(docs))


def review_report(docs: Iterable[DocumentBase], today: dt.date) -> ReviewReport:
    """The 검토 현황 figures of the published documents among `docs`, as of `today`.

    Editions are left out: an issue of the subscription is a record of its day, not
    knowledge that goes stale, and past issues must not ask curators for re-reviews.
    """
    published = [d for d in docs if d.status == "published" and d.kind != "edition"]
    by_title = sorted(published, key=lambda d: (sort_key(d.title), d.id))
    owners: dict[str, list[DocumentBase]] = {}
    for doc in by_title:
        owners.setdefault(doc.owner or "", []).append(doc)
    by_owner = [_share(owner, owners[owner], today) for owner in sorted(o for o in owners if o)]
    if "" in owners:
        by_owner.append(_share(NO_OWNER, owners[""], today))
    by_kind = [
        _share(labels.KIND_LABEL[kind], of_kind, today)
        for kind in KINDS
        if (of_kind := [d for d in published if d.kind == kind])
    ]
    overdue = sorted(
        (
            Overdue(doc, due, (today - due).days)
            for doc in published
            if review_state(doc, today) == "stale" and (due := due_date(doc)) is not None
        ),
        key=lambda o: (o.due, sort_key(o.doc.title), o.doc.id),
    )
    return ReviewReport(
        today=today,
        overall=_share("전체", published, today),
        by_owner=by_owner,
        by_kind=by_kind,
        overdue=overdue,
        no_review_date=[d for d in by_title if d.reviewed is None],
        no_owner=[d for d in by_title if not d.owner],
    )


def report_lines(report: ReviewReport, where: dict[str, str] | None = None) -> list[str]:
    """The same figures as plain lines for `craftbook check --stale`.

    `where` maps a document id to its file (relative to the library), printed first as
    the compiler convention does, so an editor can jump to it.
    """
    where = where or {}

    def place(doc: DocumentBase) -> str:
        return f"{where[doc.id]}: " if doc.id in where else ""

    def figure(share: Share) -> str:
        mark = "" if share.meets_target else f" (below {report.target_percent}%)"
        return f"{share.percent}% ({share.current} of {share.total}){mark}"

    lines = [f"trust score: {figure(report.overall)} within their review interval on {report.today.isoformat()}"]
    lines += [f"  owner {share.label}: {figure(share)}" for share in report.by_owner]
    lines += [f"  kind {share.label}: {figure(share)}" for share in report.by_kind]
    for item in report.overdue:
        doc = item.doc
        lines.append(
            f"{place(doc)}stale: {doc.id} (reviewed {doc.reviewed}, every {doc.review_every} days; "
            f"due {item.due.isoformat()}; owner {doc.owner or 'unknown'})"
        )
    lines += [f"{place(doc)}no review date: {doc.id} (owner {doc.owner or 'unknown'})" for doc in report.no_review_date]
    lines += [f"{place(doc)}no owner: {doc.id}" for doc in report.no_owner]
    lines.append(f"{len(report.overdue)} stale documents")
    return lines
