"""UAT demo data for the demo project in UAT (HANBIT1): twelve scenarios in Korean and English, two cycles of
runs by the customer's tester, three defects (one P2 still open), so the UAT board and the gate show a real,
unfinished test round. Loaded through the real services by ``golive.demo.load``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from golive.tracker import services as tracker_services
from golive.uat import services
from golive.uat.selectors import latest_cycle

# ref, title, module, priority, requirement ref, steps, expected result
SCENARIOS = [
    (
        "UAT-01",
        "고객 360 화면에서 구매 이력 조회 (Customer 360 purchase history)",
        "고객 관리 (Accounts)",
        "critical",
        "R-01",
        "1. 거래처 메뉴에서 '서울대학교병원'을 엽니다\n2. '구매 이력' 탭을 누릅니다",
        "최근 5년 주문이 날짜 순으로 보입니다",
    ),
    (
        "UAT-02",
        "신규 거래처 등록 (Create a new account)",
        "고객 관리 (Accounts)",
        "critical",
        None,
        "1. 거래처 > 신규\n2. 사업자등록번호, 주소, 담당 MR 입력\n3. 저장",
        "거래처 번호가 생성되고 담당 MR에게 알림이 갑니다",
    ),
    (
        "UAT-03",
        "Log a sales call after a clinic visit",
        "영업 활동 (Sales activities)",
        "high",
        None,
        "1. Open the doctor's contact\n2. Log a call with products discussed\n3. Save",
        "The call shows on the contact and on the weekly activity report",
    ),
    (
        "UAT-04",
        "방문 일정 캘린더 동기화 (Visit calendar sync)",
        "영업 활동 (Sales activities)",
        "medium",
        None,
        "1. 다음 주 화요일 10시 방문 일정 등록\n2. Outlook 캘린더 확인",
        "Outlook에 같은 시각(한국 시간)으로 보입니다",
    ),
    (
        "UAT-05",
        "Create an opportunity and move it through the stages",
        "영업 기회 (Opportunities)",
        "critical",
        None,
        "1. New opportunity for 'Hanbit Clinic'\n2. Amount 12,000,000 KRW\n3. Move Qualify -> Proposal -> Won",
        "The amount and products stay on every stage; Won creates an order",
    ),
    (
        "UAT-06",
        "견적서 PDF 발행 (Issue a quote PDF)",
        "영업 기회 (Opportunities)",
        "high",
        None,
        "1. 영업 기회에서 '견적서 생성'\n2. PDF 미리보기",
        "원화(₩) 금액과 회사 직인이 보입니다",
    ),
    (
        "UAT-07",
        "멤버십 등급 안내 이메일 발송 (Tier e-mail in Korean and English)",
        "마케팅 (Marketing)",
        "medium",
        "R-04",
        "1. Send the tier e-mail to a test contact with language Korean, then English",
        "Each contact gets the e-mail in their language",
    ),
    (
        "UAT-08",
        "Sample request approved by the district manager",
        "샘플 관리 (Samples)",
        "critical",
        None,
        "1. MR requests 20 samples of product A\n2. District manager approves on mobile",
        "The request reaches the district manager of the MR's territory and is approved",
    ),
    (
        "UAT-09",
        "샘플 재고 차감 확인 (Sample stock deduction)",
        "샘플 관리 (Samples)",
        "high",
        None,
        "1. 승인된 샘플 요청 출고 처리\n2. MR 재고 확인",
        "MR 보유 재고가 20개 줄어듭니다",
    ),
    (
        "UAT-10",
        "Weekly pipeline report by territory",
        "리포트 (Reports)",
        "medium",
        None,
        "1. Reports > Weekly pipeline\n2. Filter territory 'Seoul East'",
        "Totals match the opportunity list of that territory",
    ),
    (
        "UAT-11",
        "대시보드 필터 저장 (Save dashboard filters)",
        "리포트 (Reports)",
        "low",
        None,
        "1. 대시보드에서 지역 필터 적용\n2. '필터 저장'",
        "다시 열어도 필터가 유지됩니다",
    ),
    (
        "UAT-12",
        "Mobile: log a call offline and sync later",
        "모바일 (Mobile)",
        "high",
        None,
        "1. Airplane mode on\n2. Log a call\n3. Airplane mode off",
        "The call syncs within a minute, without a duplicate",
    ),
]

# Cycle 1 (days ago, hour, ref, status, actual result); cycle 2 likewise. UAT-11 is never run in cycle 1.
CYCLE_1 = [
    (6, 10, "UAT-01", "passed", ""),
    (6, 11, "UAT-02", "passed", ""),
    (6, 14, "UAT-03", "passed", ""),
    (6, 15, "UAT-04", "failed", "Outlook에 9시간 늦게 보입니다 (shown 9 hours late)"),
    (5, 10, "UAT-05", "failed", "The amount is blank after moving to Proposal"),
    (5, 11, "UAT-06", "passed", ""),
    (5, 14, "UAT-07", "blocked", "No English test contact in the sandbox"),
    (5, 15, "UAT-08", "failed", "The request goes to the national sales manager, not the district manager"),
    (4, 10, "UAT-09", "passed", ""),
    (4, 11, "UAT-10", "passed", ""),
    (4, 14, "UAT-12", "blocked", "Mobile build not installed on the test phones"),
]
CYCLE_2 = [
    (2, 10, "UAT-01", "passed", ""),
    (2, 10, "UAT-02", "passed", ""),
    (2, 11, "UAT-03", "passed", ""),
    (2, 14, "UAT-04", "passed", ""),
    (2, 15, "UAT-05", "passed", "Amount kept on every stage; order created on Won"),
    (2, 16, "UAT-06", "passed", ""),
    (1, 10, "UAT-07", "passed", ""),
    (1, 11, "UAT-08", "failed", "Still routed to the national sales manager"),
    (1, 14, "UAT-09", "passed", ""),
    (1, 15, "UAT-12", "blocked", "Waiting for the mobile build 2.3"),
]
# ref in cycle 1 -> defect severity, title, how it ended (None: still open)
DEFECTS = {
    "UAT-04": ("P3", "캘린더 동기화 시 시간대 오류 (calendar sync uses UTC)", "closed"),
    "UAT-05": ("P2", "Opportunity amount lost when the stage changes", "resolved"),
    "UAT-08": ("P2", "Sample approval routed to the wrong manager", None),
}


def load(project, users: dict) -> None:
    """Scenarios, cycle 1 (six to four days ago) with three defects, cycle 2 (two days ago to yesterday)
    assigned to the tester and the customer lead."""
    zone = zoneinfo.ZoneInfo(project.timezone)
    today = timezone.localtime(timezone.now(), zone).date()
    lead, consultant = users["lead"], users["consultant"]
    tester, customer_lead = users["hanbit.tester"], users["hanbit.lead"]

    def at(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour, minute), tzinfo=zone)

    for ref, title, module, priority, requirement, steps, expected in SCENARIOS:
        services.scenario_create(
            actor=lead,
            project=project,
            ref=ref,
            title=title,
            module=module,
            priority=priority,
            steps=steps,
            expected_result=expected,
            requirements=[requirement] if requirement else [],
        )

    services.cycle_create(actor=lead, project=project, name="1차 UAT (Round 1)", at=at(6, 9, 30))
    defects = {}
    for days_ago, hour, ref, status, actual in CYCLE_1:
        run = services.run_record(
            actor=tester,
            project=project,
            scenario=ref,
            status=status,
            cycle=1,
            actual_result=actual,
            executed_at=at(days_ago, hour),
        )
        if ref in DEFECTS:
            severity, title, outcome = DEFECTS[ref]
            issue = services.run_defect_create(
                actor=lead, run=run, severity=severity, title=title, reported_at=at(days_ago, hour, 20)
            )
            tracker_services.issue_triage(actor=consultant, issue=issue, at=at(days_ago, hour, 50))
            if outcome is None:
                tracker_services.issue_start(actor=consultant, issue=issue, at=at(days_ago - 1, 10))
            else:
                tracker_services.issue_resolve(
                    actor=consultant, issue=issue, at=at(3, 16), note="Fixed in the sandbox; please retest."
                )
                if outcome == "closed":
                    tracker_services.issue_close(actor=customer_lead, issue=issue, at=at(2, 15))
            defects[ref] = issue
        if ref == "UAT-12":
            note = SimpleUploadedFile("mobile-build-missing.txt", b"App store: build 2.2 not available for MDM.\n")
            services.evidence_add(actor=tester, run=run, upload=note)

    services.cycle_create(actor=lead, project=project, name="2차 UAT (Round 2)", at=at(2, 9))
    cycle = latest_cycle(project=project)
    services.assignments_set(
        actor=lead,
        cycle=cycle,
        assignments=[
            {"scenario": ref, "tester": (customer_lead if ref in ("UAT-10", "UAT-11") else tester).username}
            for ref, *_rest in SCENARIOS
        ],
    )
    for days_ago, hour, ref, status, actual in CYCLE_2:
        services.run_record(
            actor=tester,
            project=project,
            scenario=ref,
            status=status,
            cycle=2,
            actual_result=actual,
            executed_at=at(days_ago, hour),
            defect=defects[ref].number if status == "failed" and ref in defects else None,
        )
    services.run_record(
        actor=customer_lead, project=project, scenario="UAT-10", status="passed", cycle=2, executed_at=at(1, 16)
    )
