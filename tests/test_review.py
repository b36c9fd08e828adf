"""검토 현황: the trust score (share of published documents within their review interval),
per owner and per kind, the overdue list and the documents nobody can vouch for; the
`review/` page and `craftbook check --stale` print the same figures."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from craftbook.cli import main
from craftbook.library import load_library
from craftbook.models import Resource
from craftbook.render import REVIEW_LIST_LIMIT, RenderOptions, render_site
from craftbook.review import TRUST_TARGET, Share, review_report, review_state

TODAY = dt.date(2026, 12, 1)


def doc(doc_id: str, **fields: Any) -> Resource:
    data = {"kind": "resource", "id": doc_id, "title": fields.pop("title", doc_id), "summary": "요약"}
    return Resource.model_validate({**data, **fields})


def reviewed(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def test_a_document_is_fresh_through_its_due_day_and_stale_the_day_after() -> None:
    d = doc("a", reviewed=reviewed(90), review_every=90)
    assert review_state(d, TODAY) == "fresh"  # due today
    assert review_state(d, TODAY + dt.timedelta(days=1)) == "stale"
    assert review_state(doc("b"), TODAY) == "unknown"


def test_the_trust_score_counts_published_documents_within_their_interval() -> None:
    docs = [
        doc("fresh-1", owner="QA팀", reviewed=reviewed(10)),
        doc("fresh-2", owner="QA팀", reviewed=reviewed(179)),
        doc("stale-1", owner="운영팀", reviewed=reviewed(181)),
        doc("unknown-1", owner="운영팀"),  # no review date: not within its interval
        doc("draft-1", owner="운영팀", status="draft"),  # not published: not counted
        doc("retired-1", owner="운영팀", status="retired", reviewed=reviewed(999)),  # a record: not counted
    ]
    report = review_report(docs, TODAY)
    assert report.overall == Share("전체", 2, 4)
    assert report.overall.percent == 50 and not report.overall.meets_target
    assert report.by_owner == [Share("QA팀", 2, 2), Share("운영팀", 0, 2)]
    assert report.by_kind == [Share("추천 자료", 2, 4)]
    assert [o.doc.id for o in report.overdue] == ["stale-1"]
    assert [d.id for d in report.no_review_date] == ["unknown-1"]
    assert report.no_owner == []


def test_percent_is_rounded_down_so_just_under_the_target_does_not_read_as_it() -> None:
    share = Share("x", 799, 1000)
    assert share.percent == 79 and not share.meets_target
    assert Share("x", 4, 5).meets_target and Share("x", 4, 5).percent == round(TRUST_TARGET * 100)
    assert Share("x", 0, 0).percent == 0 and not Share("x", 0, 0).meets_target


def test_overdue_documents_come_oldest_due_date_first_with_owner_and_due_date() -> None:
    docs = [
        doc("late-a", owner="교육팀", reviewed=reviewed(200), review_every=180),  # due 20 days ago
        doc("late-b", reviewed=reviewed(100), review_every=30),  # due 70 days ago, no owner
        doc("late-c", owner="QA팀", reviewed=reviewed(400), review_every=365),  # due 35 days ago
    ]
    overdue = review_report(docs, TODAY).overdue
    assert [(o.doc.id, o.days_late, o.due) for o in overdue] == [
        ("late-b", 70, TODAY - dt.timedelta(days=70)),
        ("late-c", 35, TODAY - dt.timedelta(days=35)),
        ("late-a", 20, TODAY - dt.timedelta(days=20)),
    ]


def test_documents_without_owner_are_listed_and_grouped_last() -> None:
    docs = [doc("b", title="나중"), doc("a", title="가장 먼저", reviewed=reviewed(1)), doc("c", owner="팀")]
    report = review_report(docs, TODAY)
    assert [d.id for d in report.no_owner] == ["a", "b"]  # 가나다 order of titles
    assert [s.label for s in report.by_owner] == ["팀", "담당자 없음"]
    assert [d.id for d in report.no_review_date] == ["c", "b"]  # Latin sorts before Hangul


def test_an_empty_library_has_no_score_and_no_rows() -> None:
    report = review_report([], TODAY)
    assert report.overall == Share("전체", 0, 0)
    assert report.by_owner == report.by_kind == report.overdue == []


@pytest.fixture
def library(tmp_path: Path) -> Path:
    files = {
        "a.yaml": f"kind: resource\nid: res-a\ntitle: 가\nsummary: s\nowner: QA팀\nreviewed: {reviewed(5)}\n",
        "b.yaml": f"kind: resource\nid: res-b\ntitle: 나\nsummary: s\nowner: 운영팀\nreviewed: {reviewed(300)}\n",
        "c.yaml": "kind: resource\nid: res-c\ntitle: 다\nsummary: s\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_check_stale_prints_the_figures_of_the_review_page(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 12, 1, tzinfo=dt.UTC).timestamp())))
    result = CliRunner().invoke(main, ["check", str(library), "--stale"])
    assert result.exit_code == 0, result.output
    due = (TODAY - dt.timedelta(days=120)).isoformat()
    assert result.output.splitlines() == [
        "trust score: 33% (1 of 3) (below 80%) within their review interval on 2026-12-01",
        "  owner QA팀: 100% (1 of 1)",
        "  owner 운영팀: 0% (0 of 1) (below 80%)",
        "  owner 담당자 없음: 0% (0 of 1) (below 80%)",
        "  kind 추천 자료: 33% (1 of 3) (below 80%)",
        f"b.yaml: stale: res-b (reviewed {reviewed(300)}, every 180 days; due {due}; owner 운영팀)",
        "c.yaml: no review date: res-c (owner unknown)",
        "c.yaml: no owner: res-c",
        "1 stale documents",
        "ok: 3 documents valid",
        "3 files read",
    ]
    page = render_site(load_library(library), RenderOptions(today=TODAY))["review/index.md"]
    assert 'data-trust-percent="33" data-meets-target="false"' in page
    assert "| 운영팀 | 0% | 0 / 1 | **목표 미달** |" in page
    row = next(line for line in page.splitlines() if "(../resources/res-b.md)" in line)
    cells = [cell.strip().replace("\\", "") for cell in row.strip("|").split("|")]
    assert cells == ["[나](../resources/res-b.md) · 추천 자료", "운영팀", reviewed(300), due, "120일"]
    assert "- [다](../resources/res-c.md) · 추천 자료 · 담당자 없음" in page


def test_the_page_shows_the_first_entries_of_a_long_list_and_says_how_many_more(tmp_path: Path) -> None:
    """The page must not grow with the library; `craftbook check --stale` prints every line."""
    for i in range(REVIEW_LIST_LIMIT + 5):
        (tmp_path / f"r{i:02d}.yaml").write_text(
            f"kind: resource\nid: res-{i:02d}\ntitle: 자료 {i:02d}\nsummary: s\n", encoding="utf-8"
        )
    page = render_site(load_library(tmp_path), RenderOptions(today=TODAY))["review/index.md"]
    no_owner = page.split("{ #no-owner }", 1)[1]
    assert len(re.findall(r"(?m)^- ", no_owner)) == REVIEW_LIST_LIMIT
    assert "그 밖에 5건이 더 있습니다. 전체 목록은 `craftbook check --stale`로 볼 수 있습니다." in no_owner


def test_past_editions_are_records_not_knowledge_to_review() -> None:
    from craftbook.models import Edition

    old = Edition.model_validate(
        {
            "kind": "edition",
            "id": "ed-1",
            "title": "1호",
            "summary": "s",
            "number": 1,
            "date": "2020-01-01",
            "reviewed": "2020-01-01",
            "picks": [{"ref": "a"}],
        }
    )
    report = review_report([doc("a", reviewed=reviewed(10)), old], TODAY)
    assert (report.overall.current, report.overall.total) == (1, 1)
    assert not report.overdue
