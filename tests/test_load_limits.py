"""An untrusted YAML file cannot exhaust time or memory, crash the loader, or lose data.

The expensive patterns run in a child process so that its peak memory can be measured
on its own (`ru_maxrss` of the child covers only the interpreter and the load).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from craftbook.cli import main
from craftbook.errors import Diagnostic, ValidationFailed
from craftbook.library import load_library
from craftbook.load import DEFAULT_MAX_BYTES, MAX_DEPTH, LoadedFile, load_file

HEADER = "kind: resource\nid: res-x\ntitle: 제목\nsummary: 요약\n"
ONE_GIB_KB = 1024 * 1024

_MEASURE = """
import json, resource, sys, time
from pathlib import Path
from craftbook.errors import ValidationFailed
from craftbook.library import load_library
started = time.perf_counter()
try:
    load_library(Path(sys.argv[1]))
    report = "loaded"
except ValidationFailed as exc:
    report = exc.report()
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"report": report, "seconds": seconds, "peak_kb": peak}))
"""


def measure_load(folder: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(folder)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str) -> LoadedFile | Diagnostic:
    return load_file(write(tmp_path, "doc.yaml", text), "doc.yaml")


def billion_laughs() -> str:
    lines = [HEADER.rstrip("\n"), 'takeaways: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ alias expansion


def test_billion_laughs_is_refused_fast_and_small_naming_the_file(tmp_path: Path) -> None:
    write(tmp_path / "lib", "laughs.yaml", billion_laughs())
    result = measure_load(tmp_path / "lib")
    assert result["report"].startswith("laughs.yaml:")
    assert "aliases ('*name') expand this value to" in result["report"]
    assert "write the content out plainly" in result["report"]
    assert result["seconds"] < 5
    assert result["peak_kb"] < ONE_GIB_KB


def test_aliases_that_repeat_a_long_text_are_refused(tmp_path: Path) -> None:
    """Few aliases, each a copy of a big string: a small file that renders as gigabytes."""
    big = "가나다라" * 80_000  # 960 KB: just under the size limit
    text = HEADER.replace("summary: 요약", f'summary: &s "{big}"') + "takeaways: [" + ", ".join(["*s"] * 400) + "]\n"
    write(tmp_path / "lib", "strings.yaml", text)
    result = measure_load(tmp_path / "lib")
    assert result["report"].startswith("strings.yaml:")
    assert "characters" in result["report"]
    assert result["seconds"] < 5
    assert result["peak_kb"] < ONE_GIB_KB


def test_modest_aliases_still_load(tmp_path: Path) -> None:
    text = HEADER + "tags: &t [하나, 둘]\ntakeaways: *t\n"
    loaded = load_text(tmp_path, text)
    assert isinstance(loaded, LoadedFile)
    assert loaded.data["takeaways"] == ["하나", "둘"]


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    loaded = load_text(tmp_path, HEADER + "takeaways: &loop [a, *loop]\n")
    assert isinstance(loaded, Diagnostic)
    assert loaded.line == 5
    assert "inside its own anchor" in loaded.message


# ------------------------------------------------------------------ size


def test_a_file_over_the_default_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    text = HEADER + "takeaways:\n" + "  - 한 줄 요점을 적는다\n" * (DEFAULT_MAX_BYTES // 20)
    path = write(tmp_path, "big.yaml", text)
    size = path.stat().st_size
    assert size > DEFAULT_MAX_BYTES
    loaded = load_file(path, "big.yaml")
    assert loaded == Diagnostic(
        "big.yaml",
        1,
        1,
        f"file is {size:,} bytes, over the limit of {DEFAULT_MAX_BYTES:,}; split it into smaller documents",
    )


def test_the_size_limit_is_configurable_from_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path / "lib", "doc.yaml", HEADER)
    size = path.stat().st_size
    runner = CliRunner()
    refused = runner.invoke(main, ["check", "--max-file-bytes", str(size - 1), str(tmp_path / "lib")])
    assert refused.exit_code == 1
    assert f"doc.yaml:1:1: error: file is {size} bytes, over the limit of {size - 1}" in refused.output
    allowed = runner.invoke(main, ["check", "--max-file-bytes", str(size), str(tmp_path / "lib")])
    assert allowed.exit_code == 0, allowed.output
    assert runner.invoke(main, ["check", "--max-file-bytes", "0", str(tmp_path / "lib")]).exit_code == 2


def test_build_refuses_files_over_its_size_limit_before_building(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES, ROOT

    arguments = ["build", "--config", str(ROOT / "mkdocs.yml"), "--playbooks", str(FIXTURES / "minimal")]
    result = CliRunner().invoke(main, [*arguments, "--out", str(tmp_path / "site"), "--max-file-bytes", "400"])
    assert result.exit_code == 1
    assert "lesson.yaml:1:1: error: file is" in result.output
    assert "over the limit of 400; split it into smaller documents" in result.output
    assert not (tmp_path / "site").exists()


def test_the_size_limit_is_configurable_in_mkdocs_yml(tmp_path: Path) -> None:
    from craftbook.build import BuildOptions, build
    from craftbook.config import options_from_mkdocs
    from mkdocs.config import load_config

    (tmp_path / "docs").mkdir()
    (tmp_path / "playbooks").mkdir()

    def limit(plugin: str) -> int:
        config = write(tmp_path, "mkdocs.yml", f"site_name: x\nplugins:\n  - {plugin}\n")
        return options_from_mkdocs(load_config(str(config))).max_file_bytes

    assert limit("craftbook:\n      max_file_bytes: 2048") == 2048
    assert limit("craftbook") == DEFAULT_MAX_BYTES

    # A real build reads it from mkdocs.yml and refuses the bigger file before MkDocs runs.
    root = Path(__file__).resolve().parent.parent
    project_config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    project_config = project_config.replace("max_file_bytes: 1048576", "max_file_bytes: 2048")
    assert "max_file_bytes: 2048" in project_config
    project = tmp_path / "project"
    write(project, "mkdocs.yml", project_config)
    shutil.copytree(root / "docs", project / "docs")
    shutil.copytree(root / "tests" / "fixtures" / "minimal", project / "playbooks")
    big = (project / "playbooks" / "resource.yaml").read_text(encoding="utf-8") + "#" * 3000 + "\n"
    write(project / "playbooks", "resource.yaml", big)
    with pytest.raises(ValidationFailed) as caught:
        build(BuildOptions(config_file=project / "mkdocs.yml", out=tmp_path / "site"))
    assert "resource.yaml:1:1: error: file is" in caught.value.report()
    assert "over the limit of 2,048" in caught.value.report()


# ------------------------------------------------------------------ depth


@pytest.mark.parametrize(
    "shape",
    ["flow-lists", "flow-maps", "block-lists", "block-maps"],
)
def test_ten_thousand_levels_are_refused_not_a_crash(tmp_path: Path, shape: str) -> None:
    depth = 10_000
    nested = {
        "flow-lists": "takeaways: " + "[" * depth + "x" + "]" * depth,
        "flow-maps": "takeaways: " + "{a: " * depth + "x" + "}" * depth,
        "block-lists": "takeaways:\n" + "- " * depth + "x",
        # Indentation grows with depth: 10,000 levels would be 100 MB, so go as deep as 1 MiB allows.
        "block-maps": "takeaways:\n" + "".join(" " * i + "a:\n" for i in range(1, 1400)) + " " * 1400 + "x",
    }[shape]
    loaded = load_text(tmp_path, HEADER + nested + "\n")
    assert isinstance(loaded, Diagnostic)
    assert loaded.file == "doc.yaml"
    assert loaded.message.startswith(f"nested deeper than {MAX_DEPTH} levels; ")
    assert loaded.line >= 5


def test_nesting_built_up_through_aliases_is_refused(tmp_path: Path) -> None:
    """Each anchor 30 levels deep holding the previous one: 1,800 levels, no file nested past 31."""
    lines = ["a0: &a0 " + "[" * 30 + "x" + "]" * 30]
    lines += [f"a{i}: &a{i} " + "[" * 30 + f"*a{i - 1}" + "]" * 30 for i in range(1, 60)]
    loaded = load_text(tmp_path, HEADER + "\n".join(lines) + "\n")
    assert isinstance(loaded, Diagnostic)
    assert loaded.message.startswith(f"nested deeper than {MAX_DEPTH} levels; ")


def test_nesting_within_the_limit_loads(tmp_path: Path) -> None:
    loaded = load_text(tmp_path, HEADER + "extra: " + "[" * (MAX_DEPTH - 2) + "x" + "]" * (MAX_DEPTH - 2) + "\n")
    assert isinstance(loaded, LoadedFile)


# ------------------------------------------------------------------ keys and documents


def check_text(tmp_path: Path, text: str) -> list[str]:
    """Every line `craftbook check` prints about one file holding `text`, in order."""
    write(tmp_path / "lib", "doc.yaml", text)
    with pytest.raises(ValidationFailed) as caught:
        load_library(tmp_path / "lib")
    return [str(d) for d in caught.value.diagnostics]


def test_duplicate_keys_name_both_lines(tmp_path: Path) -> None:
    assert check_text(tmp_path, "kind: resource\nid: res-x\ntitle: 첫 제목\nsummary: 요약\ntitle: 둘째 제목\n") == [
        "doc.yaml:5:1: error: duplicate key 'title' (first at line 3); "
        "YAML would silently keep only one of them: remove or rename one"
    ]


def test_every_duplicate_key_of_a_file_is_reported_with_its_other_errors(tmp_path: Path) -> None:
    """The first value is kept and the file still validated: one run shows everything."""
    text = "kind: resource\nid: res-x\ntitle: 첫 제목\ntitle: 둘째\nsummary: 요약\nsummary: 또\nroles: [boss]\n"
    lines = check_text(tmp_path, text)
    assert [line.split(": error: ")[0] for line in lines] == ["doc.yaml:4:1", "doc.yaml:6:1", "doc.yaml:7:9"]
    assert "duplicate key 'summary' (first at line 5)" in lines[1]
    assert "roles[0]: expected one of" in lines[2]


def test_duplicate_keys_in_nested_mappings_too(tmp_path: Path) -> None:
    text = "kind: script\nsteps:\n  open:\n    say: 하나\n    say: 둘\n"
    loaded = load_text(tmp_path, text)
    assert isinstance(loaded, LoadedFile)
    assert loaded.data["steps"] == {"open": {"say": "하나"}}  # the first one is kept
    [note] = loaded.source.notes
    assert (note.mark.line, note.mark.column) == (5, 5)
    assert "duplicate key 'say' (first at line 4)" in note.message


def test_keys_equal_after_nfc_are_duplicates(tmp_path: Path) -> None:
    """A key typed on macOS (decomposed Hangul) is the same key as one typed elsewhere."""
    import unicodedata

    nfd = unicodedata.normalize("NFD", "제목")
    loaded = load_text(tmp_path, f"kind: resource\n제목: a\n{nfd}: b\n")
    assert isinstance(loaded, LoadedFile)
    assert [n.message.split(";")[0] for n in loaded.source.notes] == ["duplicate key '제목' (first at line 2)"]


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    text = HEADER + "base: &base {author: 지윤정}\nsources:\n  - <<: *base\n    title: 글\n"
    loaded = load_text(tmp_path, text)
    assert loaded == Diagnostic("doc.yaml", 7, 5, "merge keys ('<<') are not supported; write the keys out")


def test_more_than_one_document_is_refused(tmp_path: Path) -> None:
    loaded = load_text(tmp_path, HEADER + "---\nkind: lesson\n")
    assert loaded == Diagnostic("doc.yaml", 5, 1, "one YAML document per file; remove '---' and split the file")
    assert isinstance(load_text(tmp_path, "---\n" + HEADER + "...\n"), LoadedFile)


# ------------------------------------------------------------------ broken values never crash


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("published: 2021-13-45", "'2021-13-45' is not a real date (month must be in 1..12); write it as YYYY-MM-DD"),
        ("published: 2021-02-30", "'2021-02-30' is not a real date (day is out of range for month)"),
        ("review_every: " + "9" * 5000, "as int"),
        ("takeaways: [!!binary 'not base64 at all']", "cannot read a value tagged '!!binary'"),
        ("takeaways: [!!python/object:os.system ls]", "cannot read a value tagged '!!python/object:os.system'"),
        ("takeaways: !!python/tuple [a, b]", "it asks YAML to build a program's object"),
        ("takeaways: !!set {a, b}", "Craftbook reads only plain YAML values"),
        ("takeaways: [!local x]", "cannot read a value tagged '!local'"),
    ],
)
def test_unreadable_values_are_diagnostics_not_crashes(tmp_path: Path, line: str, expected: str) -> None:
    loaded = load_text(tmp_path, HEADER + line + "\n")
    assert isinstance(loaded, Diagnostic)
    assert loaded.line == 5
    assert expected in loaded.message


def test_a_kind_that_is_a_list_or_mapping_is_a_diagnostic(tmp_path: Path) -> None:
    write(tmp_path / "lib", "a.yaml", "kind: [lesson]\nid: a\n")
    write(tmp_path / "lib", "b.yaml", "kind: {lesson: 1}\nid: b\n")
    with pytest.raises(ValidationFailed) as caught:
        load_library(tmp_path / "lib")
    assert [(d.file, d.line) for d in caught.value.diagnostics] == [("a.yaml", 1), ("b.yaml", 1)]
    assert all(d.message.startswith("kind: expected one of") for d in caught.value.diagnostics)
