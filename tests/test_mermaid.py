"""Script graph → Mermaid text: node ids, inert labels, outcome classes, loops."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import get_args

import pytest
from craftbook.library import load_library
from craftbook.mermaid import OUTCOME_STYLE, HandoffNode, flow_island, flowchart, label
from craftbook.models import Outcome, Script
from craftbook.models.script import step_label
from craftbook.render import script_order
from craftbook.text import collapse
from hypothesis import given
from hypothesis import strategies as st

CONSULT = Path(__file__).parent / "fixtures" / "consult"
# What a label may contain after encoding: plain letters and Mermaid's numeric entity codes.
LABEL = r"(?:[A-Za-z0-9 \uac00-\ud7a3\u3131-\u318e]|#[0-9]+;)*"
NODE = re.compile(r'^  (n\d+)(\["|\(\[")(' + LABEL + r")(?:<br>(" + LABEL + r'))?("\]|"\]\))$')
EDGE = re.compile(r'^  (n\d+) -->\|"(' + LABEL + r')"\| (n\d+)$')
HANDOFF_NODE = re.compile(r'^  (h\d+)\[\["(' + LABEL + r')"\]\]$')
HANDOFF_EDGE = re.compile(r'^  (n\d+) -->\|"(' + LABEL + r')"\| (h\d+)$')
HOSTILE = [
    '"]--> n9["가짜"] click n0 call alert(1)',
    "<img src=x onerror=alert(1)><script>alert(1)</script>",
    '%%{init: {"securityLevel": "loose"}}%% `백틱` #35; & ;',
    "여러\n줄\t라벨",
    "style n0 fill:#f00; classDef x fill:#f00;",
    "ﬂ°°60¶ß 가짜 엔티티",
]


def decode(encoded: str) -> str:
    return re.sub(r"#([0-9]+);", lambda m: chr(int(m.group(1))), encoded)


@pytest.fixture(scope="module")
def scripts() -> dict[str, Script]:
    library = load_library(CONSULT)
    return {e.doc.id: e.doc for e in library if isinstance(e.doc, Script)}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_label_is_plain_letters_and_entity_codes(text: str) -> None:
    encoded = label(text)
    assert re.fullmatch(LABEL, encoded), encoded
    assert decode(encoded) == collapse(text)


@given(st.text())
def test_any_label_round_trips_and_has_no_syntax(text: str) -> None:
    encoded = label(text)
    assert re.fullmatch(LABEL, encoded)
    assert decode(encoded) == collapse(text)
    # Mermaid's own entity step only sees numeric codes, so it never makes a named one.
    assert all(code.isdigit() for code in re.findall(r"#(\w+);", encoded))


def test_hangul_and_plain_words_stay_readable() -> None:
    assert label("요금이 부담스럽다 2배 ABC") == "요금이 부담스럽다 2배 ABC"
    assert label("A.B") == "A#46;B"


def test_every_outcome_has_a_style() -> None:
    assert set(OUTCOME_STYLE) == set(get_args(Outcome))


def test_nodes_follow_reading_order_with_neutral_ids(scripts: dict[str, Script]) -> None:
    script = scripts["script-consult"]
    order = script_order(script)
    chart = flowchart(script, order)
    assert chart.nodes == {f"n{i}": step for i, step in enumerate(order)}
    lines = chart.text.splitlines()
    assert lines[0] == "flowchart TD"
    nodes = [NODE.match(line) for line in lines if NODE.match(line)]
    assert [m.group(1) for m in nodes] == [f"n{i}" for i in range(len(order))]
    for match, step_id in zip(nodes, order, strict=True):
        step = script.steps[step_id]
        # The step's label, never its id: "1. 해지 이유 묻기" (a title) or the first words it says.
        assert decode(match.group(3)) == step_label(step, order.index(step_id) + 1)
        assert step_id not in decode(match.group(3))
        # Outcomes are the rounded ends of the chart and name their outcome.
        assert (match.group(2) == '(["') == bool(step.outcome)


def test_one_edge_per_branch_with_its_when_text(scripts: dict[str, Script]) -> None:
    script = scripts["script-consult"]
    order = script_order(script)
    chart = flowchart(script, order)
    edges = [EDGE.match(line).groups() for line in chart.text.splitlines() if EDGE.match(line)]  # type: ignore[union-attr]
    expected = [
        (chart_id(chart.nodes, step_id), branch.when, chart_id(chart.nodes, branch.go))
        for step_id in order
        for branch in script.steps[step_id].next or []
    ]
    assert [(a, decode(w), b) for a, w, b in edges] == expected


def test_loops_are_edges_back_to_an_earlier_node(scripts: dict[str, Script]) -> None:
    chart = flowchart(scripts["script-consult"], script_order(scripts["script-consult"]))
    back = [m for m in map(EDGE.match, chart.text.splitlines()) if m and int(m.group(3)[1:]) <= int(m.group(1)[1:])]
    assert [(m.group(1), decode(m.group(2)), m.group(3)) for m in back] == [("n1", "다시 생각해 보겠다", "n0")]


def test_outcome_nodes_carry_their_outcome_class(scripts: dict[str, Script]) -> None:
    script = scripts["script-consult"]
    chart = flowchart(script, script_order(script))
    lines = chart.text.splitlines()
    used = sorted({s.outcome for s in script.steps.values() if s.outcome})
    assert used == ["cancelled", "downgraded", "escalated", "resolved"]
    for outcome in used:
        assert f"  classDef outcome_{outcome} {OUTCOME_STYLE[outcome]}" in lines
    assert "  classDef outcome_retained" not in chart.text  # unused outcomes add nothing
    classes = dict(re.findall(r"^  class (n\d+) (\w+)$", chart.text, re.M)[:-1])
    assert {chart.nodes[n]: c for n, c in classes.items()} == {
        step_id: f"outcome_{step.outcome}" for step_id, step in script.steps.items() if step.outcome
    }
    assert lines[-1] == f"  class {chart_id(chart.nodes, script.start)} start"


def test_hostile_script_has_only_well_formed_lines(scripts: dict[str, Script]) -> None:
    script = scripts["script-hostile"]
    chart = flowchart(script, script_order(script))
    body = chart.text.splitlines()[1:]
    for line in body:
        assert NODE.match(line) or EDGE.match(line) or re.fullmatch(r"  (classDef|class) [\w ,:#-]+", line), line
    # A step called "end" (a Mermaid keyword) is only ever a label, never an id.
    assert "end" in chart.nodes.values()
    assert not re.search(r"^\s*end\b", chart.text, re.M)
    whens = [decode(m.group(2)) for m in map(EDGE.match, body) if m]
    assert '"]--> n9["가짜"] click n0 call alert(1)' in whens
    assert "여러 줄 라벨" in whens


def test_json_island_cannot_end_early(scripts: dict[str, Script]) -> None:
    script = scripts["script-hostile"]
    order = script_order(script)
    island = str(flow_island(script, order))
    match = re.fullmatch(r'<script type="application/json" class="cb-flow-data">(.*)</script>', island, re.S)
    assert match
    payload = match.group(1)
    assert not set("<>&") & set(payload)
    chart = flowchart(script, order)
    assert json.loads(payload) == {"mermaid": chart.text, "nodes": chart.nodes}
    # Whatever the HTML parser does with the payload, it is the JSON text itself.
    assert html.unescape(payload) == payload


def chart_id(nodes: dict[str, str], step_id: str) -> str:
    return next(n for n, s in nodes.items() if s == step_id)


def test_a_hand_off_is_a_node_of_its_own_that_links_to_the_other_script(scripts: dict[str, Script]) -> None:
    script = scripts["script-outage"]
    order = script_order(script)
    target = HandoffNode(
        "요금 부담 해지 요청 상담 · 2. 낮은 요금제 제안",
        "../script-consult/#step-offer-plan",
        "script-consult#offer-plan",
    )
    chart = flowchart(script, order, handoffs={"script-consult#offer-plan": target})
    lines = chart.text.splitlines()
    nodes = [m.groups() for m in map(HANDOFF_NODE.match, lines) if m]
    assert [(n, decode(text)) for n, text in nodes] == [("h0", "→ 요금 부담 해지 요청 상담 · 2. 낮은 요금제 제안")]
    edges = [m.groups() for m in map(HANDOFF_EDGE.match, lines) if m]
    assert [(a, decode(w), b) for a, w, b in edges] == [("n0", "요금이 부담스럽다고 한다", "h0")]
    assert chart.handoffs == {"h0": {"go": "script-consult#offer-plan", "href": "../script-consult/#step-offer-plan"}}
    assert "  class h0 handoff" in lines
    assert set(chart.nodes.values()) == set(script.steps)  # a hand-off is no step of this script


def test_branches_to_one_step_of_another_script_share_its_node(scripts: dict[str, Script]) -> None:
    data = scripts["script-outage"].model_dump()
    data["steps"]["compensate"].update(
        outcome=None,
        next=[{"when": "처음부터", "go": "script-consult"}, {"when": "첫 단계로", "go": "script-consult#open"}],
    )
    script = Script.model_validate(data)
    start = HandoffNode(
        "요금 부담 해지 요청 상담 · 1. 해지 이유 묻기", "../script-consult/#step-open", "script-consult#open"
    )
    chart = flowchart(
        script,
        script_order(script),
        handoffs={
            "script-consult": start,
            "script-consult#open": start,
            "script-consult#offer-plan": HandoffNode("이 사이트에 없는 스크립트", "", ""),
        },
    )
    assert chart.handoffs == {
        "h0": {"go": "", "href": ""},  # a script left out of the build: no id, no link
        "h1": {"go": "script-consult#open", "href": "../script-consult/#step-open"},
    }
    edges = [m.groups() for m in map(HANDOFF_EDGE.match, chart.text.splitlines()) if m]
    assert [(a, b) for a, _, b in edges] == [("n0", "h0"), ("n1", "h1"), ("n1", "h1")]
