"""The slips trainers make most while typing YAML read as plain English, with the fix.

One file per slip in tests/fixtures/authoring/, each stating in `# expect: LINE:COL:
message` comments exactly what `craftbook check` must print (the convention of
tests/fixtures/invalid/). Messages are English throughout.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from craftbook.cli import main

ONE_FILE_OK = (
    "ok: 1 document valid (references to other documents are checked when the whole library folder is)\n1 file read\n"
)

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted((FIXTURES / "authoring").glob("*.yaml"))
BY_STEM = {p.stem: p for p in CASES}
EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.*)$")
SLIPS = {
    "tab-indent",
    "tab-after-colon",
    "fullwidth-colon",
    "fullwidth-colon-in-list",
    "fullwidth-space",
    "fullwidth-key",
    "yes-no-boolean",
    "on-off-boolean",
    "time-as-number",
    "list-for-mapping",
    "mapping-for-list",
    "mapping-for-list-of-text",
    "nbsp-after-colon",
    "nbsp-key",
    "bracket-then-text",
    "unclosed-bracket",
    "comment-in-list",
    "star-value",
    "reserved-first-character",
    "unclosed-quote",
    "quote-closes-early",
    "backslash-in-double-quotes",
    "missing-colon",
    "indented-too-far",
    "item-without-key",
    "unit-after-number",
    "date-with-dots",
    "fullwidth-digits",
}


def expected_lines(case: Path) -> list[str]:
    return [
        f"{case.name}:{m.group(1)}:{m.group(2)}: error: {m.group(3)}"
        for line in case.read_text(encoding="utf-8").splitlines()
        if (m := EXPECT.match(line))
    ]


def test_every_slip_has_its_case() -> None:
    assert set(BY_STEM) == SLIPS


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_check_prints_exactly_the_expected_errors(case: Path) -> None:
    expected = expected_lines(case)
    assert expected, f"{case.name} states no expected error"
    result = CliRunner().invoke(main, ["check", str(case)])
    assert result.exit_code == 1
    noun = "error" if len(expected) == 1 else "errors"
    assert result.output.splitlines() == [*expected, f"{len(expected)} {noun} in 1 file", "1 file read"]


def test_quoting_fixes_the_typing_slips(tmp_path: Path) -> None:
    # The advice in the messages works: quote the value and the document is valid.
    fixes = {"yes-no-boolean": ("[yes, no]", '["yes", "no"]'), "time-as-number": ("10:30]", '"10:30"]')}
    for stem, (wrong, right) in fixes.items():
        text = BY_STEM[stem].read_text(encoding="utf-8")
        fixed = tmp_path / f"{stem}.yaml"
        fixed.write_text(text.replace(wrong, right), encoding="utf-8")
        result = CliRunner().invoke(main, ["check", str(fixed)])
        assert (result.exit_code, result.output) == (
            0,
            ONE_FILE_OK,
        )


def test_full_width_colon_inside_a_value_is_left_alone(tmp_path: Path) -> None:
    text = BY_STEM["fullwidth-colon"].read_text(encoding="utf-8")
    fixed = tmp_path / "ratio.yaml"
    fixed.write_text(text.replace("title： 전각 콜론", "title: 비율 3：1"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(fixed)])
    assert (result.exit_code, result.output) == (
        0,
        ONE_FILE_OK,
    )


def test_the_guide_shows_the_messages_check_prints() -> None:
    """The guide (작성 가이드, 자주 하는 실수) quotes messages of the fixtures: each must be what
    `check` prints for that fixture, word for word, so the guide cannot drift."""
    from tests.test_library import expected_lines as fixture_lines

    guide = (Path(__file__).parent.parent / "generator" / "craftbook" / "pages" / "guide.md").read_text(
        encoding="utf-8"
    )
    section = guide[guide.index("## 자주 하는 실수") :]
    fixtures = {
        p.name: p for folder in ("invalid", "warnings", "authoring") for p in (FIXTURES / folder).glob("*.yaml")
    }
    quoted = re.findall(r"(?m)^\s*(\S+\.yaml):\d+:\d+: (?:error|warning): .*$", section)
    checked = 0
    for line in re.findall(r"(?m)^\s*(\S+\.yaml:\d+:\d+: (?:error|warning): .*)$", section):
        name = line.split(":", 1)[0]
        if name in fixtures:
            assert line in fixture_lines(fixtures[name]), line
            checked += 1
    assert checked >= 15 and len(quoted) >= checked
