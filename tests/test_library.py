"""Every validation rule, one YAML file per invalid case with its exact expected messages.

Each file in tests/fixtures/invalid/ states what `craftbook check` must say about it in
`# expect: LINE:COL: message` comments. The case is checked inside a copy of the valid
minimal library, so cross-references have something to point at.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from craftbook.errors import ValidationFailed
from craftbook.library import load_library

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.*)$")


def _library_with(tmp_path: Path, *files: tuple[str, bytes]) -> Path:
    root = tmp_path / "library"
    shutil.copytree(FIXTURES / "minimal", root)
    for name, content in files:
        (root / name).write_bytes(content)
    return root


def _diagnostics(root: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        load_library(root)
    return [str(d) for d in caught.value.diagnostics]


@pytest.mark.parametrize("case", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_case_reports_exactly_its_errors(case: Path, tmp_path: Path) -> None:
    text = case.read_text(encoding="utf-8")
    expected = [
        f"{case.name}:{m.group(1)}:{m.group(2)}: error: {m.group(3)}"
        for line in text.splitlines()
        if (m := EXPECT.match(line))
    ]
    assert expected, f"{case.name} states no expected error"
    root = _library_with(tmp_path, (case.name, case.read_bytes()))
    assert _diagnostics(root) == expected


def test_minimal_library_is_valid() -> None:
    library = load_library(FIXTURES / "minimal")
    assert sorted(e.doc.kind for e in library) == sorted(
        ["role-playbook", "lesson", "scorecard", "script", "resource", "edition"]
    )


def test_every_error_of_every_file_in_one_run(tmp_path: Path) -> None:
    cases = [p for p in INVALID if p.stem in {"bad-role", "lesson-duration", "script-graph"}]
    root = _library_with(tmp_path, *((p.name, p.read_bytes()) for p in cases))
    with pytest.raises(ValidationFailed) as caught:
        load_library(root)
    files = {d.file for d in caught.value.diagnostics}
    assert files == {p.name for p in cases}
    assert len(caught.value.diagnostics) == 1 + 2 + 2
    assert caught.value.report().splitlines()[-1] == "5 errors in 3 files"


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    copy = (FIXTURES / "minimal" / "resource.yaml").read_bytes()
    root = _library_with(tmp_path, ("zz-copy.yaml", copy))
    assert _diagnostics(root) == [
        "resource.yaml:2:5: error: id: 'res-article' is also used by zz-copy.yaml:2:5; ids must be unique",
        "zz-copy.yaml:2:5: error: id: 'res-article' is already used by resource.yaml:2:5; ids must be unique",
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
        "numbers must increase with dates",
        "same.yaml:5:9: error: number: edition 1 is also edition.yaml (edition-2026-11); "
        "edition numbers must be unique",
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
