"""The script model's helpers: where compliance lines belong, step labels, hand-offs."""

from __future__ import annotations

from typing import Any

from craftbook.models import Script
from craftbook.models.script import ComplianceLine, Handoff, compliance_lines, handoff, step_label, step_labels
from craftbook.render import script_order


def script(**fields: Any) -> Script:
    data: dict[str, Any] = {
        "kind": "script",
        "id": "script-x",
        "title": "t",
        "summary": "s",
        "start": "open",
        "steps": {
            "open": {
                "say": "안녕하세요, ○○ 고객센터 상담사 ○○○입니다. 무엇을 도와드릴까요?",
                "next": [{"when": "a", "go": "end"}],
            },
            "end": {"title": "마무리 인사", "say": "감사합니다", "outcome": "resolved"},
        },
    }
    data.update(fields)
    return Script.model_validate(data)


def test_plain_text_compliance_is_still_valid_and_applies_everywhere() -> None:
    doc = script(compliance=["녹음 고지"])
    assert compliance_lines(doc) == [ComplianceLine("녹음 고지", ())]


def test_placed_lines_and_must_say_follow_the_list_and_merge_by_text() -> None:
    doc = script(
        compliance=["녹음 고지", {"text": "해지 접수 확인", "at": ["end"]}, {"text": "본인 확인"}],
        steps={
            "open": {"say": "안녕하세요", "must_say": ["본인 확인", "약정 고지"], "next": [{"when": "a", "go": "end"}]},
            "end": {"say": "감사합니다", "must_say": ["약정 고지", "해지 접수 확인"], "outcome": "resolved"},
        },
    )
    # The list keeps its numbers (links carry them); must_say lines follow in step order;
    # the same text is one line with every place, and a line placed nowhere stays so.
    assert compliance_lines(doc) == [
        ComplianceLine("녹음 고지", ()),
        ComplianceLine("해지 접수 확인", ("end",)),
        ComplianceLine("본인 확인", ()),
        ComplianceLine("약정 고지", ("open", "end")),
    ]


def test_a_step_is_labelled_by_its_title_or_the_first_words_it_says_never_its_id() -> None:
    doc = script()
    labels = step_labels(doc, script_order(doc))
    # The first sentence when it is short, without its full stop.
    assert labels == {"open": "1. 안녕하세요, ○○ 고객센터 상담사 ○○○입니다", "end": "2. 마무리 인사"}
    short = script().steps["end"].model_copy(update={"title": None})
    assert step_label(short, 7) == "7. 감사합니다"
    marked = short.model_copy(update={"say": "**요금제**를 `바꿔` 드렸습니다"})
    assert step_label(marked, 3) == "3. 요금제를 바꿔 드렸습니다"
    says = "고객님 이용 내역을 같이 보면서 줄일 수 있는 부분이 있는지 확인해 보겠습니다."
    long = short.model_copy(update={"say": says})
    assert step_label(long, 4) == "4. 고객님 이용 내역을 같이 보면서 줄일 수…"


def test_go_is_a_step_of_this_script_first_then_another_script() -> None:
    doc = script()
    assert handoff(doc, "end") is None
    assert handoff(doc, "script-y") == Handoff("script-y", None)
    assert handoff(doc, "script-y#end") == Handoff("script-y", "end")
