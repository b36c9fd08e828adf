"""Feeds: valid Atom and JSON Feed 1.1, absolute links, content dates, role filtering."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from craftbook import labels
from craftbook.feeds import DEFAULT_SITE_URL, JSON_FEED_VERSION, MAX_ITEMS, feed_files
from craftbook.library import Library, load_library
from craftbook.render import RenderOptions

HUB = Path(__file__).parent / "fixtures" / "hub"
ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://example.org/craftbook/"
TODAY = dt.date(2026, 12, 1)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def full() -> Library:
    return load_library(HUB)


@pytest.fixture(scope="module")
def public(full: Library) -> dict[str, bytes]:
    return feed_files(full.select(), RenderOptions(today=TODAY, site_url=SITE))


@pytest.fixture(scope="module")
def members(full: Library) -> dict[str, bytes]:
    return feed_files(full.select(audience="members"), RenderOptions(today=TODAY, site_url=SITE))


def entry_ids(feed: bytes) -> list[str]:
    return [e.id for e in feedparser.parse(feed).entries]


def url(kinddir: str, doc_id: str) -> str:
    return f"{SITE}{kinddir}/{doc_id}/"


TAG_FEEDS = ["tags/인정/feed.xml", "tags/코칭/feed.xml"]  # the public tags of tests/fixtures/hub


def test_every_feed_is_written(public: dict[str, bytes]) -> None:
    expected = {"feed.xml", "feed.json"} | {f"roles/{r}/feed.xml" for r in labels.ROLE_TRACK_ORDER}
    assert set(public) == expected | set(TAG_FEEDS)


@pytest.mark.parametrize("path", ["feed.xml", *(f"roles/{r}/feed.xml" for r in labels.ROLE_TRACK_ORDER), *TAG_FEEDS])
def test_atom_feeds_are_valid(public: dict[str, bytes], path: str) -> None:
    parsed = feedparser.parse(public[path])
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    # Required by RFC 4287, checked on the XML itself rather than through feedparser's leniency.
    root = ET.fromstring(public[path])
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{tag}") or "").strip(), tag
    assert RFC3339.match(root.findtext(f"{ATOM}updated") or "")
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == SITE + path
    assert root.find(f"{ATOM}author/{ATOM}name") is not None  # entries inherit it
    for entry in root.findall(f"{ATOM}entry"):
        assert (entry.findtext(f"{ATOM}id") or "").startswith(SITE)
        assert (entry.findtext(f"{ATOM}title") or "").strip()
        assert (entry.findtext(f"{ATOM}summary") or "").strip()
        assert RFC3339.match(entry.findtext(f"{ATOM}updated") or "")
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None and link.get("href", "").startswith(SITE)


def test_site_feed_holds_editions_and_dated_documents_newest_first(public: dict[str, bytes]) -> None:
    parsed = feedparser.parse(public["feed.xml"])
    assert [e.id for e in parsed.entries] == [
        url("editions", "edition-2026-11"),  # 2026-11-20
        url("scripts", "script-hub"),  # reviewed 2026-11-02
        url("playbooks", "pb-sup-coaching"),  # reviewed 2026-10-01
        url("editions", "edition-2026-09"),  # 2026-09-15
        url("playbooks", "pb-qa-stale"),  # reviewed 2026-01-10
        url("resources", "res-public"),  # published 2021-07-12
    ]
    # lesson-hub has no date at all and res-retired is retired: neither is news.
    assert url("lessons", "lesson-hub") not in entry_ids(public["feed.xml"])
    assert url("resources", "res-retired") not in entry_ids(public["feed.xml"])


def test_dates_come_from_the_content(public: dict[str, bytes]) -> None:
    entries = {e.id: e for e in feedparser.parse(public["feed.xml"]).entries}
    edition = entries[url("editions", "edition-2026-11")]
    assert edition.published == "2026-11-20T00:00:00Z"
    assert edition.updated == "2026-11-20T00:00:00Z"
    assert entries[url("resources", "res-public")].updated == "2021-07-12T00:00:00Z"
    root = ET.fromstring(public["feed.xml"])
    assert root.findtext(f"{ATOM}updated") == "2026-11-20T00:00:00Z"  # newest item, not the clock


def test_feeds_are_reproducible(full: Library) -> None:
    library = full.select()
    first = feed_files(library, RenderOptions(today=TODAY, site_url=SITE))
    later = feed_files(library, RenderOptions(today=TODAY + dt.timedelta(days=400), site_url=SITE))
    assert first == later


def test_titles_and_notes_stay_text(public: dict[str, bytes]) -> None:
    parsed = feedparser.parse(public["feed.xml"])
    titles = {e.id: e.title for e in parsed.entries}
    assert titles[url("editions", "edition-2026-11")] == "2026년 11월호 — 피드백 & 질문"
    root = ET.fromstring(public["feed.xml"])
    content = next(
        e.findtext(f"{ATOM}content") or ""
        for e in root.findall(f"{ATOM}entry")
        if e.findtext(f"{ATOM}id") == url("editions", "edition-2026-11")
    )
    # The edition's HTML content escapes the note's markup: it is shown, never run.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script" not in content
    assert '<a href="https://example.com/feedback?a=1&amp;b=2"' in content


def test_edition_content_skips_picks_left_out_of_the_build(public: dict[str, bytes], members: dict[str, bytes]) -> None:
    def content(feed: bytes) -> str:
        entry = next(e for e in feedparser.parse(feed).entries if e.id == url("editions", "edition-2026-11"))
        return entry.content[0].value

    assert url("resources", "res-members-pay") not in content(public["feed.xml"])
    assert url("lessons", "lesson-draft") not in content(public["feed.xml"])
    assert url("playbooks", "pb-qa-stale") in content(public["feed.xml"])
    assert url("resources", "res-members-pay") in content(members["feed.xml"])


def test_relative_links_in_an_intro_become_absolute(public: dict[str, bytes]) -> None:
    feed = json.loads(public["feed.json"])
    item = next(i for i in feed["items"] if i["id"] == url("editions", "edition-2026-09"))
    assert f'href="{SITE}playbooks/pb-sup-coaching/"' in item["content_html"]
    assert 'href="../' not in item["content_html"]


def test_json_feed_is_valid_1_1(public: dict[str, bytes]) -> None:
    feed = json.loads(public["feed.json"])
    assert feed["version"] == JSON_FEED_VERSION == "https://jsonfeed.org/version/1.1"
    assert feed["title"]
    assert feed["home_page_url"] == SITE
    assert feed["feed_url"] == SITE + "feed.json"
    assert isinstance(feed["items"], list) and feed["items"]
    for item in feed["items"]:
        assert item["id"] and item["url"].startswith(SITE) and item["title"]
        assert item.get("content_text") or item.get("content_html")
        assert item["summary"]
        for key in ("date_published", "date_modified"):
            assert RFC3339.match(item[key]), item[key]
            dt.datetime.fromisoformat(item[key])
    # The same items, in the same order, as the Atom feed.
    assert [i["id"] for i in feed["items"]] == entry_ids(public["feed.xml"])


def test_role_feeds_only_hold_that_role(public: dict[str, bytes], members: dict[str, bytes], full: Library) -> None:
    assert entry_ids(public["roles/qa/feed.xml"]) == [
        url("editions", "edition-2026-11"),
        url("playbooks", "pb-qa-stale"),
    ]
    assert set(entry_ids(public["roles/supervisor/feed.xml"])) == {
        url("playbooks", "pb-sup-coaching"),
        url("editions", "edition-2026-09"),
        url("resources", "res-public"),
    }
    assert entry_ids(public["roles/trainer/feed.xml"]) == []  # its only public lesson is undated
    # The members build adds the members-only qa/supervisor resource, to those roles only.
    assert url("resources", "res-members-pay") in entry_ids(members["roles/qa/feed.xml"])
    assert url("resources", "res-members-pay") not in entry_ids(members["roles/agent/feed.xml"])
    by_url = {f"{SITE}{labels.KIND_DIR[e.doc.kind]}/{e.id}/": e.doc for e in full}
    for feeds in (public, members):
        for role in labels.ROLE_TRACK_ORDER:
            for entry_id in entry_ids(feeds[f"roles/{role}/feed.xml"]):
                assert role in by_url[entry_id].all_roles, (role, entry_id)


def test_public_feeds_never_name_members_only_documents(public: dict[str, bytes], full: Library) -> None:
    hidden = [e.doc for e in full if e.doc.access == "members"]
    assert hidden
    for path, content in public.items():
        text = content.decode("utf-8")
        for doc in hidden:
            assert doc.id not in text, (path, doc.id)
            assert doc.title not in text, (path, doc.title)


def test_site_url_without_trailing_slash(full: Library) -> None:
    files = feed_files(full.select(), RenderOptions(today=TODAY, site_url="https://example.org/craftbook"))
    assert all(i.startswith(SITE) for i in entry_ids(files["feed.xml"]))


def test_empty_site_url_falls_back_to_the_local_preview(full: Library, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="craftbook.feeds"):
        files = feed_files(full.select(), RenderOptions(today=TODAY, site_url=""))
    assert all(i.startswith(DEFAULT_SITE_URL) for i in entry_ids(files["feed.xml"]))
    assert feedparser.parse(files["feed.xml"]).bozo == 0
    assert "site_url is empty" in caplog.text


def test_empty_library_still_gives_valid_feeds(tmp_path: Path) -> None:
    files = feed_files(Library(tmp_path), RenderOptions(today=TODAY, site_url=SITE))
    parsed = feedparser.parse(files["feed.xml"])
    assert parsed.bozo == 0 and parsed.entries == []
    assert parsed.feed.updated == "2026-12-01T00:00:00Z"  # the build date (SOURCE_DATE_EPOCH)
    assert json.loads(files["feed.json"])["items"] == []


def test_feed_keeps_only_the_newest_items(tmp_path: Path) -> None:
    start = dt.date(2026, 1, 1)
    for n in range(MAX_ITEMS + 5):
        (tmp_path / f"r{n}.yaml").write_text(
            f"kind: resource\nid: res-{n}\ntitle: 자료 {n}\nsummary: 요약 {n}\n"
            f"reviewed: {(start + dt.timedelta(days=n)).isoformat()}\n",
            encoding="utf-8",
        )
    files = feed_files(load_library(tmp_path), RenderOptions(today=TODAY, site_url=SITE))
    ids = entry_ids(files["feed.xml"])
    assert len(ids) == MAX_ITEMS
    assert ids[0] == url("resources", f"res-{MAX_ITEMS + 4}")
    assert url("resources", "res-0") not in ids


def test_each_tag_feed_holds_exactly_the_dated_documents_with_that_tag(full: Library, public: dict[str, bytes]) -> None:
    published = full.select()
    for tag, path in (("인정", "tags/인정/feed.xml"), ("코칭", "tags/코칭/feed.xml")):
        root = ET.fromstring(public[path])
        assert root.findtext(f"{ATOM}title") == f"Craftbook — 태그: {tag}"
        assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{SITE}tags/{tag}/"  # type: ignore[union-attr]
        expected = {
            url(labels.KIND_DIR[e.doc.kind], e.id)
            for e in published
            if tag in e.doc.tags
            and e.doc.status != "retired"
            and (e.doc.reviewed or getattr(e.doc, "date", None) or getattr(e.doc, "published", None))
        }
        assert expected and set(entry_ids(public[path])) == expected


def test_no_members_only_tag_gets_a_public_feed(
    full: Library, public: dict[str, bytes], members: dict[str, bytes]
) -> None:
    public_tags = {t for e in full.select() for t in e.doc.tags}
    assert {p.split("/")[1] for p in public if p.startswith("tags/")} == public_tags
    assert set(members) >= set(public)


@pytest.mark.parametrize("path", ["feed.xml", "roles/qa/feed.xml", "tags/인정/feed.xml"])
def test_every_atom_feed_names_its_stylesheets_relative_to_itself(public: dict[str, bytes], path: str) -> None:
    up = "../" * path.count("/")
    head = public[path].decode("utf-8").split("<feed", 1)[0]
    assert head.splitlines()[1:] == [
        f'<?xml-stylesheet type="text/xsl" href="{up}assets/feed.xsl"?>',
        f'<?xml-stylesheet type="text/css" href="{up}assets/feed.css"?>',
    ]
    help_link = ET.fromstring(public[path]).find(f"{ATOM}link[@rel='help']")
    assert help_link is not None and help_link.get("href") == f"{SITE}subscribe/"
