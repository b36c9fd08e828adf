"""What changed since the previous edition: from the documents' own dates, in the edition's
page, its feed entry and its e-mail, without the curator listing anything by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from craftbook.changes import edition_changes, previous_edition
from craftbook.digest import digest_files
from craftbook.feeds import feed_files
from craftbook.library import load_library
from craftbook.models import Edition, Resource, RolePlaybook
from craftbook.render import RenderOptions, render_site

HUB = Path(__file__).parent / "fixtures" / "hub"
SITE = "https://example.org/craftbook/"
TODAY = dt.date(2026, 12, 1)


def edition(number: int, date: str, **fields: Any) -> Edition:
    data = {"kind": "edition", "id": f"ed-{number}", "title": f"{number}호", "summary": "s", "number": number}
    return Edition.model_validate({**data, "date": date, "picks": [{"ref": "x"}], **fields})


def resource(doc_id: str, **fields: Any) -> Resource:
    return Resource.model_validate({"kind": "resource", "id": doc_id, "title": doc_id, "summary": "s", **fields})


def test_the_window_runs_from_the_day_after_the_previous_edition_to_this_editions_date() -> None:
    first, second = edition(1, "2026-10-15"), edition(2, "2026-11-20")
    docs = [
        first,
        second,
        resource("on-previous-day", reviewed="2026-10-15"),  # belonged to the previous edition
        resource("day-after", reviewed="2026-10-16"),
        resource("on-the-day", reviewed="2026-11-20"),
        resource("too-late", reviewed="2026-11-21"),  # for the next edition
        resource("new-article", published="2026-11-01", reviewed="2026-11-02"),
        resource("old-article", published="2019-01-01", reviewed="2026-11-03"),
        resource("retired", reviewed="2026-11-01", status="retired"),
        resource("undated"),
    ]
    changes = edition_changes(second, docs)
    assert [(c.doc.id, c.what, c.day.isoformat()) for c in changes] == [
        ("on-the-day", "reviewed", "2026-11-20"),
        ("old-article", "reviewed", "2026-11-03"),
        ("new-article", "published", "2026-11-01"),  # a new article wins over its review
        ("day-after", "reviewed", "2026-10-16"),
    ]
    assert [c.label for c in changes] == ["검토·수정", "검토·수정", "새 자료", "검토·수정"]
    assert previous_edition(second, docs) is first
    assert edition_changes(first, docs) == []  # the first edition has no previous one


def test_an_edition_for_some_roles_lists_what_concerns_them_and_everyone() -> None:
    docs = [
        edition(1, "2026-10-01"),
        qa_edition := edition(2, "2026-11-01", roles=["qa"]),
        resource("for-qa", roles=["qa"], reviewed="2026-10-10"),
        resource("for-agents", roles=["agent"], reviewed="2026-10-10"),
        resource("for-everyone", reviewed="2026-10-10"),
        RolePlaybook.model_validate(
            {
                "kind": "role-playbook",
                "id": "pb-qa",  # concerns QA through its `role`, not `roles`
                "title": "pb",
                "summary": "s",
                "role": "qa",
                "shift": {"from": "a", "to": "b"},
                "crafting": {"task": ["t"]},
                "practices": [{"title": "p", "cadence": "daily", "steps": ["s"]}],
                "reviewed": "2026-10-11",
            }
        ),
    ]
    assert [c.doc.id for c in edition_changes(qa_edition, docs)] == ["pb-qa", "for-everyone", "for-qa"]


def test_page_feed_and_email_list_the_changes_of_this_build_only() -> None:
    """In the hub fixture only a members-only resource concerns QA between the two public
    editions: the members build lists it everywhere, the public build nowhere."""
    full = load_library(HUB)
    options = RenderOptions(today=TODAY, site_url=SITE)
    member_url = f"{SITE}resources/res-members-pay/"
    members, public = full.select(audience="members"), full.select()
    page = render_site(members, options)["editions/edition-2026-11.md"]
    assert "## 지난 호 이후 추가·검토된 문서 { #changes }" in page
    assert "(../resources/res-members-pay.md) · 추천 자료 · 검토·수정 2026\\-11\\-15" in page
    feed = feed_files(members, options)["feed.xml"].decode("utf-8")
    assert f'&lt;a href="{member_url}"&gt;' in feed and "지난 호 이후 추가·검토된 문서" in feed
    email = digest_files(members, options)["editions/edition-2026-11/email.html"].decode("utf-8")
    assert f'<a href="{member_url}"' in email and "지난 호 이후 추가·검토된 문서 1건" in email

    public_page = render_site(public, options)["editions/edition-2026-11.md"]
    assert "이 기간에 추가·검토된 문서가 없습니다." in public_page
    assert "res-members-pay" not in feed_files(public, options)["feed.xml"].decode("utf-8")
    public_email = digest_files(public, options)["editions/edition-2026-11/email.html"].decode("utf-8")
    assert "res-members-pay" not in public_email and "지난 호 이후 추가·검토된 문서" not in public_email


def test_a_new_scorecard_version_in_the_window_is_a_change() -> None:
    from craftbook.models import Scorecard

    first, second = edition(1, "2026-10-15"), edition(2, "2026-11-20")
    card = Scorecard.model_validate(
        {
            "kind": "scorecard",
            "id": "qa-x",
            "title": "평가표",
            "summary": "s",
            "channel": "call",
            "reviewed": "2026-09-01",
            "version": 2,
            "changes": [{"version": 2, "date": "2026-10-22", "summary": "고지 항목을 N/A로"}],
            "sections": [{"title": "a", "weight": 100, "criteria": [{"id": "c", "text": "t", "points": 100}]}],
        }
    )
    changes = edition_changes(second, [first, second, card])
    assert [(c.doc.id, c.what, c.day.isoformat(), c.label) for c in changes] == [
        ("qa-x", "version", "2026-10-22", "새 버전")
    ]
