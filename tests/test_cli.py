"""The `craftbook` command line, driven through click's CliRunner (exit codes are the contract)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from craftbook.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_check_clean_library_exits_0() -> None:
    code, output = run("check", str(FIXTURES / "minimal"))
    assert code == 0
    assert output.strip() == "ok: 7 documents valid\n7 files read"  # one of each kind


def test_check_reports_every_error_and_exits_1(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "lib")
    for name in ("bad-role.yaml", "script-graph.yaml"):
        shutil.copy(FIXTURES / "invalid" / name, tmp_path / "lib" / name)
    code, output = run("check", str(tmp_path / "lib"))
    assert code == 1
    lines = output.strip().splitlines()
    assert lines[0].startswith("bad-role.yaml:5:16: error: roles[1]: ")
    assert "script-graph.yaml:7:8: error: start: no step 'opne' (did you mean 'open'?)" in lines
    assert lines[-2:] == ["3 errors in 2 files", "9 files read"]


def test_check_one_file() -> None:
    code, output = run("check", str(FIXTURES / "minimal" / "script.yaml"))
    assert code == 0
    assert "1 document valid" in output


def test_wrong_usage_exits_2() -> None:
    assert run("check", "--no-such-flag")[0] == 2
    assert run("build", "--audience", "everyone")[0] == 2
    assert run("no-such-command")[0] == 2


def test_build_writes_site_and_failed_build_keeps_it(tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, output = run("build", "--playbooks", str(FIXTURES / "minimal"), "--out", str(out))
    assert code == 0, output
    page = out / "scripts" / "script-price" / "index.html"
    assert "요금 부담 해지 요청 상담" in page.read_text(encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    broken = tmp_path / "broken"
    shutil.copytree(FIXTURES / "minimal", broken)
    shutil.copy(FIXTURES / "invalid" / "script-graph.yaml", broken / "script-graph.yaml")
    code, output = run("build", "--playbooks", str(broken), "--out", str(out))
    assert code == 1
    assert "script-graph.yaml:7:8: error: start: no step 'opne'" in output
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".site.*")), "staging folders must be cleaned up"


def test_drafts_are_left_out_unless_asked(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    shutil.copytree(FIXTURES / "minimal", lib)
    text = (lib / "resource.yaml").read_text(encoding="utf-8")
    (lib / "draft.yaml").write_text(
        text.replace("id: res-article", "id: res-draft").replace("title: 포상하기 대신 인정하기", "title: 아직 쓰는 중")
        + "status: draft\n",
        encoding="utf-8",
    )
    assert run("build", "--playbooks", str(lib), "--out", str(tmp_path / "a"))[0] == 0
    assert not (tmp_path / "a" / "resources" / "res-draft").exists()
    assert run("build", "--playbooks", str(lib), "--out", str(tmp_path / "b"), "--drafts")[0] == 0
    assert "아직 쓰는 중" in (tmp_path / "b" / "resources" / "res-draft" / "index.html").read_text(encoding="utf-8")


def test_generate_writes_plain_markdown(tmp_path: Path) -> None:
    code, output = run("generate", "--playbooks", str(FIXTURES / "minimal"), "--out", str(tmp_path / "md"))
    assert code == 0, output
    assert (tmp_path / "md" / "lessons" / "lesson-diagnosis.md").read_text(encoding="utf-8").startswith("---\n")


def test_build_shows_craftbook_warnings_and_strict_fails_on_them(tmp_path: Path) -> None:
    """Warnings print on a normal build (located, as check prints them); --strict stops
    before anything is built and leaves the previous site as it was."""
    lib = tmp_path / "lib"
    shutil.copytree(FIXTURES / "minimal", lib)
    out = tmp_path / "site"
    runner = CliRunner(env={"CRAFTBOOK_SITE_URL": "https://example.org/", "SOURCE_DATE_EPOCH": "1796083200"})
    clean = runner.invoke(main, ["build", "--strict", "--playbooks", str(lib), "--out", str(out)])
    assert clean.exit_code == 0, clean.output
    shutil.copy(FIXTURES / "warnings" / "future-date.yaml", lib / "future-date.yaml")
    warning = (
        "future-date.yaml:7:11: warning: reviewed: 2062-10-01 is after today (2026-12-01); if it is a typo, "
        "correct it (a date in the future puts the document first in every feed and keeps its page 'fresh')"
    )
    built = runner.invoke(main, ["build", "--playbooks", str(lib), "--out", str(out)])
    assert built.exit_code == 0 and warning in built.output.splitlines(), built.output
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (lib / "future-date.yaml").write_text(
        (lib / "future-date.yaml").read_text(encoding="utf-8").replace("미래의 검토일", "엄격 모드"), encoding="utf-8"
    )
    strict = runner.invoke(main, ["build", "--strict", "--playbooks", str(lib), "--out", str(out)])
    assert strict.exit_code == 1
    assert strict.output.splitlines()[-2:] == ["2 warnings in 1 file; --strict fails on warnings", "8 files read"]
    assert warning in strict.output.splitlines()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
