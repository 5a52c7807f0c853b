"""The two funnels Tollgate ships (BRIEF §2), as plain data for `seed_default_funnels`.

Each stage but the last carries the scorecard of the gate at its exit. Weights are
relative: only their ratios matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.roles import Role


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    name: str
    name_zh: str
    kind: str  # "must" or "should"
    weight: float = 1.0
    guidance: str = ""
    guidance_zh: str = ""


@dataclass(frozen=True)
class StageSpec:
    key: str
    name: str
    name_zh: str
    probability: float
    target_dwell_days: int | None = None
    wip_limit: int | None = None
    checklist: tuple[str, ...] = ()
    role: Role | None = Role.PMO
    criteria: tuple[CriterionSpec, ...] = ()
    # Load-oriented release: gate reviews the stage's team completes a month, and the load
    # percentage (limit = capacity x percent / 100). 200 % is the usual starting point of
    # the Hannover method: enough queue that the team never idles, no more.
    capacity: float | None = None
    load_percent: float | None = None


@dataclass(frozen=True)
class FunnelSpec:
    key: str
    name: str
    name_zh: str
    description: str
    stages: tuple[StageSpec, ...] = field(default_factory=tuple)


STRATEGIC_FIT = CriterionSpec(
    "strategic_fit",
    "Fits the group strategy",
    "符合集团战略",
    "must",
    guidance="Does it serve one of the strategic themes? A no stops the candidate here.",
    guidance_zh="是否服务于某一战略主题？答“否”即在此止步。",
)
LEGAL = CriterionSpec(
    "legal_safety",
    "Legal, compliance and safety acceptable",
    "合法合规、安全可控",
    "must",
    guidance="No legal, regulatory or safety obstacle that cannot be removed.",
    guidance_zh="不存在无法消除的法律、监管或安全障碍。",
)


def _should(
    key: str, name: str, name_zh: str, weight: float, guidance: str, guidance_zh: str
) -> CriterionSpec:
    return CriterionSpec(key, name, name_zh, "should", weight, guidance, guidance_zh)


IMPORTANCE = _should(
    "strategic_importance",
    "Strategic importance",
    "战略重要性",
    3,
    "0 = marginal, 10 = central to a strategic theme.",
    "0 = 边缘，10 = 某一战略主题的核心。",
)
MARKET = _should(
    "market_attractiveness",
    "Market attractiveness",
    "市场吸引力",
    3,
    "Size, growth and margin of the target market.",
    "目标市场的规模、增长与利润率。",
)
FEASIBILITY = _should(
    "technical_feasibility",
    "Technical feasibility",
    "技术可行性",
    2,
    "0 = unproven science, 10 = proven with our own people.",
    "0 = 技术未经验证，10 = 已由自有团队验证。",
)
RETURN = _should(
    "financial_return",
    "Financial return",
    "财务回报",
    3,
    "NPV and payback against the hurdle rate.",
    "相对门槛收益率的净现值与回收期。",
)
RISK = _should(
    "risk",
    "Risk (10 = low risk)",
    "风险（10 = 风险低）",
    2,
    "Delivery, market and regulatory risk together; higher is safer.",
    "交付、市场与监管风险综合评估；分数越高越安全。",
)
RESOURCES = _should(
    "resource_availability",
    "Resource availability",
    "资源可得性",
    1,
    "People, money and capacity available when needed.",
    "所需的人员、资金与产能能否及时到位。",
)
NOVELTY = _should(
    "novelty",
    "Novelty and learning value",
    "新颖性与学习价值",
    2,
    "What we learn even if it fails.",
    "即使失败也能获得的认知。",
)

INVESTMENT = FunnelSpec(
    key="investment",
    name="Investment decisions",
    name_zh="项目投资方向决策",
    description="From an idea to an approved investment, with more evidence at every gate.",
    stages=(
        StageSpec(
            "idea",
            "Idea",
            "构想",
            0.05,
            30,
            None,
            ("One-page description", "Sponsor named"),
            criteria=(STRATEGIC_FIT, IMPORTANCE, MARKET),
        ),
        StageSpec(
            "opportunity",
            "Opportunity study",
            "投资机会研究",
            0.15,
            60,
            12,
            ("Industry and value-chain segment chosen", "Market tier and product type described"),
            capacity=6,
            load_percent=200,
            criteria=(STRATEGIC_FIT, LEGAL, IMPORTANCE, MARKET, FEASIBILITY, RESOURCES),
        ),
        StageSpec(
            "option",
            "Option",
            "投资方案",
            0.40,
            90,
            8,
            ("Alternatives compared", "Financial case with NPV and payback"),
            capacity=4,
            load_percent=200,
            criteria=(STRATEGIC_FIT, LEGAL, MARKET, FEASIBILITY, RETURN, RISK, RESOURCES),
        ),
        StageSpec(
            "final_decision",
            "Final investment decision",
            "最终投资决策",
            0.75,
            45,
            5,
            ("Board paper", "Financing plan", "Risk register"),
            role=Role.EXECUTIVE,
            capacity=2,
            load_percent=250,
            criteria=(STRATEGIC_FIT, LEGAL, RETURN, RISK, RESOURCES),
        ),
        StageSpec("approved", "Approved", "已批准", 1.0, role=None),
    ),
)

INNOVATION = FunnelSpec(
    key="innovation",
    name="Innovation",
    name_zh="创新漏斗",
    description="Ideas screened, evaluated and prototyped; killed ideas can be recycled.",
    stages=(
        StageSpec(
            "idea",
            "Idea",
            "构想",
            0.05,
            21,
            None,
            ("Problem and idea in a few lines",),
            criteria=(STRATEGIC_FIT, IMPORTANCE, NOVELTY),
        ),
        StageSpec(
            "screening",
            "Screening",
            "筛选",
            0.10,
            30,
            20,
            ("Customer need named",),
            capacity=10,
            load_percent=200,
            criteria=(STRATEGIC_FIT, LEGAL, MARKET, NOVELTY, FEASIBILITY),
        ),
        StageSpec(
            "evaluation",
            "Evaluation",
            "评估",
            0.30,
            60,
            10,
            ("Business case sketch", "Experiment plan"),
            capacity=5,
            load_percent=200,
            criteria=(STRATEGIC_FIT, LEGAL, MARKET, FEASIBILITY, RETURN, RESOURCES),
        ),
        StageSpec(
            "prototype",
            "Prototype",
            "原型/优化",
            0.60,
            90,
            6,
            ("Prototype budget", "Success measures"),
            capacity=3,
            load_percent=200,
            criteria=(STRATEGIC_FIT, LEGAL, RETURN, RISK, RESOURCES),
        ),
        StageSpec("implementation", "Implementation", "实施", 1.0, role=None),
    ),
)

DEFAULT_FUNNELS = (INVESTMENT, INNOVATION)

CURRENCIES = ("CNY", "USD", "EUR", "HKD", "GBP", "JPY")
