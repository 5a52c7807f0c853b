"""Demo portfolio: candidates with two years of simulated stage history.

`load_demo_portfolio` writes a few dozen candidates with gate reviews and several scorers,
so that pages and dashboards have real shapes to show, and a queue of fresh candidates at
each funnel's first gate for the load-oriented release to propose from.
`load_bulk_candidates` writes many thousands (history only, no reviews) for benchmarks, in
batches, reporting progress.
Histories come from `portfolio.simulation`, so they obey the funnel's rules.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from portfolio.lifecycle import Status
from portfolio.models import (
    Candidate,
    CandidateKind,
    EventKind,
    Funnel,
    GateReview,
    GateScore,
    ReviewScorer,
    ReviewStatus,
    RiskLevel,
    StageEvent,
    StageVisit,
)
from portfolio.simulation import (
    DEFAULT_PROFILES_INNOVATION,
    DEFAULT_PROFILES_INVESTMENT,
    SimulatedCandidate,
    StageProfile,
    simulate_candidate,
)
from portfolio.visits import stays

HISTORY_DAYS = 730
CANDIDATE_TABLE: Table = Candidate.__table__  # type: ignore[assignment]
EVENT_TABLE: Table = StageEvent.__table__  # type: ignore[assignment]
VISIT_TABLE: Table = StageVisit.__table__  # type: ignore[assignment]
PROFILES = {"investment": DEFAULT_PROFILES_INVESTMENT, "innovation": DEFAULT_PROFILES_INNOVATION}

THEMES = (
    "Digital transformation",
    "Green energy",
    "Customer experience",
    "Operational excellence",
    "New markets",
)
INVESTMENT_TITLES = (
    "East China cold-chain logistics hub",
    "MES upgrade for the Suzhou plant",
    "Rooftop solar on three warehouses",
    "ERP consolidation across regions",
    "Battery recycling joint venture",
    "Second production line in Chengdu",
    "Data centre in Ningxia",
    "Acquisition of a regional distributor",
    "智能工厂升级改造",
    "华南区域配送中心",
    "海外市场渠道拓展",
    "新能源重卡试点项目",
    "客户服务中台建设",
    "供应链金融平台",
)
INNOVATION_TITLES = (
    "Predictive maintenance with vibration sensors",
    "Chat assistant for field engineers",
    "Reusable packaging pilot",
    "Digital twin of the paint shop",
    "Carbon footprint label for products",
    "Voice ordering for retail partners",
    "基于视觉的质检系统",
    "园区无人配送试验",
    "工程师知识图谱",
    "低碳建材配方研究",
)
# Fresh candidates waiting at the first gate with an open review, so that the load-oriented
# release (portfolio.release_plan) has a queue to propose from.
QUEUE_TITLES = {
    "investment": (
        "Warehouse automation in Wuhan",
        "Hydrogen forklift fleet",
        "Cross-border e-commerce platform",
        "Cold storage expansion in Xi'an",
        "Smart meter rollout",
        "Regional training academy",
        "冷链物流二期扩建",
        "西南区域仓储中心",
        "分布式光伏电站",
        "数字化采购平台",
        "零碳园区改造",
        "海外仓布局",
    ),
    "innovation": (
        "AI demand forecasting",
        "Drone inventory counts",
        "Recycled plastic pallets",
        "Remote expert video support",
        "预测性排产算法",
        "智能巡检机器人",
    ),
}
# Days from now to each queued candidate's expected decision, in title order (None: no date):
# most are urgent within the release page's default 30-day horizon, one is overdue.
QUEUE_DUE_DAYS = (-4, 3, 6, 9, 12, 16, 20, 24, 28, 45, 120, None)
SPONSORS = ("Zhao Lei", "Sun Mei", "Zhou Wei", "Wu Hong", "Zheng Yu", "Ma Lin")
RATIONALES = {
    EventKind.GO: ("Case is sound; proceed to the next gate.", "证据充分，进入下一阶段。"),
    EventKind.KILL: ("Return below the hurdle rate.", "与战略方向不符，终止。"),
    EventKind.HOLD: ("Waiting for the budget round.", "等待预算审批，暂缓。"),
    EventKind.RESUME: ("Budget confirmed; work resumes.", "条件已具备，恢复推进。"),
    EventKind.RECYCLE: (
        "Rework the option study with new market data.",
        "需补充市场数据，退回重做。",
    ),
}


@dataclass(frozen=True)
class DemoPeople:
    creators: Sequence[int]  # PMO staff who enter candidates and own them
    deciders: Sequence[int]  # executives who record decisions
    scorers: Sequence[int]  # people invited to gate reviews
    org_units: Sequence[int]


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), -3)))


def _fields(rng: random.Random, funnel_key: str, title: str, people: DemoPeople) -> dict[str, Any]:
    cost = (
        _money(rng, 200_000, 30_000_000)
        if funnel_key == "investment"
        else _money(rng, 20_000, 2_000_000)
    )
    return {
        "title": title,
        "kind": CandidateKind.PROJECT if funnel_key == "investment" else CandidateKind.IDEA,
        "description": "",
        "org_unit_id": rng.choice(people.org_units) if people.org_units else None,
        "owner_id": rng.choice(people.creators) if people.creators else None,
        "sponsor": rng.choice(SPONSORS),
        "theme": rng.choice(THEMES),
        "currency": "CNY",
        "estimated_cost": cost,
        "expected_value": (cost * Decimal(str(round(rng.uniform(-0.3, 2.5), 2)))).quantize(
            Decimal(1)
        ),
        "p_technical": round(rng.uniform(0.4, 0.95), 2),
        "p_commercial": round(rng.uniform(0.3, 0.9), 2),
        "risk_level": rng.choice(list(RiskLevel)),
        "tags": ",".join(rng.sample(["pilot", "capex", "opex", "digital", "esg", "export"], 2)),
    }


def _event_rows(
    rng: random.Random,
    story: SimulatedCandidate,
    candidate_id: int,
    stage_ids: Sequence[int],
    people: DemoPeople,
) -> list[dict[str, Any]]:
    rows = []
    for event in story.events:
        kind = EventKind.CREATED if event.decision is None else EventKind(event.decision.value)
        actors = people.creators if kind == EventKind.CREATED else people.deciders
        rows.append(
            {
                "candidate_id": candidate_id,
                "from_stage_id": None if event.from_stage is None else stage_ids[event.from_stage],
                "to_stage_id": stage_ids[event.to_stage],
                "kind": kind,
                "status_after": event.status,
                "actor_id": rng.choice(actors) if actors else None,
                "at": event.at,
                "rationale": rng.choice(RATIONALES[kind]) if kind in RATIONALES else "",
            }
        )
    return rows


def _visit_rows(candidate_id: int, events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stage visits of one candidate from its event rows (portfolio.visits has the rule)."""
    return [
        {
            "candidate_id": candidate_id,
            "stage_id": stay.stage,
            "entered_at": stay.entered_at,
            "left_at": stay.left_at,
            "outcome": stay.outcome,
            "dwell_days": stay.dwell_days,
        }
        for stay in stays((row["at"], row["kind"], row["to_stage_id"]) for row in events)
    ]


def _candidate_row(
    rng: random.Random,
    story: SimulatedCandidate,
    funnel: Funnel,
    title: str,
    people: DemoPeople,
    now: datetime,
) -> dict[str, Any]:
    final = story.final
    stage_ids = [stage.id for stage in funnel.stages]
    entered = max(
        e.at for e in story.events if e.to_stage == final.stage and e.from_stage != e.to_stage
    )
    last_event = story.events[-1].at
    open_ended = final.status in (Status.ACTIVE, Status.ON_HOLD)
    decision_date = (now + timedelta(days=rng.randint(14, 300))) if open_ended else last_event
    return {
        **_fields(rng, funnel.key, title, people),
        "funnel_id": funnel.id,
        "stage_id": stage_ids[final.stage],
        "furthest_stage_id": stage_ids[max(e.to_stage for e in story.events)],
        "status": final.status,
        "created_at": story.created_at,
        "updated_at": last_event,
        "stage_entered_at": entered,
        "expected_decision_date": date(decision_date.year, decision_date.month, decision_date.day),
        "version": 1,
    }


def _stories(
    rng: random.Random, profiles: Sequence[StageProfile], count: int, now: datetime
) -> list[SimulatedCandidate]:
    start = now - timedelta(days=HISTORY_DAYS)
    # A growing intake (density rising towards now) leaves a live funnel with candidates in
    # every stage, on top of two years of finished stories.
    return [
        simulate_candidate(
            rng,
            profiles,
            start=start + timedelta(days=(HISTORY_DAYS - 1) * rng.random() ** 0.5),
            now=now,
        )
        for _ in range(count)
    ]


def _phase(title: str, phase: int) -> str:
    """Later phases of the same initiative, named the way each language names them."""
    if phase == 1:
        return title
    if title.isascii():
        return f"{title}, phase {phase}"
    return f"{title}（{'二三四'[phase - 2]}期）"


def _funnels(session: Session) -> dict[str, Funnel]:
    return {funnel.key: funnel for funnel in session.scalars(select(Funnel))}


def load_demo_portfolio(
    session: Session, people: DemoPeople, *, now: datetime, seed: int = 2026
) -> int:
    """Write the demo candidates unless the portfolio already has candidates; returns how
    many were written."""
    if session.scalar(select(Candidate.id).limit(1)) is not None:
        return 0
    rng = random.Random(seed)
    funnels = _funnels(session)
    written = 0
    for key, titles in (("investment", INVESTMENT_TITLES), ("innovation", INNOVATION_TITLES)):
        funnel = funnels.get(key)
        if funnel is None:
            continue
        names = [_phase(title, phase) for phase in (1, 2, 3) for title in titles]
        for title, story in zip(names, _stories(rng, PROFILES[key], len(names), now), strict=True):
            candidate = Candidate(**_candidate_row(rng, story, funnel, title, people, now))
            session.add(candidate)
            session.flush()
            stage_ids = [stage.id for stage in funnel.stages]
            rows = _event_rows(rng, story, candidate.id, stage_ids, people)
            _add_reviews(session, rng, candidate, funnel, rows, people)
            # Events go in last and complete: the history table refuses later updates.
            session.add_all(StageEvent(**row) for row in rows)
            session.add_all(StageVisit(**row) for row in _visit_rows(candidate.id, rows))
            written += 1
        # Its own generator: the histories above stay what they were before the queue.
        queue_rng = random.Random(seed + 1)
        for title, due in zip(QUEUE_TITLES[key], QUEUE_DUE_DAYS, strict=False):
            _add_queued(session, queue_rng, funnel, title, due, people, now)
            written += 1
    session.commit()
    return written


def _add_queued(
    session: Session,
    rng: random.Random,
    funnel: Funnel,
    title: str,
    due_days: int | None,
    people: DemoPeople,
    now: datetime,
) -> None:
    """A candidate that entered the first stage lately and waits at its gate, with an
    open, partly scored review."""
    stage = funnel.stages[0]
    entered = now - timedelta(days=rng.uniform(6, 40))
    due = None if due_days is None else (now + timedelta(days=due_days)).date()
    candidate = Candidate(
        **_fields(rng, funnel.key, title, people),
        funnel_id=funnel.id,
        stage_id=stage.id,
        furthest_stage_id=stage.id,
        status=Status.ACTIVE,
        created_at=entered,
        updated_at=entered,
        stage_entered_at=entered,
        expected_decision_date=due,
    )
    session.add(candidate)
    session.flush()
    review = _review(rng, candidate, stage, entered + timedelta(days=rng.uniform(1, 5)), people)
    _score(rng, review, people, everyone=False, passing=True)
    session.add(review)
    session.add(
        StageEvent(
            candidate_id=candidate.id,
            to_stage_id=stage.id,
            kind=EventKind.CREATED,
            status_after=Status.ACTIVE,
            actor_id=rng.choice(people.creators) if people.creators else None,
            at=entered,
        )
    )
    session.add(StageVisit(candidate_id=candidate.id, stage_id=stage.id, entered_at=entered))


def _add_reviews(
    session: Session,
    rng: random.Random,
    candidate: Candidate,
    funnel: Funnel,
    events: Sequence[dict[str, Any]],
    people: DemoPeople,
) -> None:
    """A decided gate review before every gate decision (its id goes into the event row),
    and an open one, partly scored, for some candidates still in play."""
    stages = {stage.id: stage for stage in funnel.stages}
    for event in events:
        if event["kind"] in (EventKind.GO, EventKind.KILL, EventKind.RECYCLE):
            stage = stages[event["from_stage_id"]]
            if stage.criteria:
                opened = event["at"] - timedelta(days=rng.uniform(3, 12))
                review = _review(rng, candidate, stage, opened, people)
                review.status = ReviewStatus.DECIDED
                review.closed_at = event["at"]
                _score(rng, review, people, everyone=True, passing=event["kind"] == EventKind.GO)
                session.add(review)
                session.flush()
                event["review_id"] = review.id
    stage = stages[candidate.stage_id]
    if candidate.status == Status.ACTIVE and stage.criteria and rng.random() < 0.35:
        review = _review(
            rng, candidate, stage, candidate.stage_entered_at + timedelta(days=2), people
        )
        _score(rng, review, people, everyone=False, passing=rng.random() < 0.6)
        session.add(review)


def _review(
    rng: random.Random, candidate: Candidate, stage: Any, opened: datetime, people: DemoPeople
) -> GateReview:
    scorers = rng.sample(list(people.scorers), k=min(3, len(people.scorers)))
    review = GateReview(
        candidate=candidate,
        stage_id=stage.id,
        status=ReviewStatus.OPEN,
        criteria=[c.snapshot() for c in stage.criteria if c.active],
        opened_by_id=rng.choice(people.creators) if people.creators else None,
        opened_at=opened,
    )
    review.scorers = [ReviewScorer(user_id=user_id) for user_id in scorers]
    return review


def _score(
    rng: random.Random, review: GateReview, people: DemoPeople, *, everyone: bool, passing: bool
) -> None:
    """Scores around a latent quality: passing candidates score high, the others low, with
    now and then a scorer who sees it quite differently."""
    quality = rng.uniform(6.5, 9) if passing else rng.uniform(2, 5.5)
    for invitation in review.scorers if everyone else review.scorers[:1]:
        invitation.submitted_at = review.opened_at + timedelta(days=rng.uniform(0.5, 3))
        outlier = rng.random() < 0.15
        for criterion in review.criteria:
            if criterion["kind"] == "must":
                value = 0.0 if (not passing and rng.random() < 0.15) else 1.0
            else:
                spread = 4.5 if outlier else 1.5
                value = float(max(0, min(10, round(rng.gauss(quality, spread)))))
            review.scores.append(
                GateScore(scorer_id=invitation.user_id, criterion_key=criterion["key"], value=value)
            )


def load_bulk_candidates(
    session: Session,
    count: int,
    people: DemoPeople,
    *,
    now: datetime,
    seed: int = 7,
    batch: int = 2000,
    progress: Callable[[int], None] = lambda _done: None,
) -> int:
    """Write `count` more candidates with simulated history, in batches of `batch`
    (one transaction each), calling `progress(n)` after each batch. No gate reviews."""
    rng = random.Random(seed)
    funnels = [f for f in _funnels(session).values() if f.key in PROFILES]
    if not funnels:
        return 0
    written = 0
    while written < count:
        size = min(batch, count - written)
        funnel = funnels[(written // batch) % len(funnels)]
        stage_ids = [stage.id for stage in funnel.stages]
        stories = _stories(rng, PROFILES[funnel.key], size, now)
        rows = [
            _candidate_row(rng, story, funnel, f"Bulk candidate {written + i + 1}", people, now)
            for i, story in enumerate(stories)
        ]
        # Core inserts (one executemany each) rather than the ORM's unit of work: the ORM
        # would send the rows one by one.
        ids = session.scalars(
            insert(CANDIDATE_TABLE).returning(CANDIDATE_TABLE.c.id, sort_by_parameter_order=True),
            rows,
        ).all()
        events = [
            row
            for candidate_id, story in zip(ids, stories, strict=True)
            for row in _event_rows(rng, story, candidate_id, stage_ids, people)
        ]
        session.execute(insert(EVENT_TABLE), events)
        by_candidate: dict[int, list[dict[str, Any]]] = {}
        for row in events:
            by_candidate.setdefault(row["candidate_id"], []).append(row)
        session.execute(
            insert(VISIT_TABLE),
            [visit for cid, rows in by_candidate.items() for visit in _visit_rows(cid, rows)],
        )
        session.commit()
        written += size
        progress(size)
    return written
