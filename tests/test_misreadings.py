"""What YAML would read as something else than the author wrote is refused or warned about,
as a kind: every integer field, every tag, every reader.

The one-case-one-message fixtures are in tests/fixtures/invalid/ and warnings/
(tests/test_library.py); here the rules are held over many inputs.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from craftbook import load
from craftbook.errors import ValidationFailed
from craftbook.library import load_library
from craftbook.render import RenderOptions, render_site
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES

MINIMAL = FIXTURES / "minimal"
TODAY = dt.date(2026, 11, 30)

# Every integer field of the contract, as (file of the minimal library, line as written,
# line with the number to put in `{}`), and an integer key (a scorecard's anchors).
INTEGER_FIELDS = [
    ("lesson.yaml", "duration: 30", "duration: {}"),
    ("lesson.yaml", "  - minutes: 10", "  - minutes: {}"),
    ("lesson.yaml", "    answer: 1", "    answer: {}"),
    ("resource.yaml", "roles: [supervisor]", "roles: [supervisor]\nreview_every: {}"),
    ("scorecard.yaml", "    weight: 60", "    weight: {}"),
    ("scorecard.yaml", "        points: 60", "        points: {}"),
    ("scorecard.yaml", "          60: 두 번 이상 열린 질문", "          {}: 두 번 이상 열린 질문"),
    ("edition.yaml", "number: 1", "number: {}"),
]


def _library(tmp_path: Path, name: str, old: str, new: str) -> Path:
    root = tmp_path / "lib"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(MINIMAL, root)
    lines = (root / name).read_text(encoding="utf-8").split("\n")
    assert lines.count(old) == 1, old  # the whole line, once (a scorecard's history repeats its fields)
    lines[lines.index(old)] = new
    (root / name).write_text("\n".join(lines), encoding="utf-8")
    return root


@settings(max_examples=150, deadline=None)
@given(
    field=st.sampled_from(INTEGER_FIELDS),
    number=st.integers(min_value=0, max_value=10**6),
    zeros=st.integers(min_value=1, max_value=3),
)
def test_any_integer_written_with_a_leading_zero_is_refused(
    tmp_path_factory: pytest.TempPathFactory, field: tuple[str, str, str], number: int, zeros: int
) -> None:
    """`030` is octal 24 to YAML, `08` text that pydantic would make 8: both are refused
    where they stand, with the number the author most likely meant."""
    name, old, new = field
    assume(not (old.endswith("열린 질문") and number == 0))  # 00: would be the key 0 again, a duplicate key
    written = "0" * zeros + str(number)
    root = _library(tmp_path_factory.mktemp("z"), name, old, new.format(written))
    with pytest.raises(ValidationFailed) as caught:
        load_library(root, today=TODAY)
    mine = [d for d in caught.value.errors if d.file == name]
    line = new.format(written).splitlines()[-1]
    column = line.index(written) + 1
    assert [(d.column, d.message) for d in mine if "starts with 0" in d.message] == [
        (column, next(d.message for d in mine if "starts with 0" in d.message))
    ]
    message = next(d.message for d in mine if "starts with 0" in d.message)
    assert f"{written!r} starts with 0" in message
    assert message.endswith(f"write {number} without the leading zero")
    # Nothing else is said about a number read wrong (no sum or range computed from 24).
    assert len(mine) == 1, [str(d) for d in mine]


@pytest.mark.parametrize("written", ["30", "+30", "0"])
def test_plain_decimal_numbers_are_read_as_written(tmp_path: Path, written: str) -> None:
    root = _library(tmp_path, "resource.yaml", "roles: [supervisor]", f"roles: [supervisor]\nreview_every: {written}")
    if written == "0":
        with pytest.raises(ValidationFailed, match="review_every: expected a number > 0, got 0; write 1 or more"):
            load_library(root, today=TODAY)
        return
    assert load_library(root, today=TODAY).get("res-article").review_every == 30  # type: ignore[union-attr]


def test_tags_spelt_two_ways_across_files_are_one_tag(tmp_path: Path) -> None:
    """The first spelling (public documents first, then kind and id) names the tag page;
    every other spelling is a warning at its place, and no second page is made."""
    root = _library(tmp_path, "resource.yaml", "roles: [supervisor]", "roles: [supervisor]\ntags: [kpi, 코칭 ]")
    lesson = root / "lesson.yaml"
    lesson.write_text(
        lesson.read_text(encoding="utf-8").replace("tags: [해지방어]", "tags: [해지방어, KPI]"), encoding="utf-8"
    )
    library = load_library(root, today=TODAY)
    assert [str(w) for w in library.warnings] == [
        "resource.yaml:6:8: warning: tags[0]: 'kpi' is the tag 'KPI' of lesson.yaml:6:14 written another way; "
        "its page shows 'KPI': write it the same way"
    ]
    assert library.get("res-article").tags == ["KPI", "코칭"]  # type: ignore[union-attr]
    pages = render_site(library, RenderOptions(today=TODAY))
    tag_pages = sorted(p for p in pages if p.startswith("tags/") and p != "tags/index.md")
    assert tag_pages == ["tags/kpi/index.md", "tags/인정/index.md", "tags/코칭/index.md", "tags/해지방어/index.md"]
    assert pages["tags/index.md"].count("KPI") == 1


def test_a_members_only_spelling_never_names_a_public_tag(tmp_path: Path) -> None:
    root = _library(tmp_path, "resource.yaml", "roles: [supervisor]", "roles: [supervisor]\ntags: [Pay]")
    playbook = root / "playbook.yaml"
    text = playbook.read_text(encoding="utf-8").replace("tags: [인정, 코칭]", "tags: [인정, 코칭, PAY]")
    playbook.write_text(text + "access: members\n", encoding="utf-8")
    library = load_library(root, today=TODAY)
    assert library.get("res-article").tags == ["Pay"]  # type: ignore[union-attr]
    assert library.get("supervisor-recognition").tags == ["인정", "코칭", "Pay"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("line", "warned"),
    [
        ("title: 인정하기 #2 실천편", True),
        ("title: 인정하기  # 주석", False),
        ('title: "인정하기 #2 실천편"', False),
        ("title: 인정하기#2", False),
    ],
)
def test_a_comment_right_after_a_plain_value_is_a_warning(tmp_path: Path, line: str, warned: bool) -> None:
    root = _library(tmp_path, "resource.yaml", "title: 포상하기 대신 인정하기", line)
    library = load_library(root, today=TODAY)
    assert bool(library.warnings) == warned
    if warned:
        assert library.warnings[0].message.startswith("title: ' #' starts a comment, so YAML reads only '인정하기'")


def test_both_readers_report_the_same_notes_for_a_file_with_anchors() -> None:
    """Files with anchors take the graph reader: its notes must be the one-pass reader's."""
    text = (
        "kind: resource\nid: r\ntitle: a #b\nsummary: s\nsummary: t\n"
        'tags:\n  - "\\uFFFE"\n  - x #y\nowner: "\\uD83D\\uDE00"\nreview_every: 030\n'
    )
    tree = load._read_tree(text, yaml.SafeLoader)[1]
    graph = load._read_graph(text, yaml.SafeLoader)[1]
    assert tree.notes == graph.notes and tree.scalars == graph.scalars
    assert [n.mark.line for n in tree.notes] == [3, 5, 7, 8, 9]
    anchored = text.replace("owner:", "x: &o 1\nowner:")
    assert [(n.message, n.severity) for n in load._read_graph(anchored, yaml.SafeLoader)[1].notes] == [
        (n.message, n.severity) for n in tree.notes
    ]
