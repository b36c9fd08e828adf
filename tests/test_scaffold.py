"""`craftbook new`: every scaffold passes `craftbook check` as written, and nothing is clobbered."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from craftbook.cli import KIND_ARGUMENT, main
from craftbook.models import KINDS
from craftbook.schema import PROJECT_COPY

ONE_FILE_OK = (
    "ok: 1 document valid (references to other documents are checked when the whole library folder is)\n1 file read\n"
)

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
IDS = {
    "role-playbook": ("qa-listen-first", "roles/qa/qa-listen-first.yaml"),
    "lesson": ("lesson-new-hire-day-one", "lessons/lesson-new-hire-day-one.yaml"),
    "scorecard": ("qa-chat-basics", "scorecards/qa-chat-basics.yaml"),
    "script": ("script-billing-question", "scripts/script-billing-question.yaml"),
    "resource": ("res-some-article", "resources/res-some-article.yaml"),
    "edition": ("edition-2027-01", "editions/edition-2027-01.yaml"),
    "glossary": ("glossary-kpi", "glossary/glossary-kpi.yaml"),
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A copy of the minimal library inside a project that ships the schema."""
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    (tmp_path / ".vscode").mkdir()
    (tmp_path / PROJECT_COPY).write_text("{}", encoding="utf-8")
    return Path(shutil.copytree(MINIMAL, tmp_path / "playbooks"))


def test_kind_choices_are_the_models_kinds() -> None:
    assert tuple(KIND_ARGUMENT.choices) == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_scaffold_is_created_where_expected_and_passes_check(library: Path, kind: str) -> None:
    doc_id, rel = IDS[kind]
    code, output = run("new", kind, doc_id, "--playbooks", str(library))
    target = library / rel
    assert code == 0, output
    assert output == f"created {target}\n"
    # Alone, and inside a library whose cross-references it must not break.
    assert run("check", str(target)) == (
        0,
        ONE_FILE_OK,
    )
    count = len(list(MINIMAL.glob("*.yaml"))) + 1
    assert run("check", str(library)) == (0, f"ok: {count} documents valid\n{count} files read\n")


@pytest.mark.parametrize("kind", KINDS)
def test_scaffold_points_editors_at_the_shipped_schema(library: Path, kind: str) -> None:
    doc_id, rel = IDS[kind]
    run("new", kind, doc_id, "--playbooks", str(library))
    first = (library / rel).read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    reference = first.removeprefix(prefix)
    assert not Path(reference).is_absolute()
    assert ((library / rel).parent / reference).resolve() == (library.parent / PROJECT_COPY).resolve()


@pytest.mark.parametrize("kind", KINDS)
def test_scaffold_is_commented(library: Path, kind: str) -> None:
    doc_id, rel = IDS[kind]
    run("new", kind, doc_id, "--playbooks", str(library))
    lines = (library / rel).read_text(encoding="utf-8").splitlines()
    commented = [line for line in lines if "# " in line]
    assert len(commented) >= len(lines) // 3


def test_scaffolds_pass_check_in_an_empty_library(tmp_path: Path) -> None:
    for kind in KINDS:
        doc_id, _ = IDS[kind]
        assert run("new", kind, doc_id, "--playbooks", str(tmp_path))[0] == 0
    assert run("check", str(tmp_path)) == (0, f"ok: {len(KINDS)} documents valid\n{len(KINDS)} files read\n")


def test_edition_scaffold_follows_the_last_edition(library: Path) -> None:
    run("new", "edition", "edition-next", "--playbooks", str(library))
    data = yaml.safe_load((library / "editions/edition-next.yaml").read_text(encoding="utf-8"))
    previous = yaml.safe_load((MINIMAL / "edition.yaml").read_text(encoding="utf-8"))
    assert data["number"] == previous["number"] + 1
    assert data["date"] >= previous["date"]
    assert data["picks"] == [{"ref": "res-article", "note": "고른 이유"}]


def test_title_is_written_so_that_it_reads_back_unchanged(library: Path) -> None:
    title = '해지: "다시" 보기 #1'
    assert run("new", "lesson", "lesson-title", "--title", title, "--playbooks", str(library))[0] == 0
    data = yaml.safe_load((library / "lessons/lesson-title.yaml").read_text(encoding="utf-8"))
    assert data["title"] == title
    assert run("check", str(library))[0] == 0


def test_refuses_to_overwrite_an_existing_file(library: Path) -> None:
    target = library / "lessons" / "lesson-mine.yaml"
    target.parent.mkdir()
    target.write_text("not yet a document\n", encoding="utf-8")
    code, output = run("new", "lesson", "lesson-mine", "--playbooks", str(library))
    assert code == 1
    assert output == (
        f"Error: {target} already exists; refusing to overwrite it (choose another id or edit that file)\n"
    )
    assert target.read_text(encoding="utf-8") == "not yet a document\n"


def test_refuses_an_id_the_library_already_uses(library: Path) -> None:
    code, output = run("new", "lesson", "qa-retention", "--playbooks", str(library))
    assert code == 1
    assert output == f"Error: id 'qa-retention' is already used by {library / 'scorecard.yaml'}; ids must be unique\n"
    assert not (library / "lessons").exists()


def test_finds_the_id_of_a_file_that_does_not_parse(library: Path) -> None:
    (library / "broken.yaml").write_text("kind: lesson\nid: lesson-broken\ntitle: [unclosed\n", encoding="utf-8")
    code, output = run("new", "lesson", "lesson-broken", "--playbooks", str(library))
    assert code == 1
    assert "already used by" in output
    assert "broken.yaml" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "lesson", "Lesson_One"], "'Lesson_One' is not lowercase letters, digits and single hyphens"),
        (["new", "lessn", "lesson-one"], "'lessn' is not one of"),
        (["new", "lesson"], "Missing argument 'ID'"),
        (["new", "resource", "index"], "id 'index' is the name of each kind's listing page; choose another id"),
    ],
)
def test_usage_errors_exit_2(library: Path, args: list[str], message: str) -> None:
    code, output = run(*args, "--playbooks", str(library))
    assert code == 2
    assert message in output
    assert sorted(p.name for p in library.rglob("*.yaml")) == sorted(p.name for p in MINIMAL.glob("*.yaml"))


def test_missing_library_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run("new", "lesson", "lesson-one", "--playbooks", str(tmp_path / "nope"))
    assert code == 2
    assert "does not exist" in output


def test_the_guide_describes_every_kind() -> None:
    # 작성 가이드 is where a trainer learns the contract: a new kind is not done without it.
    from craftbook.resources import PAGES

    guide = (PAGES / "guide.md").read_text(encoding="utf-8")
    assert [kind for kind in KINDS if f"| `{kind}` |" not in guide] == []
