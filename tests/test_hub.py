"""The subscription hub, built for real: members/public split, editions, review state,
role tracks, tags, feeds and digests in the site. Both builds use one fixed date."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest
import yaml
from click.testing import CliRunner
from craftbook import labels
from craftbook.build import BuildOptions, build
from craftbook.cli import main
from craftbook.commands import check_library
from craftbook.library import Library, load_library
from craftbook.render import review_state
from mkdocs.utils.yaml import get_yaml_loader

ROOT = Path(__file__).resolve().parent.parent
HUB = Path(__file__).parent / "fixtures" / "hub"
SITE_URL = "https://example.org/craftbook/"
TODAY = dt.date(2026, 12, 1)
EPOCH = str(int(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC).timestamp()))

pytestmark = pytest.mark.slow


def published_config(folder: Path) -> Path:
    """The project's mkdocs.yml with a real `site_url`, as a published site has one.

    Without it MkDocs leaves the sitemap and canonical links empty, and a leak there
    would go unseen. Paths are made absolute because the copy lives elsewhere.
    """
    parent = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=get_yaml_loader())
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "site_url": SITE_URL,
        "docs_dir": str(ROOT / parent.get("docs_dir", "docs")),
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hub")
    config = published_config(folder)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return {
            audience: build(BuildOptions(config_file=config, out=folder / audience, playbooks=HUB, audience=audience))
            for audience in ("public", "members")
        }


@pytest.fixture(scope="module")
def full() -> Library:
    return load_library(HUB)


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def article(site: Path, rel: str) -> str:
    page = read(site, rel)
    return page[page.index("<article") : page.index("</article>")]


def site_texts(site: Path) -> dict[str, str]:
    """Every file of a site as searchable text: gzip opened, JSON decoded, HTML unescaped."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="ignore")
        forms = [text, html.unescape(text)]
        if path.suffix == ".json":
            forms.append(json.dumps(json.loads(text), ensure_ascii=False))
        texts[str(path.relative_to(site))] = "\n".join(forms).casefold()
    return texts


def secrets(library: Library, keep: Callable[..., bool]) -> list[str]:
    """Titles, summaries, ids, tags and the rare words of the documents a build must leave out."""
    found: list[str] = []
    for entry in library:
        doc = entry.doc
        if keep(doc):
            continue
        found += [doc.title, doc.summary, doc.id, *doc.tags]
        found += re.findall(r"[A-Z][a-z]{4,}", f"{doc.title} {doc.summary}")
    return [s.casefold() for s in found]


# ------------------------------------------------------------------ members/public


def test_public_site_never_names_a_members_only_document(sites: dict[str, Path], full: Library) -> None:
    hidden = secrets(full, lambda d: d.access != "members")
    assert len(hidden) > 10
    texts = site_texts(sites["public"])
    # The places a leak would hide must exist for this to mean anything.
    for rel in ("search/search_index.json", "sitemap.xml", "feed.xml", "feed.json", "roles/qa/feed.xml"):
        assert rel in texts
    assert f"{SITE_URL}resources/res-public/" in texts["sitemap.xml"]
    leaks = [(rel, s) for rel, text in texts.items() for s in hidden if s in text]
    assert leaks == []


def test_members_site_holds_what_the_public_one_leaves_out(sites: dict[str, Path], full: Library) -> None:
    # The same scan finds them in a members build: it can fail.
    texts = site_texts(sites["members"])
    members_pay = full.get("res-members-pay")
    assert members_pay is not None
    for rel in ("search/search_index.json", "feed.xml", "feed.json", "sitemap.xml", "roles/qa/feed.xml"):
        assert "res-members-pay" in texts[rel], rel
    assert f"{SITE_URL}resources/res-members-pay/" in texts["resources/res-members-pay/index.html"]  # canonical
    for rel in (
        "search/search_index.json",
        "resources/res-members-pay/index.html",
        "playbooks/pb-sup-coaching/index.html",
    ):
        assert members_pay.title.casefold() in texts[rel], rel
    assert (sites["members"] / "editions/edition-2026-12-members/email.html").is_file()


def test_drafts_are_left_out_of_both_builds(sites: dict[str, Path], full: Library) -> None:
    hidden = secrets(full, lambda d: d.status != "draft")
    for site in sites.values():
        leaks = [(rel, s) for rel, text in site_texts(site).items() for s in hidden if s in text]
        assert leaks == []


def test_editions_skip_picks_left_out_of_the_build(sites: dict[str, Path]) -> None:
    public = article(sites["public"], "editions/edition-2026-11/index.html")
    members = article(sites["members"], "editions/edition-2026-11/index.html")
    assert public.count('class="admonition cb-pick"') == 3
    assert members.count('class="admonition cb-pick"') == 4
    assert "고른 글 3편" in public and "고른 글 4편" in members
    assert "../../resources/res-members-pay/" in members


def test_edition_page_shows_intro_notes_and_cards(sites: dict[str, Path]) -> None:
    page = article(sites["public"], "editions/edition-2026-09/index.html")
    assert "<strong>인정</strong>" in page  # the intro, rendered
    first, second = page.index("포상하기 대신 인정하기"), page.index("매일 5분 코칭 대화")
    assert first < second  # picks in the curator's order
    assert "고른 이유</strong> — 현장 관리자에게 먼저 권한다" in page
    card = page[page.index('class="admonition cb-pick"') :]
    card = card[: card.index("</div>")]
    assert 'data-kind="resource"' in card and 'data-role="supervisor"' in card
    assert "포상 대신 인정이 필요한 이유를 정리한 글." in card
    assert 'href="../../resources/res-public/"' in card
    assert 'href="email.html"' in page


def test_archive_lists_editions_newest_first(sites: dict[str, Path]) -> None:
    def order(site: Path) -> list[str]:
        return re.findall(r'href="(edition-[a-z0-9-]+)/"', article(site, "editions/index.html"))

    assert order(sites["public"]) == ["edition-2026-11", "edition-2026-09"]
    assert order(sites["members"]) == ["edition-2026-12-members", "edition-2026-11", "edition-2026-09"]


def test_home_shows_latest_edition_and_recent_documents(sites: dict[str, Path]) -> None:
    public = article(sites["public"], "index.html")
    latest = public[public.index("최신 호") :]
    assert latest.index("editions/edition-2026-11/") < latest.index("최근에 추가")
    recent = public[public.index("최근에 추가") :]
    assert recent.index("scripts/script-hub/") < recent.index("playbooks/pb-sup-coaching/")
    members = article(sites["members"], "index.html")
    assert "editions/edition-2026-12-members/" in members[members.index("최신 호") :][:400]


# ------------------------------------------------------------------ review state


def test_review_state_from_a_fixed_date(full: Library) -> None:
    doc = full.get("pb-qa-stale")
    assert doc is not None and doc.reviewed == dt.date(2026, 1, 10) and doc.review_every == 90
    due = doc.reviewed + dt.timedelta(days=doc.review_every)
    assert review_state(doc, due) == "fresh"
    assert review_state(doc, due + dt.timedelta(days=1)) == "stale"
    assert review_state(doc, TODAY) == "stale"
    assert review_state(full.get("pb-sup-coaching"), TODAY) == "fresh"  # type: ignore[arg-type]
    assert review_state(full.get("lesson-hub"), TODAY) == "unknown"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rel", "state"),
    [
        ("playbooks/pb-qa-stale/index.html", "stale"),
        ("playbooks/pb-sup-coaching/index.html", "fresh"),
        ("lessons/lesson-hub/index.html", "unknown"),
    ],
)
def test_pages_show_review_state_owner_and_date(sites: dict[str, Path], rel: str, state: str) -> None:
    page = article(sites["public"], rel)
    badges = re.findall(r'<span class="cb-review" data-review-state="([a-z]+)"[^>]*>([^<]*)</span>', page)
    assert [b[0] for b in badges] == [state]
    warning = 'class="admonition warning"' in page
    assert warning == (state == "stale")
    if rel.startswith("playbooks/pb-qa-stale"):
        assert "검토 2026-01-10" in badges[0][1] and "담당 QA팀" in badges[0][1]


def test_check_stale_lists_stale_documents_and_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    report = check_library(HUB, stale=True)
    stale_lines = [line for line in report.splitlines() if ": stale: " in line]
    assert stale_lines == [
        "pb-qa-stale.yaml: stale: pb-qa-stale (reviewed 2026-01-10, every 90 days; due 2026-04-10; owner QA팀)"
    ]
    result = CliRunner().invoke(main, ["check", str(HUB), "--stale"])
    assert result.exit_code == 0, result.output
    assert "stale: pb-qa-stale" in result.output and "1 stale documents" in result.output
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 2, 1, tzinfo=dt.UTC).timestamp())))
    assert "stale: pb-qa-stale" not in check_library(HUB, stale=True)


# ------------------------------------------------------------------ tracks, tags


def test_role_track_groups_documents_by_kind(sites: dict[str, Path]) -> None:
    page = article(sites["public"], "roles/supervisor/index.html")
    headings = re.findall(r"<h2[^>]*>(?:[^\w<]+ )?([^<(]+?) \((\d+)\)", page)
    assert headings == [
        (labels.KIND_LABEL["role-playbook"], "1"),
        (labels.KIND_LABEL["resource"], "1"),
        (labels.KIND_LABEL["edition"], "1"),
    ]
    sections = page.split("<h2")
    assert "pb-sup-coaching" in sections[1] and "res-public" in sections[2] and "edition-2026-09" in sections[3]
    assert "하루 한 번 5분" in sections[1]  # with the summary
    assert 'href="feed.xml"' in page


def test_tag_pages_list_documents_with_summaries(sites: dict[str, Path]) -> None:
    page = article(sites["public"], "tags/코칭/index.html")
    assert "../../playbooks/pb-sup-coaching/" in page and "../../playbooks/pb-qa-stale/" in page
    assert "하루 한 번 5분, 상담사와 과정에 관해 이야기하는 습관을 만든다." in page
    assert not (sites["public"] / "tags" / "내부보상설계").exists()
    assert (sites["members"] / "tags" / "내부보상설계" / "index.html").is_file()


# ------------------------------------------------------------------ feeds and digests in the site


def test_site_serves_feeds_and_digests(sites: dict[str, Path]) -> None:
    site = sites["public"]
    for rel in ["feed.xml", *(f"roles/{r}/feed.xml" for r in labels.ROLE_TRACK_ORDER)]:
        assert feedparser.parse((site / rel).read_bytes()).bozo == 0, rel
    feed = json.loads(read(site, "feed.json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == f"{SITE_URL}feed.json"  # absolute links from site_url
    assert all(item["url"].startswith(SITE_URL) for item in feed["items"])
    for edition in ("edition-2026-09", "edition-2026-11"):
        assert "<table" in read(site, f"editions/{edition}/email.html")
    assert not (site / "editions/edition-2026-12-members").exists()


def test_every_page_links_the_feeds_in_its_head(sites: dict[str, Path]) -> None:
    site = sites["public"]
    pages = [p for p in site.rglob("index.html")]
    assert len(pages) > 20
    for path in pages:
        head = path.read_text(encoding="utf-8").split("</head>")[0]
        links = re.findall(r'<link rel="alternate" type="(application/[a-z+]+)"[^>]*href="([^"]+)"', head)
        types = [t for t, _ in links]
        assert "application/atom+xml" in types and "application/feed+json" in types, path
        rel_dir = posixpath.dirname(str(path.relative_to(site)))
        for _, href in links:
            target = posixpath.normpath(posixpath.join(rel_dir, href))
            assert (site / target).is_file(), (path, href)
        parts = path.relative_to(site).parts
        if parts[0] in ("roles", "tags") and len(parts) > 2:  # a role's pages, a tag's pages
            feed = f"{parts[0]}/{parts[1]}/feed.xml"
            assert any(unquote(posixpath.normpath(posixpath.join(rel_dir, h))) == feed for _, h in links), path


def test_subscribe_page_lists_the_feeds(sites: dict[str, Path]) -> None:
    page = article(sites["public"], "subscribe/index.html")
    hrefs = set(re.findall(r'href="([^"]+)"', page))
    expected = {"../feed.xml", "../feed.json", *(f"../roles/{r}/feed.xml" for r in labels.ROLE_TRACK_ORDER)}
    assert expected <= hrefs
    for href in expected:
        assert (sites["public"] / posixpath.normpath(posixpath.join("subscribe", href))).is_file()
