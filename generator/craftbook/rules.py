"""Rules one document must satisfy beyond field types (sums, ranges, script graphs).

They run on validated models and return key paths, so every message is located in the
YAML file exactly like a schema error.
"""

from __future__ import annotations

from collections import deque

from .diagnose import Problem, did_you_mean
from .models import DocumentBase, Edition, Lesson, Scorecard, Script


def lesson_rules(doc: Lesson) -> list[Problem]:
    problems: list[Problem] = []
    total = sum(item.minutes for item in doc.agenda)
    if total != doc.duration:
        problems.append(
            (
                ("duration",),
                f"duration: expected the sum of agenda minutes ({total}), got {doc.duration}; "
                f"set duration: {total} or adjust the agenda",
                False,
            )
        )
    for i, item in enumerate(doc.quiz):
        if not 0 <= item.answer < len(item.choices):
            problems.append(
                (
                    ("quiz", i, "answer"),
                    f"quiz[{i}].answer: expected a 0-based index from 0 to {len(item.choices) - 1} "
                    f"into its {len(item.choices)} choices, got {item.answer}",
                    False,
                )
            )
    return problems


def scorecard_rules(doc: Scorecard) -> list[Problem]:
    problems: list[Problem] = []
    weights = [s.weight for s in doc.sections]
    if sum(weights) != 100:
        problems.append(
            (
                ("sections",),
                f"sections: expected weights that sum to 100, got {' + '.join(map(str, weights))} = {sum(weights)}",
                True,
            )
        )
    seen: dict[str, tuple[int, int]] = {}
    for i, section in enumerate(doc.sections):
        points = [c.points for c in section.criteria]
        if sum(points) != 100:
            problems.append(
                (
                    ("sections", i, "criteria"),
                    f"sections[{i}].criteria: expected points that sum to 100 in section "
                    f"{section.title!r}, got {' + '.join(map(str, points))} = {sum(points)}",
                    True,
                )
            )
        for j, criterion in enumerate(section.criteria):
            if criterion.id in seen:
                a, b = seen[criterion.id]
                problems.append(
                    (
                        ("sections", i, "criteria", j, "id"),
                        f"sections[{i}].criteria[{j}].id: {criterion.id!r} is already used by "
                        f"sections[{a}].criteria[{b}]; criterion ids must be unique in a scorecard",
                        False,
                    )
                )
            seen.setdefault(criterion.id, (i, j))
            for score in criterion.anchors:
                if not 0 <= score <= criterion.points:
                    problems.append(
                        (
                            ("sections", i, "criteria", j, "anchors", score),
                            f"sections[{i}].criteria[{j}].anchors: score {score} is outside "
                            f"0..{criterion.points} (the criterion's points)",
                            True,
                        )
                    )
    return problems


def script_rules(doc: Script) -> list[Problem]:
    problems: list[Problem] = []
    names = list(doc.steps)
    if doc.start not in doc.steps:
        problems.append(
            (
                ("start",),
                f"start: no step {doc.start!r}{did_you_mean(doc.start, names)}",
                False,
            )
        )
    edges: dict[str, list[str]] = {}
    for step_id, step in doc.steps.items():
        if step.next and step.outcome:
            problems.append(
                (
                    ("steps", step_id, "outcome"),
                    f"steps.{step_id}: has both next and outcome; a step either branches or ends",
                    True,
                )
            )
        if not step.next and not step.outcome:
            problems.append(
                (
                    ("steps", step_id),
                    f"steps.{step_id}: expected `next:` (branches) or `outcome:` (how the consult ends)",
                    True,
                )
            )
        edges[step_id] = []
        for k, branch in enumerate(step.next or []):
            if branch.go in doc.steps:
                edges[step_id].append(branch.go)
            else:
                problems.append(
                    (
                        ("steps", step_id, "next", k, "go"),
                        f"steps.{step_id}.next[{k}].go: no step {branch.go!r}{did_you_mean(branch.go, names)}",
                        False,
                    )
                )
    if doc.start in doc.steps:
        reached = _reachable([doc.start], edges)
        for step_id in names:
            if step_id not in reached:
                problems.append(
                    (
                        ("steps", step_id),
                        f"steps.{step_id}: not reachable from start {doc.start!r}; "
                        "add a branch that goes to it or remove it",
                        True,
                    )
                )
    reverse: dict[str, list[str]] = {s: [] for s in doc.steps}
    for source, targets in edges.items():
        for target in targets:
            reverse[target].append(source)
    endings = [s for s, step in doc.steps.items() if step.outcome]
    can_finish = _reachable(endings, reverse)
    for step_id, step in doc.steps.items():
        if step_id not in can_finish and (step.next or step.outcome):
            problems.append(
                (
                    ("steps", step_id),
                    f"steps.{step_id}: no path from here reaches an outcome; "
                    "an agent following it could never close the consult",
                    True,
                )
            )
    return problems


def _reachable(starts: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(starts)
    while queue:
        for target in edges.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def document_rules(doc: DocumentBase) -> list[Problem]:
    if isinstance(doc, Lesson):
        return lesson_rules(doc)
    if isinstance(doc, Scorecard):
        return scorecard_rules(doc)
    if isinstance(doc, Script):
        return script_rules(doc)
    if isinstance(doc, Edition):
        return []
    return []
