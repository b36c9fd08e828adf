"""Tokenisation for the search index (generator/search.py), and Korean slugs and sorting."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from craftbook import search
from craftbook.library import load_library
from craftbook.models import KINDS
from craftbook.render import sort_key
from craftbook.search import Morph, augment_index, compound_terms, dump_index, index_terms, word_info
from craftbook.urls import slugify

# --------------------------------------------------------------- with Kiwi's model


@pytest.mark.parametrize(
    ("text", "reachable"),
    [
        ("상담품질평가표", {"품질평가표", "평가표"}),
        ("원콜처리율개선", {"처리율개선", "개선"}),
        ("한줄업무일지", {"업무일지", "일지"}),
        ("권한위임매트릭스", {"위임매트릭스", "매트릭스"}),
        ("야간콜백예약표", {"콜백예약표", "예약표"}),
        ("비대면상담", {"대면상담", "상담"}),
    ],
)
def test_every_later_part_of_a_compound_starts_a_token(text: str, reachable: set[str]) -> None:
    # lunr matches a query against the start of a token, so 평가표 needs a token 평가표….
    assert reachable <= set(index_terms(text))


def test_a_suffix_stays_with_its_noun() -> None:
    # 처리율 is one word (처리 + the suffix 율): no token may be the bare suffix.
    terms = index_terms("원콜처리율개선")
    assert "처리율개선" in terms
    assert not any(term.startswith("율") for term in terms)


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("상담사에게", "상담사"),
        ("상담사에게는", "상담사"),
        ("평가표를", "평가표"),
        ("확인했는가", "확인"),
        ("안내해", "안내"),
        ("코칭도", "코칭"),
        ("이탈률이", "이탈률"),
        ("kpi를", "kpi"),
    ],
)
def test_a_word_gets_its_stem_without_particles_or_endings(word: str, stem: str) -> None:
    assert stem in index_terms(word)


def test_a_verb_in_a_title_gets_its_dictionary_form() -> None:
    assert "줄이다" in index_terms("재문의 줄여야 산다", field="title")
    assert "이끌다" in index_terms("현장을 걸으며 이끌기", field="title")  # 이끄는 finds it
    assert "하다" not in index_terms("확인하다 했다", field="title")  # light verbs would only add noise
    assert "줄이다" not in index_terms("재문의 줄여야 산다")  # running text: too many, too rarely typed


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("사내강사·QA·슈퍼바이저", {"qa", "슈퍼바이저", "사내강사"}),
        ("(KPI)", {"kpi"}),
        ("MBWA(현장", {"현장"}),
    ],
)
def test_words_glued_by_punctuation_are_words_too(text: str, parts: set[str]) -> None:
    assert parts <= set(index_terms(text))


def test_spaced_nouns_in_a_title_are_joined_for_people_who_type_them_unspaced() -> None:
    assert "원콜처리율" in index_terms("원콜 처리율", field="title")
    assert "원콜처리율" in index_terms("원콜 처리율을 본다", field="title")  # the particle is no part of it
    assert "해지상담품질" in index_terms("해지 상담 품질 평가표", field="title")
    assert "상담품질평가표" in index_terms("해지 상담 품질 평가표", field="title")
    assert "한줄업무일지" in index_terms("한 줄 업무일지로 듣기", field="title")
    assert "원콜처리율" not in index_terms("원콜 처리율을 본다")  # running text: too many tokens


def test_nothing_lunr_already_has_and_no_one_syllable_tokens() -> None:
    terms = index_terms("상담품질평가표 평가표 표를")
    assert "평가표" not in terms  # the text has that token already
    assert all(len(term) >= search.MIN_TERM for term in terms)
    assert len(terms) == len(set(terms))


def test_words_are_analysed_once_each() -> None:
    seen: list[list[str]] = []

    def counting(words: Sequence[str]) -> Mapping[str, Sequence[Morph]]:
        seen.append(list(words))
        return search.kiwi_analyser(words)

    index_terms("상담사에게 상담사에게 상담사에게는", analyser=counting)
    assert seen == [["상담사에게", "상담사에게는"]]


# --------------------------------------------------------------- the rules, without the model


def morphs(*spec: tuple[str, str]) -> list[Morph]:
    out, at = [], 0
    for form, tag in spec:
        out.append(Morph(form, tag, at, at + len(form), form + ("다" if tag.startswith("V") else "")))
        at += len(form)
    return out


def test_boundaries_follow_the_analyser() -> None:
    terms, stem = compound_terms("가나다라마", morphs(("가나", "NNG"), ("다라", "NNG"), ("마", "JKO")))
    assert stem == "가나다라"
    assert terms == ["가나다라", "다라"]


def test_a_word_that_starts_with_a_verb_has_no_noun_stem() -> None:
    terms, stem = compound_terms("바꾸면", morphs(("바꾸", "VV"), ("면", "EC")))
    assert stem is None
    assert terms == ["바꾸다"]


def test_word_info_knows_a_bare_noun_from_a_noun_with_a_particle() -> None:
    analysed = {"상담": morphs(("상담", "NNG")), "상담을": morphs(("상담", "NNG"), ("을", "JKO"))}
    assert word_info("상담", analysed).whole
    info = word_info("상담을", analysed)
    assert (info.stem, info.whole, info.terms) == ("상담", False, ("상담",))


# --------------------------------------------------------------- the index


def material_index() -> dict[str, object]:
    """The shape Material's search plugin writes."""
    return {
        "config": {
            "lang": ["en"],
            "separator": r"[\s\-]+",
            "pipeline": [" "],
            "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1000000.0}},
        },
        "docs": [
            {
                "location": "scorecards/qa-consult-quality/",
                "title": "상담품질평가표",
                "text": "<p>상담사에게 묻는다</p>",
            },
            {"location": "scorecards/qa-consult-quality/#마무리", "title": "마무리", "text": "<p>원콜처리율을 봄</p>"},
            {"location": "scorecards/", "title": "평가표", "text": "<ul><li>상담품질평가표</li></ul>"},
            {"location": "tags/%ED%92%88%EC%A7%88/", "title": "태그: 품질", "text": ""},
            {"location": "guide/", "title": "작성 가이드", "text": "<p>KPI를 본다</p>"},
        ],
    }


PAGES = {
    "scorecards/qa-consult-quality/": {"kind_label": "평가표", "role_labels": ["QA 평가자", "슈퍼바이저"]},
    "guide/": None,
}


def test_the_index_keeps_what_material_shows_and_adds_fields_it_indexes() -> None:
    before = material_index()
    after = augment_index(json.loads(json.dumps(before)), PAGES)
    for old, new in zip(before["docs"], after["docs"], strict=True):  # type: ignore[arg-type]
        assert (new["location"], new["title"], new["text"]) == (old["location"], old["title"], old["text"])
    fields = after["config"]["fields"]  # type: ignore[index]
    assert fields[search.TITLE_FIELD] == {"boost": 1000.0}
    assert fields[search.TEXT_FIELD] == {"boost": 1.0}
    page, section = after["docs"][0], after["docs"][1]  # type: ignore[index]
    assert "평가표" in page[search.TITLE_FIELD].split()
    assert "상담사" in page[search.TEXT_FIELD].split()
    assert "처리율" in section[search.TEXT_FIELD].split()
    assert "마무리" not in section.get(search.TITLE_FIELD, "").split()


def test_document_pages_show_kind_then_roles() -> None:
    docs = augment_index(material_index(), PAGES)["docs"]
    assert docs[0]["tags"] == ["평가표", "QA 평가자", "슈퍼바이저"]
    assert "tags" not in docs[1]  # a section of the page: the page above it says it
    assert "tags" not in docs[4]  # a hand-written page


def test_listings_rank_below_documents_unless_told_otherwise() -> None:
    docs = augment_index(material_index(), PAGES)["docs"]
    boosts = {doc["location"]: doc.get("boost") for doc in docs}
    assert boosts["scorecards/"] == search.LISTING_BOOST
    assert boosts["tags/%ED%92%88%EC%A7%88/"] == search.LISTING_BOOST
    assert boosts["scorecards/qa-consult-quality/"] is None
    assert boosts["guide/"] is None


@pytest.mark.parametrize(
    ("url", "listing"),
    [
        ("", True),
        ("scripts/", True),
        ("scripts/page_2/", True),
        ("roles/agent/", True),
        ("roles/agent/scripts/page_3/", True),
        ("tags/", True),
        ("tags/%ED%95%B4%EC%A7%80/", True),
        ("scripts/script-price/", False),
        ("guide/", False),
    ],
)
def test_listing_urls(url: str, listing: bool) -> None:
    assert search.is_listing(url) is listing


def test_augmenting_twice_changes_nothing() -> None:
    once = augment_index(material_index(), PAGES)
    assert augment_index(json.loads(json.dumps(once)), PAGES) == once


def test_the_index_is_written_as_utf8() -> None:
    data = dump_index(augment_index(material_index(), PAGES))
    assert "상담품질평가표".encode() in data
    assert b"\\u" not in data
    assert json.loads(data) == augment_index(material_index(), PAGES)


def test_augment_site_rewrites_the_built_index(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / search.INDEX_PATH
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(material_index()), encoding="utf-8")
    assert search.augment_site(tmp_path, PAGES) == path
    assert search.TITLE_FIELD in json.loads(path.read_text(encoding="utf-8"))["config"]["fields"]
    assert search.augment_site(tmp_path / "no-search", PAGES) is None


# --------------------------------------------------------------- synonyms, ids and tags


GLOSSARY_PAGE = "glossary/glossary-basics/"
SYNONYM_PAGES = {
    "scripts/script-manager/": {
        "id": "script-heavy-complaint",
        "kind": "script",
        "kind_label": "상담 스크립트",
        "role_labels": ["수퍼바이저"],
        "tags": ["권한위임", "해지방어"],
    },
    "resources/res-other/": {"id": "res-other", "kind": "resource", "kind_label": "추천 자료", "role_labels": []},
    GLOSSARY_PAGE: {
        "id": "glossary-basics",
        "kind": "glossary",
        "kind_label": "용어집",
        "role_labels": [],
        "synonyms": [
            ["관리자", "매니저", "윗사람", "책임자"],
            ["원콜 처리율", "FCR", "첫 통화 해결률"],
            ["수퍼바이저", "슈퍼바이저"],
            ["권한 위임", "전결"],
        ],
    },
}


def synonym_index() -> dict[str, object]:
    return {
        "config": material_index()["config"],
        "docs": [
            {"location": "scripts/script-manager/", "title": "관리자 연결을 요구하는 상담", "text": "<p>요약</p>"},
            {
                "location": "scripts/script-manager/#단계",
                "title": "단계",
                "text": "<p>FCR이 떨어지면 원콜 처리율을 본다</p>",
            },
            {"location": "resources/res-other/", "title": "다른 자료", "text": "<p>관리자는 없다. 통화가 길다</p>"},
            {"location": GLOSSARY_PAGE, "title": "기본 용어", "text": ""},
        ],
    }


def test_a_field_that_uses_a_term_is_found_by_all_its_names() -> None:
    docs = {d["location"]: d for d in augment_index(synonym_index(), SYNONYM_PAGES)["docs"]}
    title = docs["scripts/script-manager/"][search.TITLE_SYNONYMS].split()
    assert {"매니저", "윗사람", "책임자"} <= set(title)  # 관리자를 in the title: title weight
    assert "관리자" not in title  # the word itself is already there
    section = docs["scripts/script-manager/#단계"][search.TEXT_SYNONYMS].split()
    assert {"원콜처리율", "fcr", "첫통화해결률"} & set(section)
    # A spaced name adds itself unspaced, not its words: 통화 must not find every FCR page.
    assert "통화" not in section and "첫통화해결률" in section
    assert {"매니저", "윗사람"} <= set(docs["resources/res-other/"][search.TEXT_SYNONYMS].split())


def test_ids_tags_and_the_other_names_of_labels_and_tags_find_a_document() -> None:
    index = augment_index(synonym_index(), SYNONYM_PAGES)
    page = next(d for d in index["docs"] if d["location"] == "scripts/script-manager/")
    keys = page[search.KEYS_FIELD].split()
    assert keys[:3] == ["script-heavy-complaint", "권한위임", "해지방어"]  # lunr splits the id at its hyphens
    assert "방어" in keys  # a later part of a tag, as in titles
    assert "권한위임해지방어" not in keys  # two tags are two names, never joined
    assert {"전결", "슈퍼바이저"} <= set(page[search.TEXT_SYNONYMS].split())  # tag 권한위임, role 수퍼바이저
    fields = index["config"]["fields"]
    assert fields[search.KEYS_FIELD] == {"boost": 1000.0 * search.KEYS_WEIGHT}
    assert fields[search.TITLE_SYNONYMS] == {"boost": 1000.0 * search.SYNONYM_WEIGHT}


def test_scripts_weigh_more_in_search_as_their_kind_says() -> None:
    docs = {d["location"]: d for d in augment_index(synonym_index(), SYNONYM_PAGES)["docs"]}
    assert docs["scripts/script-manager/"]["boost"] == docs["scripts/script-manager/#단계"]["boost"] == 2.0
    assert "boost" not in docs["resources/res-other/"]


def test_filter_choices_are_the_kinds_and_roles_the_site_has() -> None:
    library = load_library(Path(__file__).parent / "fixtures" / "minimal")
    choices = search.filter_choices(e.doc for e in library)
    assert choices["kinds"][0] == ["role-playbook", "역할 플레이북"]
    assert [k for k, _ in choices["kinds"]] == list(KINDS)
    assert ["agent", "상담사"] in choices["roles"]


# --------------------------------------------------------------- slugs and 가나다 order


@pytest.mark.parametrize(
    ("tag", "slug"),
    [
        ("해지 방어", "해지-방어"),
        ("원콜처리율", "원콜처리율"),
        ("QA 평가·보정", "qa-평가보정"),
        ("  공감   표현 ", "공감-표현"),
        ("품질_평가", "품질-평가"),
    ],
)
def test_slugs_keep_hangul_readable(tag: str, slug: str) -> None:
    assert slugify(tag) == slug


def test_a_tag_typed_on_a_mac_gets_the_same_slug() -> None:
    decomposed = unicodedata.normalize("NFD", "해지 방어")
    assert decomposed != "해지 방어"
    assert slugify(decomposed) == "해지-방어"


def test_sorting_is_gana_order_whatever_the_normal_form() -> None:
    titles = ["하루 정리", "나눔", "가치", unicodedata.normalize("NFD", "다짐"), "마음", "상담"]
    ordered = sorted(titles, key=sort_key)
    assert [unicodedata.normalize("NFC", t)[0] for t in ordered] == ["가", "나", "다", "마", "상", "하"]
