"""What the enrollment rules look at: the request, the account's state, the supplier and the read calendar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property


class BillingType(StrEnum):
    """REF*BLT values (guide section 1)."""

    LDC = "LDC"
    DUAL = "DUAL"
    ESP = "ESP"


class Commodity(StrEnum):
    """What a service point delivers."""

    ELECTRIC = "EL"
    GAS = "GAS"


@dataclass(frozen=True)
class UsagePeriod:
    """One bill period's use at a service point: kWh, and demand (kW) where the bill has it."""

    start: date
    end: date
    kwh: Decimal
    kw: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """Whom and what an inbound set is about, as its outcome row records it (empty for an acknowledgment)."""

    partner: str = ""  # the RES the set speaks for (an 814's N1*SJ)
    reference: str = ""  # the set's own key (an 814's BGN02)
    account: str = ""  # the utility account it is about (REF*12), "" when none
    remembered: bool = False  # D7: its reference counts against later duplicates of the same partner


@dataclass(frozen=True)
class EnrollmentRequest:
    """An 814 enrollment request as the rules need it (parsed from an accepted transaction set)."""

    supplier_duns: str
    request_id: str  # BGN02, unique over time per RES
    account_number: str  # REF*12
    billing_type: str  # REF*BLT as sent
    bill_calculator: str  # REF*PC as sent
    requested_date: date | None = None  # DTM*150; None asks for the next scheduled read (on-cycle)
    supplier_account: str = ""  # REF*11, echoed
    utility_duns: str = ""  # N1*8S N104: the utility the request is addressed to
    utility_name: str = ""  # N1*8S N102

    @property
    def subject(self) -> Subject:
        """The request as its outcome row records it (its BGN02 remembered for D7)."""
        return Subject(self.supplier_duns, self.request_id, self.account_number, remembered=True)

    @property
    def is_sbo(self) -> bool:
        """D1: SBO is BLT ESP with PC DUAL."""
        return self.billing_type == BillingType.ESP and self.bill_calculator == "DUAL"


@dataclass(frozen=True)
class ServicePoint:
    """Metered or unmetered load on one delivery rate."""

    id: str
    commodity: Commodity
    rate_class: str


@dataclass(frozen=True)
class BudgetPlan:
    """Budget billing since the plan started or was last settled: installments paid and actual usage costs."""

    monthly_amount: Decimal
    installments_paid: tuple[Decimal, ...] = ()
    actual_charges: tuple[Decimal, ...] = ()

    @property
    def balance_due(self) -> Decimal:
        """Guide section 6: cost of actual usage minus budget amounts paid (negative is a credit)."""
        return sum(self.actual_charges, Decimal("0")) - sum(self.installments_paid, Decimal("0"))


@dataclass(frozen=True)
class PendingEnrollment:
    """An enrollment already accepted for the account and not yet effective."""

    supplier_duns: str
    effective_date: date


@dataclass(frozen=True)
class Account:
    """The account state the rules decide against."""

    number: str
    active: bool
    bill_group: int
    service_points: tuple[ServicePoint, ...]
    past_due: Decimal = Decimal("0.00")
    budget: BudgetPlan | None = None
    summary_group: str | None = None
    direct_pay: bool = False
    pending: tuple[PendingEnrollment, ...] = ()
    usage_released: bool = False  # D12: the customer released historical usage to suppliers

    @cached_property
    def electric_points(self) -> tuple[ServicePoint, ...]:
        """The electric service points: the ones a RES supplies (gas is split off, R5); found once per account."""
        return tuple(sp for sp in self.service_points if sp.commodity == Commodity.ELECTRIC)


@dataclass(frozen=True)
class SupplyState:
    """Who supplies an account's electric service points, as last scheduled (D8)."""

    serving: str | None  # the RES serving, or about to serve; None: utility supply
    drop_pending: date | None = None  # a drop accepted but not yet in effect
    supplier_account: str = ""  # the serving RES's account number for the customer (REF*11)


@dataclass(frozen=True)
class OriginalRequest:
    """D10: what a cancel names (BGN06), as the ledger recorded it for the same RES."""

    outcome_id: int
    accepted: bool
    kind: str  # "enrollment" or "drop"
    effective: date | None  # when the change it made takes effect
    only_supply: bool  # it changed nothing but supply rows (no budget, summary, gas, Direct Pay, notice)
    still_scheduled: bool  # its supply rows are still there (not cancelled already)


@dataclass(frozen=True)
class Supplier:
    """A registered RES and the billing options it may offer."""

    duns: str
    name: str
    billing_types: frozenset[str] = frozenset({"LDC", "DUAL", "ESP"})


@dataclass(frozen=True)
class ReadCalendar:
    """Scheduled meter-read dates per bill group, and the utility's holidays.

    ``windows`` and ``ordered`` remember what is computed from them: the calendar never changes while it is in
    use, so a billing window or a group's sorted reads are computed once per run, not once per request.
    """

    reads: dict[int, tuple[date, ...]]
    holidays: frozenset[date] = field(default_factory=frozenset)
    windows: dict[date, tuple[date, date]] = field(default_factory=dict, compare=False, repr=False)
    ordered: dict[int, tuple[date, ...]] = field(default_factory=dict, compare=False, repr=False)


ACCOUNT_DIGITS = 10  # guide section 1: account numbers are 10 digits


def split_account_number(drawn: int) -> str | None:
    """D5: a drawn sequence value as a 10-digit account number, or None once the sequence is exhausted."""
    if drawn < 0 or drawn >= 10**ACCOUNT_DIGITS:
        return None
    return f"{drawn:0{ACCOUNT_DIGITS}d}"
