"""Korean-first search: Material's own search, fed an index that knows Korean words.

Why this design. Material's search (lunr in a web worker) matches a query word only
against the *start* of a space-separated token, so 평가표 never finds 상담품질평가표 and
상담사에게 never finds 상담사가. Two ways were weighed:

- (b) replacing Material's worker with an engine of our own: full control, but we would
  own the result format, highlighting, suggestions and every Material upgrade;
- (a) keeping Material's search box, worker and result list, and changing what they
  are fed.

We do (a), measured side by side with Material's default on the same build
(`bench/search_recall.py`, `bench/search_speed.py`; figures in README "Search").
After MkDocs has written `search/search_index.json`, `augment_index` adds two fields to
every entry, `title_ko` and `text_ko`, with the extra tokens lunr needs to reach a
Korean word by its start, which is all lunr can do:

- the *suffixes of a compound at morpheme boundaries* (상담품질평가표 → 품질평가표,
  평가표), so any run of its parts starts some token (품질평가*, 평가표*);
- the *stem* without particles or endings (상담사에게는 → 상담사, 확인했는가 → 확인), so
  the word scores as an exact match wherever it is inflected;
- a verb's dictionary form (줄여야 → 줄이다);
- *spaced noun runs*, joined (원콜 처리율 → 원콜처리율), for people who type them
  unspaced;
- the parts of a token glued by punctuation (사내강사·QA → qa), which Material's
  separator keeps as one token.

The fields are registered in the index's own `config.fields` with the boost of the
field they come from, so the worker indexes them like title and text; nothing displays
them, so the text people read is unchanged. Document pages get their kind and roles
as `tags`, which Material already shows under each result; listings (which repeat
every title) get a lower boost.

Agents search with the words they say (issue 14), so three more fields:

- `title_syn`, `text_syn`: the other names of the glossary terms a title or a section
  uses (`Synonyms`): a section that says 관리자를 also gets 매니저 팀장 윗사람 상급자
  책임자, so any of them finds it, at build time and at the weight of the word itself;
  the browser does nothing for it. The glossary pages' front matter carries the names.
- `keys_ko`: a document's id (what trainers write in `related:` and see in URLs) and its
  tags, on its page's entry, between text and title in weight; the other names of its
  tags and of its labels (슈퍼바이저 for the role 수퍼바이저) go to `text_syn`.

A kind may weigh more in search (`KindSpec.search_boost`): a script is what an agent
looks for mid-call, so it comes before the documents that only mention its situation.
The browser's kind and role chips (`filter_choices`) filter in search-ko.js's worker.

The index is written as UTF-8, not as ASCII escapes, which more than pays for the extra
tokens in bytes.

The query side is `assets/search-ko.js`: it strips particles and endings from
what was typed (spoken ones too: 해지할래요 → 해지), drops words that carry no topic
(좀, 주세요), searches the stem as a prefix and ranks the sections that have the
exact word first, so a page that has the word ranks above pages whose words merely
start with it. It runs as a worker around Material's (same messages, Material's code
unchanged inside), where it also keeps only lunr's best sections for Material to
highlight: on 1,000 documents that is what keeps broad queries fast.

The analyser is kiwipiepy (its model ships on PyPI), at build time only. Against
python-mecab-ko on our compounds, Kiwi got 상담사에게 → 상담사+에게, 야간콜백예약표 →
야간/콜/백/예약/표 and 잡크래프팅 as one word, where mecab-ko split 상/담사, 예/약표 and
잡/크/래프팅; both cost about 0.3 ms a word. Each distinct word is analysed once and
cached for the life of the process (`craftbook serve` rebuilds reuse it).

Between builds (issue 17), the plugin keeps the work in `<project>/.craftbook/cache`
(`craftbook.search_cache`, the Pages workflow restores it): each word's morphemes, and
each index entry's analysed fields under a digest of exactly what they depend on (its
title, text, id, tags and labels, the separator, the glossary's names and
`cache_stamp()`). A rebuild copies the fields of unchanged entries and analyses only
the others; Kiwi (about 2 s and 450 MB to load) is loaded only when a word is new.
Measured on 1,000 synthetic documents: see README "Search".

Everything here is a pure function of the index and the page metadata, testable
without MkDocs; the plugin (`craftbook.plugin`) only calls `augment_site`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import html
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import labels, urls
from .errors import BuildError
from .models import KIND_SPECS, SPEC_BY_KIND
from .models.glossary import claim_key
from .search_cache import SearchCache

log = logging.getLogger("mkdocs.plugins.craftbook")

INDEX_PATH = Path("search") / "search_index.json"
TITLE_FIELD = "title_ko"
TEXT_FIELD = "text_ko"
TITLE_SYNONYMS = "title_syn"  # the other names of glossary terms a title uses
TEXT_SYNONYMS = "text_syn"  # … and a section's text
KEYS_FIELD = "keys_ko"  # a document's id and tags, on its page's entry
# The other names of a term count for less than the word itself: a page that says
# 매니저 comes before one that says 관리자 when someone types 매니저.
SYNONYM_WEIGHT = 1.0
# An id or a tag names the document, as its title does, but a tag is shared by many
# documents and a title says more: between the text and the title.
KEYS_WEIGHT = 0.5  # of the title's boost
DEFAULT_SEPARATOR = r"[\s\-]+"
MIN_TERM = 2  # one-syllable parts (표, 율) would match half the library
# Titles and headings are names (한 줄 업무일지, 원콜 처리율): people type them unspaced
# and as verbs (이끌기 → 이끄는), so up to three spaced nouns are joined and verbs get
# their dictionary form there. Running text gets neither: that is where tokens add up,
# and every one of them costs index size and query time (bench/search_speed.py).
RUN_LIMIT = 3
# Listings, role tracks, tag pages and the home page repeat every title and summary, so
# they match nearly every query; scaled down, the document itself comes first and a
# listing still shows when nothing else matches.
LISTING_BOOST = 0.3


# Kiwi's tags (Sejong tag set). A compound is a run of these; each starts a new part.
# A prefix (XPN: 비대면, 재문의) starts a part of its own, so 대면상담 is reachable too.
NOUNLIKE = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "SL", "SN", "SH", "XR", "MM", "XPN"})
SUFFIX_TAGS = frozenset({"XSN"})  # 처리율, 이탈률: the suffix belongs to what precedes
VERB_TAGS = frozenset({"VV", "VA", "VV-I", "VA-I", "VV-R", "VA-R"})

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script; punctuation splits


@dataclass(frozen=True)
class Morph:
    """One morpheme of a word: its surface span in that word, tag and dictionary form."""

    form: str
    tag: str
    start: int
    end: int
    lemma: str


Analyser = Callable[[Sequence[str]], Mapping[str, Sequence[Morph]]]


# ----------------------------------------------------------------------- analyser


# Kiwi's constructor options (part of the cache stamp). Its multi-word dictionary is
# most of its memory: without it (and the typo dictionary) Kiwi loads in 0.74 s instead
# of 2.2 s and the process peaks at 346 MB instead of 522 MB, but it analyses 1 of the
# 7,791 words our starter and synthetic libraries have differently (뉴노멀: one proper
# noun with it, 뉴+노멀 without), so the defaults stay (issue 17; the typo dictionary
# alone changes no word and no figure).
KIWI_OPTIONS: dict[str, Any] = {}


@functools.cache
def _kiwi() -> Any:
    from kiwipiepy import Kiwi

    return Kiwi(**KIWI_OPTIONS)


_CACHE: dict[str, tuple[Morph, ...]] = {}


def kiwi_analyser(words: Sequence[str]) -> Mapping[str, Sequence[Morph]]:
    """Analyse words one by one (out of context, which is what a search token is)."""
    todo = sorted({w for w in words if w not in _CACHE})
    if todo:
        for word, tokens in zip(todo, _kiwi().tokenize(todo), strict=True):
            _CACHE[word] = tuple(Morph(t.form, t.tag, t.start, t.end, t.lemma) for t in tokens)
    return {w: _CACHE[w] for w in words}


# ------------------------------------------------------------------ one word


@dataclass(frozen=True)
class WordInfo:
    """What the index needs to know about one space-separated token."""

    terms: tuple[str, ...]  # extra tokens that make its parts reachable by prefix
    stem: str | None  # the noun part without particles (None: not a noun phrase)
    whole: bool  # the token is nothing but its noun part (joins with the next noun)


def word_parts(token: str) -> list[tuple[int, str]]:
    """Pieces of a token between punctuation, with their offsets (사내강사·qa → 2 parts)."""
    return [(m.start(), m.group()) for m in _WORD.finditer(token)]


def compound_terms(part: str, morphs: Sequence[Morph], lemmas: bool = True) -> tuple[list[str], str | None]:
    """Extra tokens for one punctuation-free piece, and its noun stem.

    `morphs` are the analyser's morphemes of `part`. Boundaries are where a noun-like
    morpheme starts a new part of the compound; the noun stem ends where the first
    particle, ending or verb suffix starts.
    """
    terms: list[str] = []
    bounds: list[int] = []
    stem_end = 0
    for m in morphs:
        if m.tag in NOUNLIKE:
            bounds.append(m.start)
            stem_end = m.end
        elif m.tag in SUFFIX_TAGS and stem_end and m.start <= stem_end:
            stem_end = m.end
        else:
            break
    verb = morphs[0] if morphs and morphs[0].tag in VERB_TAGS else None
    if lemmas and verb and len(verb.lemma) > MIN_TERM and verb.lemma != part:
        terms.append(verb.lemma)  # 줄여야 → 줄이다; 하다, 주다, 있다 would only add noise
    if not stem_end or not bounds or bounds[0] != 0:
        return terms, None
    stem = part[:stem_end]
    if stem != part:
        terms.append(stem)
    terms += [part[start:stem_end] for start in bounds[1:] if stem_end - start >= MIN_TERM]
    return terms, stem


def word_info(token: str, analysed: Mapping[str, Sequence[Morph]], lemmas: bool = True) -> WordInfo:
    """Extra index tokens for one token as lunr sees it (already lower-cased)."""
    parts = word_parts(token)
    terms: list[str] = []
    stem: str | None = None
    whole = False
    for offset, part in parts:
        part_stem: str | None = part
        if offset > 0 or part != token:
            terms.append(part)  # after punctuation a new word starts; (kpi) and 상담사. are words too
        if _HANGUL.search(part):
            extra, part_stem = compound_terms(part, analysed.get(part, ()), lemmas)
            if part_stem != part and terms and terms[-1] == part and offset == 0:
                terms.pop()  # 골랐다. is no word of its own: its stem is
            terms += extra
        if len(parts) == 1 and offset == 0:
            stem = part_stem
            whole = part_stem == token
    return WordInfo(tuple(_unique(t.lower() for t in terms if len(t) >= MIN_TERM)), stem, whole)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# ------------------------------------------------------------------ one field


def tokens(text: str, separator: str) -> list[list[str]]:
    """lunr's tokens of a field, per run of text between HTML tags (Material does so)."""
    split = re.compile(separator)
    runs = []
    for chunk in _TAG.split(text):
        words = [w.lower() for w in split.split(html.unescape(chunk)) if w]
        if words:
            runs.append(words)
    return runs


def needs_analysis(token: str) -> list[str]:
    return [part for _, part in word_parts(token) if _HANGUL.search(part)]


@dataclass(frozen=True)
class Synonyms:
    """The glossary's terms as search sees them: which words name which term, and the
    index tokens of all the names of each term.

    A field that uses one name of a term (관리자, 관리자를, 원콜 처리율이) gets the tokens
    of all its names (매니저, 팀장, 윗사람, 상급자, 책임자), so any of them finds it; the
    browser does nothing for it. Names are matched as people write them: by their noun
    stems, spaced or not (`claim_key`, the rule that a word names one term only).
    """

    lookup: Mapping[str, int]  # claim key of a name → its group
    tokens: tuple[tuple[str, ...], ...]  # the index tokens of each group's names
    span: int  # the most words in one name

    @classmethod
    def of(cls, groups: Sequence[Sequence[str]], separator: str, analysed: Mapping[str, Sequence[Morph]]) -> Synonyms:
        lookup: dict[str, int] = {}
        group_tokens = []
        span = 1
        for g, names in enumerate(groups):
            found: list[str] = []
            for name in names:
                runs = tokens(name, separator)
                words = [w for run in runs for w in run]
                span = max(span, len(words))
                # A spaced name adds itself unspaced and its parts by Kiwi, not its every
                # word: 첫 통화 해결률 must not make 통화 find every page that says FCR.
                found += (words if len(words) == 1 else ["".join(words)]) + field_terms(runs, analysed, names=True)
                lookup.setdefault(claim_key(name), g)
            group_tokens.append(tuple(_unique(found)))
        return cls(lookup, tuple(group_tokens), span)


def synonym_groups(pages: Mapping[str, Mapping[str, Any] | None]) -> list[list[str]]:
    """The names of every term (term first), from the front matter of the glossary pages."""
    return [
        [str(n) for n in names]
        for meta in pages.values()
        if meta
        for names in meta.get("synonyms") or []
        if isinstance(names, list) and names
    ]


NO_SYNONYMS = Synonyms({}, (), 1)


_LABELS = "labels"  # a page's kind and roles as its results show them (Material's `tags`)


def field_terms(runs: list[list[str]], analysed: Mapping[str, Sequence[Morph]], names: bool = False) -> list[str]:
    """Every extra token of a field, in text order (repeated text compresses well).

    `names`: the field holds titles or headings (see RUN_LIMIT).
    """
    return field_analysis(runs, analysed, names)[0]


def field_analysis(
    runs: list[list[str]],
    analysed: Mapping[str, Sequence[Morph]],
    names: bool = False,
    synonyms: Synonyms = NO_SYNONYMS,
) -> tuple[list[str], list[str]]:
    """The extra tokens of a field, and the tokens of the other names of the glossary
    terms it uses (see Synonyms), each in text order."""
    return _field_analysis(runs, WordMemo(analysed, synonyms), names)


@dataclass(frozen=True)
class _Token:
    info: WordInfo
    joins: bool  # its noun stem has Hangul: it may join the spaced nouns around it
    groups: tuple[int, ...]  # the synonym groups its own forms name (see _groups_in)


class WordMemo:
    """Each distinct token of one build worked out once, for fixed analysed words and
    glossary.

    The index of 1,000 synthetic documents has 523,974 tokens but 3,064 distinct
    ones; without this, `word_info` ran 533,745 times and was half the search step
    (cProfile of `craftbook build`, issue 17). The results are those of `word_info`
    and `_groups_in` themselves, only not repeated.
    """

    def __init__(self, analysed: Mapping[str, Sequence[Morph]], synonyms: Synonyms = NO_SYNONYMS) -> None:
        self.analysed = analysed
        self.synonyms = synonyms
        self._tokens: dict[tuple[str, bool], _Token] = {}

    def token(self, token: str, lemmas: bool) -> _Token:
        found = self._tokens.get((token, lemmas))
        if found is None:
            info = word_info(token, self.analysed, lemmas=lemmas)
            lookup = self.synonyms.lookup
            groups = (
                tuple(lookup[key] for key in (token, info.stem or token, *info.terms) if key in lookup)
                if lookup
                else ()
            )
            found = _Token(info, bool(info.stem and _HANGUL.search(info.stem)), groups)
            self._tokens[(token, lemmas)] = found
        return found


def _field_analysis(runs: list[list[str]], memo: WordMemo, names: bool) -> tuple[list[str], list[str]]:
    synonyms = memo.synonyms
    terms: list[str] = []
    groups: list[int] = []
    run_limit = RUN_LIMIT if names else 1
    for run in runs:
        found = [memo.token(token, names) for token in run]
        if synonyms.lookup:
            groups += _groups_in(run, found, synonyms)
        for i, token in enumerate(found):
            info = token.info
            terms += info.terms
            if info.whole and token.joins:
                joined = info.stem or ""
                for nxt in found[i + 1 : i + run_limit]:
                    if not nxt.joins:
                        break
                    joined += nxt.info.stem or ""
                    if not nxt.info.whole:
                        break
                if joined != info.stem:
                    terms.append(joined.lower())
    surface = {token for run in runs for token in run}
    extra = [t for t in _unique(terms) if t not in surface]
    if not groups:
        return extra, []
    have = surface | set(extra)
    found_tokens = [t for g in dict.fromkeys(groups) for t in synonyms.tokens[g]]
    return extra, [t for t in _unique(found_tokens) if t not in have]


def _groups_in(run: list[str], found: list[_Token], synonyms: Synonyms) -> list[int]:
    """The groups whose names a run of words uses: a word, its noun stem or a part of it
    (고객충성도 → 충성도), or up to `span` words' stems together (원콜 처리율이)."""
    groups: list[int] = []
    cores = [token.info.stem or word for word, token in zip(run, found, strict=True)]
    for i, token in enumerate(found):
        groups += token.groups
        joined = cores[i]
        for core in cores[i + 1 : i + synonyms.span]:
            joined += core
            if joined in synonyms.lookup:
                groups.append(synonyms.lookup[joined])
    return groups


# ------------------------------------------------------------------ the index


def page_tags(meta: Mapping[str, Any] | None) -> list[str]:
    """What a result shows under its title: the document's kind, then its roles."""
    if not meta or not meta.get("kind_label"):
        return []
    return [str(meta["kind_label"]), *(str(r) for r in meta.get("role_labels") or [])]


def filter_choices(docs: Iterable[Any]) -> dict[str, list[list[str]]]:
    """The chips of the results panel: each kind and role the site's documents have, as
    [name, label] in the contract's order; the browser keeps one of each
    (`assets/search-ko.js`, which matches the labels results carry)."""
    docs = list(docs)
    kinds = {doc.kind for doc in docs}
    roles = {role for doc in docs for role in doc.all_roles}
    return {
        "kinds": [[spec.name, spec.label] for spec in KIND_SPECS if spec.name in kinds],
        "roles": [[role, labels.ROLE_LABEL[role]] for role in labels.ROLE_TRACK_ORDER if role in roles],
    }


def kind_boost(kind: object) -> float:
    """The search weight of a kind's pages (KindSpec.search_boost; 1 for anything else)."""
    spec = SPEC_BY_KIND.get(kind) if isinstance(kind, str) else None
    return spec.search_boost if spec else 1.0


def is_listing(url: str) -> bool:
    """A generated page that lists documents (craftbook.urls.LISTING_URL)."""
    return bool(urls.LISTING_URL.match(url))


# What augment_index adds to an entry from the analysis, and so what the cache keeps
# of it; tags and boost come from the page's front matter alone, at no cost.
ANALYSED_FIELDS = (KEYS_FIELD, TITLE_FIELD, TITLE_SYNONYMS, TEXT_FIELD, TEXT_SYNONYMS)
# Bump when the rules above change what augment_index adds for the same text: every
# cached entry was made by the old rules. (The source of this module is part of the
# stamp too, so an edit in a working tree is never served stale, released or not.)
RULES_VERSION = 1


def cache_stamp() -> str:
    """Everything a cached result depends on besides the entry itself: the release, the
    rules (their version and this module's source), the analyser and its options, and
    Python (its Unicode tables decide what a word character is)."""
    import hashlib
    import sys
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    try:
        kiwi = version("kiwipiepy")
    except PackageNotFoundError:
        kiwi = "none"
    source = hashlib.blake2b(digest_size=8)
    for module in (__file__, claim_key.__code__.co_filename):
        with contextlib.suppress(OSError):
            source.update(Path(module).read_bytes())
    return (
        f"craftbook {__version__}; rules {RULES_VERSION}/{source.hexdigest()}; "
        f"kiwipiepy {kiwi} {KIWI_OPTIONS}; python {sys.version_info[0]}.{sys.version_info[1]}"
    )


def open_cache(folder: Path) -> SearchCache:
    """The search cache kept in `folder` (read now; see craftbook.search_cache)."""
    return SearchCache(folder, cache_stamp(), ANALYSED_FIELDS)


_LIVE: dict[tuple[Path, str], SearchCache] = {}


def live_cache(folder: Path) -> SearchCache:
    """The search cache of `folder` for a process that builds again and again
    (`craftbook serve`): read once, kept in memory across builds, written by
    `save_live_caches` instead of after every build. Reading and writing the file took
    0.4 s of each one-edit rebuild at 1,000 documents (issue 17)."""
    key = (folder.resolve(), cache_stamp())
    cache = _LIVE.get(key)
    if cache is None:
        cache = _LIVE[key] = open_cache(folder)
    else:
        cache.carry()
    return cache


def preload_analyser() -> bool:
    """Load Kiwi's model now, where a live cache is open (`craftbook serve` of a site with
    search): the first save that brings a new word then waits for the analysis, not for
    2.2 s of loading (issue 17). It holds the interpreter for about 2 s and keeps about
    450 MB, as the first new word would. Returns whether it was loaded."""
    if not _LIVE:
        return False
    # Kiwi loads part of its model at its first analysis (about 1.3 s more): one word now.
    kiwi_analyser(["상담"])
    return True


def save_live_caches() -> None:
    """Write every live cache (what its last build used); never raises."""
    for cache in _LIVE.values():
        cache.save()


def _entry_key(base: Any, doc: Mapping[str, Any], keys: list[str] | None, shown: list[str] | None) -> str:
    """A digest of exactly what one entry's analysed fields depend on, given `base` (the
    stamp, separator and glossary): its title and text, its ids, tags and labels, and
    any of the fields it already had."""
    digest = base.copy()
    own = [doc.get("title"), doc.get("text"), keys, shown, [doc.get(f) for f in ANALYSED_FIELDS]]
    digest.update(json.dumps(own, ensure_ascii=False).encode("utf-8"))
    return str(digest.hexdigest())


def _cycle_collector_paused(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run `function` with Python's cycle collector paused (reference counting still
    frees everything). The analysis makes about a million short-lived objects none of
    which form cycles, and inside a build each full collection walks MkDocs' pages too:
    0.45 s of a 3.5 s search step at 1,000 documents (issue 17)."""

    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> Any:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@_cycle_collector_paused
def augment_index(
    index: dict[str, Any],
    pages: Mapping[str, Mapping[str, Any] | None],
    analyser: Analyser = kiwi_analyser,
    cache: SearchCache | None = None,
) -> dict[str, Any]:
    """Material's search index → the same index plus Korean tokens and result labels.

    `pages` maps a page URL (`scripts/script-price/`) to its `craftbook` front matter.
    Titles and texts are left exactly as Material wrote them.

    With a `cache` (`open_cache`), an entry whose inputs were augmented before gets
    the stored fields, byte for byte what the analysis gives, and only the words the
    cache lacks go to the analyser (not called at all when none do: Kiwi stays
    unloaded). The cache holds kiwi_analyser's results: give it no other analyser
    whose results differ. Call `cache.save()` afterwards to keep this build's work.
    """
    config = dict(index.get("config") or {})
    if TITLE_FIELD in (config.get("fields") or {}):
        return index  # already augmented (a rebuild that did not rewrite the index)
    separator = config.get("separator") or DEFAULT_SEPARATOR
    originals = list(index.get("docs") or [])
    docs = [dict(doc) for doc in originals]
    keys: dict[int, list[str]] = {}
    shown: dict[int, list[str]] = {}
    for n, doc in enumerate(docs):
        meta = pages.get(doc.get("location", "")) or {}
        if meta.get("id"):
            # Found by what trainers write in `related:` and see in URLs, and by its tags.
            keys[n] = [str(meta["id"]), *(str(t) for t in meta.get("tags") or [])]
            doc[KEYS_FIELD] = " ".join(keys[n])
            shown[n] = page_tags(meta)
    groups = synonym_groups(pages)

    todo = list(range(len(docs)))
    entry_keys: dict[int, str] = {}
    glossary_key: str | None = None
    if cache is not None:
        import hashlib

        base = hashlib.blake2b(digest_size=16)
        base.update(json.dumps([cache.stamp, separator, groups], ensure_ascii=False).encode("utf-8"))
        todo = []
        # An entry object seen by this cache's last build, with the same inputs, has the
        # same key: craftbook serve hands the unchanged pages' entries over again, and
        # hashing all of them was a tenth of each rebuild (issue 17).
        seen, memo, stamp = cache.entry_keys, {}, base.digest()
        for n, doc in enumerate(docs):
            original = originals[n]
            last = seen.get(id(original))
            if last is not None and last[0] is original and last[1:4] == (stamp, keys.get(n), shown.get(n)):
                entry_keys[n] = last[4]
            else:
                entry_keys[n] = _entry_key(base, original, keys.get(n), shown.get(n))
            memo[id(original)] = (original, stamp, keys.get(n), shown.get(n), entry_keys[n])
            stored = cache.entry(entry_keys[n])
            if stored is None:
                todo.append(n)
            for name, value in stored or ():
                doc[name] = value
        cache.entry_keys = memo
        # The glossary's own words (Synonyms.of reads them for any entry analysed) are
        # kept as an entry of their own, which no index entry's key can equal.
        glossary = base.copy()
        glossary.update(b"glossary")
        if groups and cache.entry(glossary.hexdigest()) is None:
            glossary_key = glossary.hexdigest()  # stored below, once its words are analysed

    fields = [(n, name, tokens(docs[n].get(name) or "", separator)) for n in todo for name in ("title", "text")]
    # Each tag and label is a name of its own: its words join with each other only.
    for name, parts_of in ((KEYS_FIELD, keys), (_LABELS, shown)):
        for n in todo:
            if n in parts_of:
                fields.append((n, name, [run for part in parts_of[n] for run in tokens(part, separator)]))
    if todo:
        group_runs = [tokens(name, separator) for group in groups for name in group]
        distinct = {token for runs in (*(runs for _, _, runs in fields), *group_runs) for run in runs for token in run}
        parts_of_token = {token: needs_analysis(token) for token in distinct}
        words = sorted({part for parts in parts_of_token.values() for part in parts})
        analysed = _analyse(words, analyser, cache)
        synonyms = Synonyms.of(groups, separator, analysed) if groups else NO_SYNONYMS
        memo = WordMemo(analysed, synonyms)
        for n, name, runs in fields:
            doc = docs[n]
            extra, others = _field_analysis(runs, memo, names=name != "text")
            if name in (KEYS_FIELD, _LABELS):
                if extra and name == KEYS_FIELD:
                    doc[KEYS_FIELD] += " " + " ".join(extra)
                # The other names of a tag or a label (슈퍼바이저 for the role 수퍼바이저) find
                # its documents as their text would: a tag is shared by many documents and
                # says less about each than its title.
                name, extra = "text", []
            if extra:
                doc[TITLE_FIELD if name == "title" else TEXT_FIELD] = " ".join(extra)
            if others:
                field = TITLE_SYNONYMS if name == "title" else TEXT_SYNONYMS
                doc[field] = " ".join(_unique([*(doc.get(field) or "").split(), *others]))
        if cache is not None:
            read: dict[int, set[str]] = {n: set() for n in todo}
            for n, _, runs in fields:
                read[n].update(part for run in runs for token in run for part in parts_of_token[token])
            for n in todo:
                added = tuple((name, docs[n][name]) for name in docs[n] if name in ANALYSED_FIELDS)
                cache.add_entry(entry_keys[n], added, read[n])
            if glossary_key:
                group_words = {p for runs in group_runs for run in runs for t in run for p in parts_of_token[t]}
                cache.add_entry(glossary_key, (), group_words)

    for doc in docs:
        page = doc.get("location", "").split("#")[0]
        meta = pages.get(page)
        labels_shown = page_tags(meta) if page == doc.get("location") else []
        if labels_shown:
            doc["tags"] = labels_shown + [t for t in doc.get("tags") or [] if t not in labels_shown]
        if "boost" not in doc:
            if is_listing(page):
                doc["boost"] = LISTING_BOOST
            elif meta and (boost := kind_boost(meta.get("kind"))) != 1:
                doc["boost"] = boost

    boosts = {name: dict(value) for name, value in (config.get("fields") or {}).items()}
    title_boost = boosts.get("title", {}).get("boost", 1e3)
    text_boost = boosts.get("text", {}).get("boost", 1.0)
    boosts[TITLE_FIELD] = {"boost": title_boost}
    boosts[TEXT_FIELD] = {"boost": text_boost}
    boosts[TITLE_SYNONYMS] = {"boost": title_boost * SYNONYM_WEIGHT}
    boosts[TEXT_SYNONYMS] = {"boost": text_boost * SYNONYM_WEIGHT}
    boosts[KEYS_FIELD] = {"boost": title_boost * KEYS_WEIGHT}
    # Our tags are labels already in the text, not an author's topic tags: worth a word.
    boosts["tags"] = {"boost": text_boost}
    config["fields"] = boosts
    return {**index, "config": config, "docs": docs}


def _analyse(words: list[str], analyser: Analyser, cache: SearchCache | None) -> Mapping[str, Sequence[Morph]]:
    """The analyser's morphemes of `words`, through the cache: only the words it lacks
    are analysed, and the analyser is not called when it lacks none."""
    if cache is None:
        return analyser(words)
    analysed: dict[str, Sequence[Morph]] = {}
    missing: list[str] = []
    for word in words:
        stored = cache.morphs(word)
        if stored is None:
            missing.append(word)
        else:
            analysed[word] = tuple(Morph(*m) for m in stored)
    if missing:
        fresh = analyser(missing)
        for word in missing:
            analysed[word] = morphs = tuple(fresh.get(word, ()))
            cache.add_morphs(word, ((m.form, m.tag, m.start, m.end, m.lemma) for m in morphs))
    return analysed


def dump_index(index: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON: Hangul as itself takes half the bytes of an ASCII escape."""
    return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_index(site_dir: Path) -> dict[str, Any] | None:
    """The search index MkDocs wrote into `site_dir` (None: the site has no search).

    Raises BuildError when the file is not JSON MkDocs could have written."""
    path = site_dir / INDEX_PATH
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (ValueError, UnicodeDecodeError) as exc:
        raise BuildError(f"{path}: not a search index MkDocs wrote ({exc}); build the site again") from exc


@_cycle_collector_paused  # reading the cache and the index too: their objects make no cycles
def augment_site(
    site_dir: Path,
    pages: Mapping[str, Mapping[str, Any] | None],
    cache_dir: Path | None = None,
    *,
    cache: SearchCache | None = None,
    index: dict[str, Any] | None = None,
) -> Path | None:
    """Rewrite the built site's search index in place; returns its path (None: no search).

    `cache_dir`: where the search cache is kept between builds (None: no cache); the
    plugin passes `<project>/.craftbook/cache`. A bad or unwritable cache only costs time.
    `cache`: an open cache instead (`live_cache`), which the caller saves. `index`: the
    index MkDocs wrote, already read (and changed) by the caller; not read again.
    """
    path = site_dir / INDEX_PATH
    if index is None:
        index = read_index(site_dir)
    if index is None:
        return None
    owned = cache is None and cache_dir is not None
    if owned:
        cache = open_cache(cache_dir)  # type: ignore[arg-type]
    path.write_bytes(dump_index(augment_index(index, pages, cache=cache)))
    if cache is not None:
        if owned:
            cache.save()
        log.debug("search: %d index entries from the cache, %d analysed", cache.hits, cache.misses)
    return path


def pages_from_generated(folder: Path) -> dict[str, Mapping[str, Any] | None]:
    """Page URL → `craftbook` front matter, read from Markdown `craftbook generate` wrote.

    The plugin collects the same mapping from MkDocs' pages; a builder that runs no
    plugins hands over the generated folder instead. URLs as with use_directory_urls.
    """
    import frontmatter

    pages: dict[str, Mapping[str, Any] | None] = {}
    for path in sorted(folder.rglob("*.md")):
        meta = frontmatter.loads(path.read_text(encoding="utf-8")).metadata.get("craftbook")
        pages[urls.url(path.relative_to(folder).as_posix())] = meta if isinstance(meta, dict) else None
    return pages


# ------------------------------------------------------------------ helpers for tests


def index_terms(text: str, field: str = "text", analyser: Analyser = kiwi_analyser) -> list[str]:
    """The extra tokens one piece of text gets (what `augment_index` stores for a field)."""
    runs = tokens(text, DEFAULT_SEPARATOR)
    words = sorted({part for run in runs for token in run for part in needs_analysis(token)})
    return field_terms(runs, analyser(words), names=field == "title")
