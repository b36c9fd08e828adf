"""A script's step graph → Mermaid flowchart text whose labels cannot become syntax.

Mermaid parses a small language of its own and then builds SVG from it, so a `when`
label such as `"]--> x` could close a node and add edges, `%%{init: …}%%` could change
its settings, and `<img onerror=…>` could reach the page as markup. Labels therefore
keep only characters Mermaid cannot misread (ASCII letters and digits, space, Hangul)
and spell every other character as Mermaid's numeric entity code `#NN;`. Mermaid turns
that into the HTML character reference `&#NN;` in the finished SVG: text, never syntax.
Node ids are ours (`n0`, `n1`, … in reading order; `h0`, `h1`, … for hand-offs to other
scripts), so a step id can never collide with a Mermaid keyword such as `end`. Nodes
show the step's label (`4. 이용 내역 확인`), never its id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from markupsafe import Markup

from . import labels as labels_module
from .models import Script
from .models.script import handoff, step_labels
from .text import collapse

# Fill, stroke and text colour per outcome; readable in both Material colour schemes
# because each node carries its own light fill and dark text.
OUTCOME_STYLE: dict[str, str] = {
    "retained": "fill:#c8e6c9,stroke:#2e7d32,color:#1b5e20",
    "downgraded": "fill:#fff3c4,stroke:#c79100,color:#5d4037",
    "cancelled": "fill:#ffcdd2,stroke:#c62828,color:#8e0000",
    "escalated": "fill:#e1bee7,stroke:#6a1b9a,color:#4a148c",
    "resolved": "fill:#bbdefb,stroke:#1565c0,color:#0d47a1",
}
START_STYLE = "stroke-width:3px"
HANDOFF_STYLE = "fill:#eceff1,stroke:#455a64,color:#263238,stroke-dasharray:4 3"


@dataclass(frozen=True)
class HandoffNode:
    """Another script a branch hands the call to: its label and the link to its page."""

    label: str  # `장애 후 해지 요청 상담 · 2. 장애 인정과 사과`
    href: str  # relative link to the step on the other script's page; "" if not in the build
    go: str = ""  # `script-id#step`, the step named even where the branch names only the script;
    # "" when the script is not in the build (its id must not reach the page)


@dataclass(frozen=True)
class Flowchart:
    """Mermaid source plus the map the page script needs to find a step's node."""

    text: str
    nodes: dict[str, str]  # Mermaid node id → step id
    handoffs: dict[str, dict[str, str]]  # Mermaid node id → {"go": script#step, "href": link}


def _is_plain(char: str) -> bool:
    return (
        char == " "
        or ("a" <= char <= "z")
        or ("A" <= char <= "Z")
        or ("0" <= char <= "9")
        or ("\uac00" <= char <= "\ud7a3")  # Hangul syllables
        or ("\u3131" <= char <= "\u318e")  # Hangul compatibility jamo
    )


def label(text: str) -> str:
    """Text → the inside of a quoted Mermaid label that shows exactly that text."""
    return "".join(char if _is_plain(char) else f"#{ord(char)};" for char in collapse(text))


def outcome_class(outcome: str) -> str:
    return f"outcome_{outcome}"


def flowchart(
    script: Script,
    order: list[str],
    *,
    labels: dict[str, str] | None = None,
    handoffs: dict[str, HandoffNode] | None = None,
) -> Flowchart:
    """Steps as nodes (outcomes as rounded ends), `when` texts on the edges, loops kept;
    a hand-off to another script is a node of its own (a subroutine box) per target.

    `labels` are the step labels (default: `models.script.step_labels`); `handoffs` maps a
    branch's `go` to the other script's label and link (default: the `go` text itself).
    """
    labels = labels or step_labels(script, order)
    handoffs = handoffs or {}
    node_of = {step_id: f"n{index}" for index, step_id in enumerate(order)}
    lines = ["flowchart TD"]
    for step_id in order:
        step = script.steps[step_id]
        text = label(labels[step_id])
        if step.outcome:
            # "<br>" is ours, not the author's: Mermaid's own line break.
            text += "<br>" + label(labels_module.OUTCOME_LABEL[step.outcome])
            lines.append(f'  {node_of[step_id]}(["{text}"])')
        else:
            lines.append(f'  {node_of[step_id]}["{text}"]')
    handoff_of: dict[str, str] = {}
    links: dict[str, dict[str, str]] = {}
    edges = []
    for step_id in order:
        for branch in script.steps[step_id].next or []:
            if handoff(script, branch.go) is None:
                if branch.go in node_of:
                    edges.append(f'  {node_of[step_id]} -->|"{label(branch.when)}"| {node_of[branch.go]}')
                continue
            target = handoffs.get(branch.go, HandoffNode(branch.go, "", branch.go))
            key = target.go or target.label  # `script-b` and `script-b#start` are one node
            if key not in handoff_of:
                node = f"h{len(handoff_of)}"
                handoff_of[key] = node
                lines.append(f'  {node}[["{label("→ " + target.label)}"]]')
                links[node] = {"go": target.go, "href": target.href}
            edges.append(f'  {node_of[step_id]} -->|"{label(branch.when)}"| {handoff_of[key]}')
    lines += edges
    used = sorted({s.outcome for s in script.steps.values() if s.outcome})
    for outcome in used:
        lines.append(f"  classDef {outcome_class(outcome)} {OUTCOME_STYLE[outcome]}")
    if handoff_of:
        lines.append(f"  classDef handoff {HANDOFF_STYLE}")
    lines.append(f"  classDef start {START_STYLE}")
    for step_id in order:
        outcome = script.steps[step_id].outcome
        if outcome:
            lines.append(f"  class {node_of[step_id]} {outcome_class(outcome)}")
    if handoff_of:
        lines.append(f"  class {','.join(handoff_of.values())} handoff")
    if script.start in node_of:
        lines.append(f"  class {node_of[script.start]} start")
    return Flowchart(
        text="\n".join(lines) + "\n",
        nodes={node: step for step, node in node_of.items()},
        handoffs=links,
    )


def json_island(value: object, css_class: str) -> Markup:
    """Data for the page script in a `<script type="application/json">` that cannot end early.

    `<`, `>` and `&` are written as JSON escapes, so no text in the data can close the
    element or open another; JSON.parse restores them.
    """
    payload = json.dumps(value, ensure_ascii=False, sort_keys=True)
    payload = payload.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(f'<script type="application/json" class="{css_class}">{payload}</script>')


def flow_island(
    script: Script,
    order: list[str],
    *,
    labels: dict[str, str] | None = None,
    handoffs: dict[str, HandoffNode] | None = None,
) -> Markup:
    chart = flowchart(script, order, labels=labels, handoffs=handoffs)
    data: dict[str, object] = {"mermaid": chart.text, "nodes": chart.nodes}
    if chart.handoffs:
        data["handoffs"] = chart.handoffs
    return json_island(data, "cb-flow-data")
