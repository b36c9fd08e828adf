"""Every validation rule, one YAML file per invalid case with its exact expected messages.

Each file in tests/fixtures/invalid/ states what `craftbook check` must say about it in
`# expect: LINE:COL: message` comments. The case is checked inside a copy of the valid
minimal library, so cross-references have something to point at.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from craftbook.cli import main
from craftbook.errors import ValidationFailed
from craftbook.library import load_library
from craftbook.models import KINDS

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
WARNINGS = sorted((FIXTURES / "warnings").glob("*.yaml"))
# "Today" of the fixtures: dates after it are warnings (SOURCE_DATE_EPOCH for the CLI).
TODAY = dt.date(2026, 11, 30)
EPOCH = str(int(dt.datetime(2026, 11, 30, tzinfo=dt.UTC).timestamp()))
# `# expect: LINE:COL: message` states an error, `# expect-warning: LINE:COL: message` a warning.
EXPECT = re.compile(r"^# expect(?:-(warning))?: (\d+):(\d+): (.*)$")


def expected_lines(case: Path) -> list[str]:
    """What `craftbook check` must say about a fixture, in its own order (sorted by place)."""
    return [
        f"{case.name}:{m.group(2)}:{m.group(3)}: {m.group(1) or 'error'}: {m.group(4)}"
        for line in case.read_text(encoding="utf-8", errors="replace").splitlines()
        if (m := EXPECT.match(line))
    ]


def _library_with(tmp_path: Path, *files: tuple[str, bytes]) -> Path:
    root = tmp_path / "library"
    shutil.copytree(FIXTURES / "minimal", root)
    for name, content in files:
        (root / name).write_bytes(content)
    return root


def _diagnostics(root: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        load_library(root, today=TODAY)
    return [str(d) for d in caught.value.diagnostics]


@pytest.mark.parametrize("case", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_case_reports_exactly_its_errors(case: Path, tmp_path: Path) -> None:
    expected = expected_lines(case)
    assert any(": error: " in line for line in expected), f"{case.name} states no expected error"
    root = _library_with(tmp_path, (case.name, case.read_bytes()))
    assert _diagnostics(root) == expected


@pytest.mark.parametrize("case", WARNINGS, ids=[p.stem for p in WARNINGS])
def test_warning_case_reports_exactly_its_warnings(case: Path, tmp_path: Path) -> None:
    """Tests/fixtures/warnings/: what may be intended. The library is valid; each
    warning is located and stated, and `check --strict` fails on them."""
    expected = expected_lines(case)
    assert expected and all(": warning: " in line for line in expected), f"{case.name} states no warning"
    root = _library_with(tmp_path, (case.name, case.read_bytes()))
    assert [str(w) for w in load_library(root, today=TODAY).warnings] == expected
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": EPOCH})
    result = runner.invoke(main, ["check", str(root)])
    count = len(list(root.glob("*.yaml")))
    verdict = f"ok: {count} documents valid, {len(expected)} warning{'s' if len(expected) > 1 else ''}"
    assert (result.exit_code, result.output.splitlines()) == (0, [*expected, verdict, f"{count} files read"])
    strict = runner.invoke(main, ["check", "--strict", str(root)])
    noun = "warnings" if len(expected) > 1 else "warning"
    assert (strict.exit_code, strict.output.splitlines()) == (
        1,
        [*expected, f"{len(expected)} {noun} in 1 file; --strict fails on warnings", f"{count} files read"],
    )


def test_minimal_library_is_valid() -> None:
    library = load_library(FIXTURES / "minimal")
    assert sorted(e.doc.kind for e in library) == sorted(KINDS)  # one of each kind


def test_every_error_of_every_file_in_one_run(tmp_path: Path) -> None:
    cases = [p for p in INVALID if p.stem in {"bad-role", "lesson-duration", "script-graph"}]
    root = _library_with(tmp_path, *((p.name, p.read_bytes()) for p in cases))
    with pytest.raises(ValidationFailed) as caught:
        load_library(root)
    files = {d.file for d in caught.value.diagnostics}
    assert files == {p.name for p in cases}
    assert len(caught.value.diagnostics) == 1 + 2 + 2
    assert caught.value.report().splitlines()[-2:] == ["5 errors in 3 files", "10 files read"]


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    copy = (FIXTURES / "minimal" / "resource.yaml").read_bytes()
    root = _library_with(tmp_path, ("zz-copy.yaml", copy))
    assert _diagnostics(root) == [
        "resource.yaml:2:5: error: id: 'res-article' is also used by zz-copy.yaml:2:5; ids must be unique: "
        "choose another id for one of them",
        "zz-copy.yaml:2:5: error: id: 'res-article' is already used by resource.yaml:2:5; ids must be unique: "
        "choose another id for one of them",
    ]


def test_prerequisite_cycle_across_two_lessons(tmp_path: Path) -> None:
    lesson = (FIXTURES / "minimal" / "lesson.yaml").read_text(encoding="utf-8")
    first = lesson.replace("id: lesson-diagnosis", "id: lesson-a") + "prerequisites: [lesson-b]\n"
    second = lesson.replace("id: lesson-diagnosis", "id: lesson-b") + "prerequisites: [lesson-a]\n"
    root = _library_with(tmp_path, ("a.yaml", first.encode()), ("b.yaml", second.encode()))
    line = first.count("\n")
    assert _diagnostics(root) == [
        f"a.yaml:{line}:17: error: prerequisites[0]: prerequisite cycle lesson-a → lesson-b → lesson-a; "
        "remove one of these prerequisites",
        f"b.yaml:{line}:17: error: prerequisites[0]: prerequisite cycle lesson-a → lesson-b → lesson-a; "
        "remove one of these prerequisites",
    ]


def test_edition_numbers_unique_and_increasing(tmp_path: Path) -> None:
    edition = (FIXTURES / "minimal" / "edition.yaml").read_text(encoding="utf-8")
    same = edition.replace("id: edition-2026-11", "id: edition-2026-12")
    older = edition.replace("id: edition-2026-11", "id: edition-2026-09").replace("number: 1", "number: 2")
    older = older.replace("date: 2026-11-20", "date: 2026-09-01")
    root = _library_with(tmp_path, ("same.yaml", same.encode()), ("older.yaml", older.encode()))
    assert _diagnostics(root) == [
        "older.yaml:6:7: error: date: edition 2 is dated before edition 1 (2026-11-20); "
        "numbers must increase with dates: correct the date or the number",
        "same.yaml:5:9: error: number: edition 1 is also edition.yaml (edition-2026-11); "
        "edition numbers must be unique: give it the next free number, 3",
    ]


def test_bom_and_decomposed_hangul_load_as_nfc(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal" / "resource.yaml").read_text(encoding="utf-8")
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    root = tmp_path / "lib"
    root.mkdir()
    (root / "resource.yaml").write_bytes(b"\xef\xbb\xbf" + nfd.encode("utf-8"))
    library = load_library(root)
    doc = library.get("res-article")
    assert doc is not None
    assert doc.title == "포상하기 대신 인정하기"
    assert unicodedata.is_normalized("NFC", doc.summary)


def test_single_file_check_skips_cross_references() -> None:
    library = load_library(FIXTURES / "minimal" / "playbook.yaml")
    assert list(library.entries) == ["supervisor-recognition"]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as caught:
        load_library(tmp_path / "nope")
    assert "no such file or folder" in caught.value.report()


SCRIPT_A = """\
kind: script
id: script-a
title: 첫 스크립트
summary: 다른 스크립트로 넘긴다
start: open
steps:
  open:
    say: 안녕하세요
    next:
      - when: 넘긴다
        go: {go}
"""

SCRIPT_B = """\
kind: script
id: script-b
title: 넘겨받는 스크립트
summary: 넘겨받아 끝내거나 되돌려 보낸다
start: open
steps:
  open:
    say: 이어서 돕겠습니다
    next:
      - when: 되돌려 보낸다
        go: {back}
{end}"""


def _handoff_library(tmp_path: Path, go: str, back: str, end: str = "") -> Path:
    return _library_with(
        tmp_path,
        ("a.yaml", SCRIPT_A.format(go=go).encode()),
        ("b.yaml", SCRIPT_B.format(back=back, end=end).encode()),
    )


def test_a_hand_off_ends_the_call_when_the_other_script_can_end(tmp_path: Path) -> None:
    ending = "      - when: 끝낸다\n        go: done\n  done:\n    say: 감사합니다\n    outcome: resolved\n"
    root = _handoff_library(tmp_path, "script-b", "script-a", ending)
    library = load_library(root)
    assert {"script-a", "script-b"} <= set(library.entries)
    # A step whose only branch hands off is not a dead end, and B lists A as a backlink.
    root = _handoff_library(tmp_path / "2", "script-b#done", "script-a#open", ending)
    assert load_library(root).get("script-a") is not None


def test_two_scripts_that_only_hand_off_to_each_other_never_end(tmp_path: Path) -> None:
    root = _handoff_library(tmp_path, "script-b", "script-a")
    message = (
        "no path from {0} reaches an outcome, in that script or any it hands off to; "
        "an agent handed off there could never close the consult"
    )
    assert _diagnostics(root) == [
        f"a.yaml:11:13: error: steps.open.next[0].go: {message.format('script-b#open')}",
        f"b.yaml:11:13: error: steps.open.next[0].go: {message.format('script-a#open')}",
    ]


def test_a_hand_off_into_a_step_that_cannot_end(tmp_path: Path) -> None:
    # B can end from its start, but not from the step A enters at.
    end = (
        "      - when: 끝낸다\n        go: done\n"
        "  loop:\n    say: 돌고 돈다\n    next:\n      - when: 다시\n        go: script-a\n"
        "  done:\n    say: 감사합니다\n    outcome: resolved\n"
    )
    root = _handoff_library(tmp_path, "script-b#loop", "script-a", end)
    diagnostics = _diagnostics(root)
    assert diagnostics[0].startswith("a.yaml:11:13: error: steps.open.next[0].go: no path from script-b#loop")
    assert any(d.startswith("b.yaml:") and "not reachable from start 'open'" in d for d in diagnostics)


def test_one_file_checked_alone_reports_a_misspelt_step_but_not_other_scripts(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    text = SCRIPT_A.format(go="done") + "  done:\n    say: 끝\n    outcome: resolved\n"
    path.write_text(text.replace("go: done", "go: dnoe", 1), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_library(path)
    assert [str(d) for d in caught.value.diagnostics] == [
        "a.yaml:11:13: error: steps.open.next[0].go: no step 'dnoe' (did you mean 'done'?)",
        "a.yaml:12:3: error: steps.done: not reachable from start 'open'; add a branch that goes to it or remove it",
    ]
    path.write_text(SCRIPT_A.format(go="script-elsewhere"), encoding="utf-8")
    assert list(load_library(path).entries) == ["script-a"]


@pytest.mark.parametrize(
    ("good", "broken"),
    [
        ("title: 포상하기", "title: [포상하기"),
        ("summary: 포상", "summary: yes #"),
        ("roles: [supervisor]", "roles: [boss]"),
    ],
)
def test_a_broken_file_is_not_reported_again_by_every_reference_to_it(tmp_path: Path, good: str, broken: str) -> None:
    """resource.yaml does not parse (or fit its model): the edition and playbook that pick
    and relate it are not told its id is missing; fixing the file resolves them."""
    text = (FIXTURES / "minimal" / "resource.yaml").read_text(encoding="utf-8")
    assert good in text
    root = _library_with(tmp_path, ("resource.yaml", text.replace(good, broken, 1).encode()))
    errors = [line for line in _diagnostics(root) if ": error: " in line]
    assert errors and {line.split(":")[0] for line in errors} == {"resource.yaml"}


def test_a_reference_to_an_id_nobody_claims_is_still_reported(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal" / "resource.yaml").read_text(encoding="utf-8") + "title: [\n"
    root = _library_with(tmp_path, ("resource.yaml", text.replace("id: res-article", "id: res-other").encode()))
    assert [line.split(":")[0] for line in _diagnostics(root)] == ["edition.yaml", "playbook.yaml", "resource.yaml"]


def test_a_word_claimed_by_terms_of_two_glossaries_names_both(tmp_path: Path) -> None:
    # Search expands a word to its term's names: two claims would silently merge terms.
    second = """\
kind: glossary
id: glossary-second
title: 두 번째 용어집
summary: 다른 팀이 만든 용어집
terms:
  - term: 상급자 연결
    definition: 고객이 관리자와 통화하게 하는 일
    synonyms: [책임자 연결, 매니저]
  - term: First Call Resolution
    definition: 원콜 처리율의 영어 이름
"""
    root = _library_with(tmp_path, ("zz-glossary.yaml", second.encode()))
    assert _diagnostics(root) == [
        "zz-glossary.yaml:8:24: error: terms[0].synonyms[1]: '매니저' already names the term '관리자' in "
        "glossary.yaml:18:16; a word may name one term only, so remove it from '상급자 연결' or from '관리자'",
    ]
    # Spaces and case make no other word: `원콜처리율` is the minimal glossary's term.
    clash = second.replace("First Call Resolution", "원콜처리율").replace(", 매니저", "")
    (root / "zz-glossary.yaml").write_text(clash, encoding="utf-8")
    assert _diagnostics(root) == [
        "zz-glossary.yaml:9:11: error: terms[1].term: '원콜처리율' already names the term '원콜 처리율' in "
        "glossary.yaml:9:11; a word may name one term only, so remove it from '원콜처리율' or from '원콜 처리율'",
    ]
