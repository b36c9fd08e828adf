"""Korean UI words for the enums of the content model; kinds' own come from their specs."""

from __future__ import annotations

from .models import KIND_SPECS, KINDS

KIND_DIR = {spec.name: spec.site_folder for spec in KIND_SPECS}  # URL folder of each kind's pages
KIND_LABEL = {spec.name: spec.label for spec in KIND_SPECS}
ROLE_LABEL = {
    "trainer": "사내강사",
    "qa": "QA 평가자",
    "supervisor": "슈퍼바이저",
    "manager": "매니저",
    "agent": "상담사",
}
# One sentence per role on the 역할별 트랙 overview: the shift the articles ask of it.
ROLE_BLURB = {
    "trainer": (
        "서비스 강사에서 세일즈·상담 강사로. 고객의 진짜 필요를 진단하고 더 나은 선택을 제안하는 상담을 가르칩니다."
    ),
    "qa": (
        "순위를 매기는 평가에서 평가 제도를 평가하는 일로. "
        "결과만이 아니라 과정을 보고, 상담 데이터를 개선 과제로 바꿉니다."
    ),
    "supervisor": "로그인을 감시하는 대신 현장을 걸으며 인정하고, 지시하는 대신 설명하고, 권한을 맡깁니다.",
    "manager": "회사의 안테나가 되어 다른 팀과 정보를 주고받고, 개선이 자리 잡을 때까지 끈질기게 밀고 나갑니다.",
    "agent": "“네, 해지해 드릴게요”에서 이유를 묻고, 알리고, 제안하는 상담으로 넘어갑니다.",
}
ROLE_TRACK_ORDER = ("trainer", "qa", "supervisor", "manager", "agent")
# The kinds a role track lists first: what the role reaches for during its work. An agent
# opens a script mid-call; lessons and playbooks can wait. Other kinds follow in KINDS order.
TRACK_KINDS_FIRST: dict[str, tuple[str, ...]] = {"agent": ("script",)}


def track_kinds(role: str) -> tuple[str, ...]:
    """The kinds of a role's track page, in the order it lists them."""
    first = TRACK_KINDS_FIRST.get(role, ())
    return first + tuple(kind for kind in KINDS if kind not in first)


OUTCOME_LABEL = {
    "retained": "유지",
    "downgraded": "요금제 변경",
    "cancelled": "해지",
    "escalated": "이관",
    "resolved": "해결",
}
CADENCE_LABEL = {
    "per-contact": "상담마다",
    "daily": "매일",
    "weekly": "매주",
    "monthly": "매월",
    "quarterly": "분기마다",
}
METHOD_LABEL = {
    "lecture": "강의",
    "discussion": "토론",
    "demo": "시연",
    "role-play": "롤플레이",
    "practice": "실습",
    "quiz": "퀴즈",
    "reflection": "성찰",
}
CHANNEL_LABEL = {"call": "전화", "chat": "채팅", "email": "이메일", "messenger": "메신저"}
REVIEW_LABEL = {"fresh": "최신", "stale": "검토 필요", "unknown": "검토일 없음"}

# Quiz choices are marked 가, 나, 다 … on screen, on paper and in the answer key alike.
CHOICE_MARKERS = "가나다라마바사아자차카타파하"


def choice_markers(index: int) -> str:
    """The marker of choice `index` (0-based): 가, 나, 다 …; past 하, its number."""
    return CHOICE_MARKERS[index] if 0 <= index < len(CHOICE_MARKERS) else str(index + 1)
