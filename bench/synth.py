"""Synthetic, valid Craftbook libraries of any size, for benchmarks and tests.

The documents look like the real ones (Korean text, tags, roles, cross-references,
branching scripts, lessons whose agenda adds up, scorecards whose weights add up) so
that the pages MkDocs has to build are as heavy as real pages. Output is deterministic
for a given size and seed, so two runs measure the same library.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from craftbook.models import SPEC_BY_KIND

# Share of each kind in a library; editions are few, as in a real subscription.
MIX = {
    "role-playbook": 0.22,
    "lesson": 0.20,
    "scorecard": 0.10,
    "script": 0.20,
    "resource": 0.23,
    "edition": 0.05,
    "glossary": 0.0,  # one glossary per library, whatever its size (see Plan.of)
}
PREFIX = {
    "role-playbook": "pb",
    "lesson": "lesson",
    "scorecard": "qa",
    "script": "script",
    "resource": "res",
    "edition": "edition",
    "glossary": "glossary",
}
FOLDER = {kind: SPEC_BY_KIND[kind].library_folder for kind in MIX}
ROLES = ("agent", "trainer", "qa", "supervisor", "manager")

TOPICS = [
    ("haeji", "해지 방어"),
    ("yogeum", "요금 문의"),
    ("bulman", "불만 응대"),
    ("gamjeong", "감정 노동"),
    ("fcr", "첫 통화 해결"),
    ("upsell", "상향 판매"),
    ("injeong", "인정과 칭찬"),
    ("coaching", "코칭 대화"),
    ("calib", "평가 보정"),
    ("onboard", "신입 온보딩"),
    ("chatbot", "챗봇 이관"),
    ("voc", "고객의 소리 분석"),
    ("schedule", "근무 일정 조정"),
    ("recall", "재문의 줄이기"),
    ("empathy", "공감 표현"),
    ("escalate", "상급자 연결"),
    ("renewal", "약정 갱신"),
    ("refund", "환불 요청"),
    ("delivery", "배송 지연"),
    ("elderly", "어르신 고객 응대"),
]
ACTIONS = [
    "설계하기",
    "다시 보기",
    "실습",
    "현장 적용",
    "체크리스트",
    "대화 흐름",
    "작은 습관",
    "사례 연구",
    "함께 점검하기",
    "첫걸음",
]
SENTENCES = [
    "상담사가 고객의 말을 끝까지 듣고 핵심을 한 문장으로 되짚는다.",
    "챗봇이 처리하지 못한 어려운 문의가 상담사에게 넘어온다.",
    "슈퍼바이저는 점수보다 과정을 보고 구체적으로 인정한다.",
    "QA 평가자는 감점 항목보다 잘한 행동을 먼저 기록한다.",
    "사내강사는 실제 통화 녹취를 바탕으로 실습을 준비한다.",
    "매니저는 지표를 사람을 다그치는 도구가 아니라 대화의 출발점으로 쓴다.",
    "고객이 해지를 말할 때 그 뒤의 진짜 이유를 열린 질문으로 묻는다.",
    "요금제 비교표를 함께 보며 고객이 스스로 고르게 돕는다.",
    "어려운 통화 뒤에는 짧은 회복 시간을 갖고 동료와 이야기한다.",
    "한 번에 끝낸 상담이 늘수록 재문의와 불만이 함께 줄어든다.",
    "신입 상담사는 첫 달에 선배의 통화를 열 번 이상 함께 듣는다.",
    "평가 결과는 일주일 안에 일대일 코칭으로 돌려준다.",
]
# The glossary: terms the texts above use, with the names agents and customers use
# for them, so tooltips and search synonyms cost what they would in a real library.
TERMS = [
    ("원콜 처리율", ["FCR", "원콜", "첫 통화 해결"], "첫 연락에서 해결된 문의 ÷ 전체 문의 × 100", "월 단위"),
    ("재문의율", ["재문의", "반복 문의율"], "기간 안에 같은 일로 다시 연락한 문의 ÷ 전체 문의 × 100", "7일"),
    ("관리자", ["매니저", "팀장", "윗사람", "상급자", "책임자"], None, None),
    ("QA", ["품질 평가", "상담 품질 평가"], None, None),
    ("녹취 고지", ["녹음 안내", "통화 녹음 고지"], None, None),
    ("해지 방어", ["리텐션", "해지 방지"], None, None),
    ("감정노동", ["감정 노동"], None, None),
    ("코칭", ["coaching", "일대일 코칭"], None, None),
    ("챗봇", ["chatbot", "봇"], None, None),
    ("VOC", ["고객의 소리", "voice of customer"], None, None),
]
PHRASES = [
    "불편을 드려 죄송합니다. 어떤 점이 가장 불편하셨는지 여쭤봐도 될까요?",
    "말씀하신 내용을 정리하면 이번 달 요금이 예상보다 많이 나오셨다는 거죠?",
    "지금 쓰시는 양에 맞는 요금제를 함께 찾아보겠습니다.",
    "기다리시게 해서 죄송합니다. 확인해 보니 처리할 수 있는 방법이 있습니다.",
    "고객님 입장에서 충분히 답답하셨을 것 같습니다.",
    "오늘 안내해 드린 내용은 문자로도 보내 드리겠습니다.",
    "담당 부서에 바로 연결해 드리고, 결과는 제가 다시 연락드리겠습니다.",
    "혹시 다른 서비스도 함께 점검해 드릴까요?",
]
CRITERIA = [
    "해지 사유를 열린 질문으로 확인했는가",
    "고객의 말을 한 문장으로 되짚었는가",
    "위약금과 약정 조건을 정확히 고지했는가",
    "고객에게 맞는 대안을 두 가지 이상 제시했는가",
    "공감 표현을 상황에 맞게 사용했는가",
    "통화 끝에 처리 내용을 요약해 안내했는가",
]
WHENS = [
    "요금이 부담스럽다",
    "서비스에 불만이 있다",
    "다른 회사로 옮기려 한다",
    "수락",
    "다시 생각해 보겠다",
    "화가 나 있다",
]
OUTCOMES = ["retained", "downgraded", "cancelled", "escalated", "resolved"]
METHODS = ["lecture", "discussion", "demo", "role-play", "practice", "quiz", "reflection"]
CADENCES = ["per-contact", "daily", "weekly", "monthly", "quarterly"]
CHANNELS = ["call", "chat", "email", "messenger"]
TAG_WORDS = [
    "해지방어",
    "코칭",
    "인정",
    "감정노동",
    "원콜해결",
    "QA",
    "온보딩",
    "챗봇",
    "VOC",
    "공감",
    "리텐션",
    "요금",
]


@dataclass(frozen=True)
class Plan:
    """Which ids of which kind a library of `size` documents holds."""

    size: int
    ids: dict[str, list[str]]

    @classmethod
    def of(cls, size: int) -> Plan:
        counts = {kind: max(1, int(size * share)) for kind, share in MIX.items()}  # a glossary: 1
        counts["resource"] += size - sum(counts.values())  # the remainder, so the total is exact
        ids = {
            kind: [f"{PREFIX[kind]}-{TOPICS[i % len(TOPICS)][0]}-{i + 1}" for i in range(count)]
            for kind, count in counts.items()
        }
        return cls(size, ids)


def tag_pool(size: int) -> list[str]:
    """Free-form tags grow with a library (slower than it): size // 10 of them, at least 24."""
    count = max(24, size // 10)
    # Each word once: a tag spelt twice is one tag (and a warning), not two.
    base = list(dict.fromkeys([*TAG_WORDS, *(name.replace(" ", "") for _, name in TOPICS)]))
    return [base[i % len(base)] + ("" if i < len(base) else f"-{i // len(base) + 1}") for i in range(count)]


class Writer:
    def __init__(self, plan: Plan, seed: int) -> None:
        self.plan = plan
        self.rnd = random.Random(seed)
        self.tags = tag_pool(plan.size)
        self.all_ids = [i for ids in plan.ids.values() for i in ids]

    def text(self, n: int = 2) -> str:
        return " ".join(self.rnd.sample(SENTENCES, n))

    def title(self, kind_word: str, i: int) -> str:
        topic = TOPICS[i % len(TOPICS)][1]
        return f"{topic} {self.rnd.choice(ACTIONS)} — {kind_word} {i + 1}"

    def common(self, kind: str, doc_id: str, i: int, kind_word: str) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "kind": kind,
            "id": doc_id,
            "title": self.title(kind_word, i),
            "summary": self.text(2),
        }
        if kind != "role-playbook":
            doc["roles"] = self.rnd.sample(ROLES, self.rnd.randint(1, 2))
        doc["tags"] = self.rnd.sample(self.tags, self.rnd.randint(1, 3))
        doc["owner"] = self.rnd.choice(["운영팀", "교육팀", "품질팀", "고객경험팀"])
        doc["reviewed"] = dt.date(2026, 1, 1) + dt.timedelta(days=self.rnd.randint(0, 300))
        others = [x for x in self.rnd.sample(self.all_ids, min(4, len(self.all_ids))) if x != doc_id]
        doc["related"] = others[: self.rnd.randint(0, 3)]
        if self.rnd.random() < 0.3:
            doc["sources"] = [
                {
                    "title": "잡크래프팅 연구 노트",
                    "author": "김상담",
                    "publisher": "컨택센터 리뷰",
                    "url": f"https://example.org/notes/{i}",
                    "date": dt.date(2024, 5, 1),
                }
            ]
        return doc

    def pick(self, kind: str, n: int) -> list[str]:
        ids = self.plan.ids[kind]
        return self.rnd.sample(ids, min(n, len(ids)))

    # -- one builder per kind ---------------------------------------------

    def role_playbook(self, doc_id: str, i: int) -> dict[str, Any]:
        doc = self.common("role-playbook", doc_id, i, "플레이북")
        doc.update(
            {
                "role": ROLES[i % len(ROLES)],
                "shift": {"from": "실적 순위로만 사람을 본다", "to": "과정과 기여를 매일 구체적으로 인정한다"},
                # Like the starter library's, a fifth of Markdown fields hold a heading or a
                # list: those take Python-Markdown's full pipeline, the rest its fast path.
                "why": f"{self.text(2)}\n\n**왜 지금인가**: {self.text(1)}\n\n## 먼저 볼 것\n"
                + "".join(f"- {s}\n" for s in self.rnd.sample(SENTENCES, 2)),
                "crafting": {
                    "task": [self.rnd.choice(SENTENCES)],
                    "relational": [self.rnd.choice(SENTENCES)],
                    "cognitive": [self.rnd.choice(SENTENCES)],
                },
                "practices": [
                    {
                        "title": f"{self.rnd.choice(ACTIONS)} {n + 1}",
                        "cadence": self.rnd.choice(CADENCES),
                        "steps": self.rnd.sample(SENTENCES, 3),
                        "signals": self.rnd.sample(SENTENCES, 2),
                    }
                    for n in range(self.rnd.randint(2, 3))
                ],
                "metrics": [
                    {"name": "원콜 처리율", "why": self.rnd.choice(SENTENCES), "target": "분기마다 3%p 개선"},
                    {"name": "재문의율", "why": self.rnd.choice(SENTENCES), "target": "월 5% 이하"},
                ],
                "pitfalls": self.rnd.sample(SENTENCES, 2),
                "lessons": self.pick("lesson", 2),
                "scripts": self.pick("script", 1),
            }
        )
        return doc

    def lesson(self, doc_id: str, i: int) -> dict[str, Any]:
        doc = self.common("lesson", doc_id, i, "교육안")
        agenda = [
            {
                "minutes": self.rnd.choice([5, 10, 15, 20, 30]),
                "method": self.rnd.choice(METHODS),
                "activity": f"{self.rnd.choice(ACTIONS)} — {self.rnd.choice(TOPICS)[1]}",
                **({"notes": f"사례 *{n + 1}개*를 보여 준다.\n- {self.rnd.choice(SENTENCES)}"} if n % 2 == 0 else {}),
            }
            for n in range(self.rnd.randint(3, 6))
        ]
        earlier = self.plan.ids["lesson"][:i]  # prerequisites only point back: no cycles
        doc.update(
            {
                "audience": "입사 3개월 이상 상담사",
                "duration": sum(item["minutes"] for item in agenda),
                "objectives": self.rnd.sample(SENTENCES, 2),
                "prerequisites": self.rnd.sample(earlier, min(len(earlier), self.rnd.randint(0, 2))),
                "agenda": agenda,
                "roleplays": [
                    {
                        "scenario": "요금이 부담된다며 해지를 요청",
                        "customer": "짜증이 난 30대 고객",
                        "agent_goal": "사유를 두 번 이상 묻는다",
                        "script": self.pick("script", 1)[0],
                    }
                ],
                "quiz": [
                    {
                        "question": f"{self.rnd.choice(TOPICS)[1]} 상황에서 가장 먼저 할 일은?",
                        "choices": ["바로 접수한다", "사유를 묻는다", "상급자에게 넘긴다"],
                        "answer": 1,
                        "explanation": "사유를 알아야 **제안**할 수 있다.",
                    }
                    for _ in range(self.rnd.randint(1, 3))
                ],
                "materials": ["역할 카드", "통화 녹취 2건"],
            }
        )
        return doc

    def scorecard(self, doc_id: str, i: int) -> dict[str, Any]:
        doc = self.common("scorecard", doc_id, i, "평가표")
        weights = self.rnd.choice([[40, 30, 30], [50, 50], [30, 30, 20, 20]])
        sections = []
        for s, weight in enumerate(weights):
            points = self.rnd.choice([[40, 30, 30], [60, 40], [25, 25, 25, 25]])
            sections.append(
                {
                    "title": f"{self.rnd.choice(TOPICS)[1]} {s + 1}",
                    "weight": weight,
                    "criteria": [
                        {
                            "id": f"c{s + 1}-{c + 1}",
                            "text": self.rnd.choice(CRITERIA),
                            "points": p,
                            "critical": c == 0 and s == 0,
                            "anchors": {0: "하지 않았다", p // 2: "일부만 했다", p: "빠짐없이 했다"},
                        }
                        for c, p in enumerate(points)
                    ],
                }
            )
        doc.update(
            {
                "channel": self.rnd.choice(CHANNELS),
                "sections": sections,
                "calibration": f"매주 한 콜을 함께 듣는다. {self.text(1)}",
            }
        )
        return doc

    def script(self, doc_id: str, i: int) -> dict[str, Any]:
        doc = self.common("script", doc_id, i, "스크립트")
        middle = [f"step-{n + 1}" for n in range(self.rnd.randint(3, 6))]
        ends = ["close-retained", "close-cancel"]
        steps: dict[str, Any] = {}
        chain = ["open", *middle]
        for n, step in enumerate(chain):
            forward = chain[n + 1] if n + 1 < len(chain) else ends[0]
            branches = [{"when": WHENS[n % len(WHENS)], "go": forward}, {"when": "해지를 원한다", "go": ends[1]}]
            if n > 1:
                branches.append({"when": "앞의 설명을 다시 듣고 싶다", "go": chain[n - 1]})  # a loop back
            steps[step] = {
                "say": self.rnd.choice(PHRASES),
                "listen": "요금, 불만, 이사",
                **({"tip": "고객의 말을 **한 문장**으로 되짚는다."} if n % 2 == 0 else {}),
                "next": branches,
            }
        steps["close-retained"] = {"say": "변경해 드렸습니다. 감사합니다.", "outcome": self.rnd.choice(OUTCOMES[:2])}
        steps["close-cancel"] = {"say": "해지 접수해 드렸습니다.", "outcome": "cancelled"}
        doc.update(
            {
                "scenario": f"{self.rnd.choice(TOPICS)[1]} 상황의 고객",
                "goal": "고객이 더 나은 선택을 스스로 하도록 돕는다",
                "compliance": ["약정 위약금을 안내한다", "녹취 사실을 고지한다"],
                "start": "open",
                "steps": steps,
                "objections": [
                    {"objection": "다른 회사가 더 싸요", "response": "비교표를 **함께** 봅니다."},
                    {"objection": "시간이 없어요", "response": "핵심만 1분 안에 안내합니다."},
                ],
            }
        )
        return doc

    def resource(self, doc_id: str, i: int) -> dict[str, Any]:
        doc = self.common("resource", doc_id, i, "자료")
        doc.update(
            {
                "url": f"https://example.org/articles/{doc_id}",
                "author": self.rnd.choice(["지윤정", "김상담", "박코치"]),
                "publisher": self.rnd.choice(["브런치", "컨택센터 리뷰", "HBR"]),
                "published": dt.date(2019, 1, 1) + dt.timedelta(days=self.rnd.randint(0, 2000)),
                "takeaways": self.rnd.sample(SENTENCES, 3),
            }
        )
        return doc

    def edition(self, doc_id: str, i: int) -> dict[str, Any]:
        doc = self.common("edition", doc_id, i, "큐레이션 호")
        pool = [x for kind, ids in self.plan.ids.items() if kind != "edition" for x in ids]
        doc.update(
            {
                "number": i + 1,
                "date": dt.date(2020, 1, 6) + dt.timedelta(days=7 * i),  # weekly, so dates increase
                "intro": f"이번 호의 주제는 **{self.rnd.choice(TOPICS)[1]}**입니다. {self.text(1)}",
                "picks": [{"ref": ref, "note": self.rnd.choice(SENTENCES)} for ref in self.rnd.sample(pool, 6)],
            }
        )
        return doc

    def glossary(self, doc_id: str, i: int) -> dict[str, Any]:
        doc = self.common("glossary", doc_id, i, "용어집")
        doc["related"] = []  # its terms cite role playbooks; the other kinds keep their backlinks
        doc["terms"] = [
            {
                "term": term,
                "definition": f"{term}은 {self.rnd.choice(SENTENCES)} {self.text(1)}",
                "synonyms": synonyms,
                **({"formula": formula, "window": window} if formula else {}),
                "related": self.pick("role-playbook", 1),
            }
            for term, synonyms, formula, window in TERMS
        ]
        return doc


def write_library(folder: Path, size: int, *, seed: int = 7) -> Path:
    """Write a valid library of `size` documents into `folder` (created); returns it."""
    plan = Plan.of(size)
    writer = Writer(plan, seed)
    build = {
        "role-playbook": writer.role_playbook,
        "lesson": writer.lesson,
        "scorecard": writer.scorecard,
        "script": writer.script,
        "resource": writer.resource,
        "edition": writer.edition,
        "glossary": writer.glossary,
    }
    for kind, ids in plan.ids.items():
        target = folder / FOLDER[kind]
        target.mkdir(parents=True, exist_ok=True)
        for i, doc_id in enumerate(ids):
            doc = build[kind](doc_id, i)
            text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000)
            (target / f"{doc_id}.yaml").write_text(text, encoding="utf-8")
    return folder
