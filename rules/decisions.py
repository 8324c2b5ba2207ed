"""A decision is a value: accept with the account changes it implies, or reject with every reason that applies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Reason:
    """One REF*7G: the Illinois reason code and its text (REF03)."""

    code: str
    text: str


# -- account changes implied by an accepted SBO enrollment (R1, R4, R5, R6, R7; D3, D4) -------------------
@dataclass(frozen=True)
class RemoveBudgetBilling:
    """R1/R2: off budget billing; a positive balance due goes on the utility's direct bill to the customer."""

    balance_due: Decimal
    installments_paid: Decimal
    actual_charges: Decimal

    @property
    def rule(self) -> str:
        """R1 alone, or R1+R2 when a balance is due (a credit is R1 only)."""
        return "R1+R2" if self.balance_due > 0 else "R1"

    @property
    def charge_kind(self) -> str:
        """How the balance shows on the utility's direct bill (R2): never on an 810."""
        return "budget balance due" if self.balance_due > 0 else "budget credit"


@dataclass(frozen=True)
class RemoveSummaryBilling:
    """R4: out of the summary billing group."""

    summary_group: str


@dataclass(frozen=True)
class SplitGas:
    """R5: gas service points move to a new account (the store draws the number, D5)."""

    service_points: tuple[str, ...]


@dataclass(frozen=True)
class MoveDirectPay:
    """R6: Direct Pay moves to the new gas account and leaves the original."""


@dataclass(frozen=True)
class SetSupplier:
    """Supplier and billing option per electric service point from ``effective``; ``sbo_from`` for R7 (D3)."""

    supplier_duns: str
    service_points: tuple[str, ...]
    billing_type: str
    bill_calculator: str
    effective: date
    off_cycle: bool
    sbo_from: date | None = None


@dataclass(frozen=True)
class EndSupply:
    """D8: the RES's supply of the electric service points ends at ``effective``; the utility supplies and bills."""

    supplier_duns: str
    service_points: tuple[str, ...]
    effective: date
    off_cycle: bool


@dataclass(frozen=True)
class DropNotice:
    """D9: another RES takes the account; the RES serving it is told its supply ends (an 814 drop notice)."""

    supplier_duns: str
    supplier_account: str
    effective: date


@dataclass(frozen=True)
class CancelRequest:
    """D10: an earlier request's supply change is withdrawn before it takes effect."""

    outcome_id: int
    kind: str


@dataclass(frozen=True)
class UpdateAccount:
    """D11: what a change request updates besides the billing option: the RES's account number, the name."""

    supplier_duns: str
    supplier_account: str  # REF*11 from REF*TD*REF11, else ""
    customer_name: str  # N1*8R from REF*TD*N18R, else ""


Change = (RemoveBudgetBilling | RemoveSummaryBilling | SplitGas | MoveDirectPay | SetSupplier | EndSupply | DropNotice
          | CancelRequest | UpdateAccount)  # fmt: skip


@dataclass(frozen=True)
class Decision:
    """Accepted (with changes and the granted billing option) or rejected (with reasons)."""

    accepted: bool
    reasons: tuple[Reason, ...] = ()
    changes: tuple[Change, ...] = ()
    rules: tuple[str, ...] = ()  # which guide rules (R1..R7, D1..D5) shaped it, for the account timeline

    @classmethod
    def reject(cls, reasons: tuple[Reason, ...], rules: tuple[str, ...] = ()) -> Decision:
        """A reject carrying every applicable reason."""
        return cls(False, reasons, (), rules)

    @classmethod
    def accept(cls, changes: tuple[Change, ...], rules: tuple[str, ...]) -> Decision:
        """An accept with its account changes."""
        return cls(True, (), changes, rules)

    @property
    def granted(self) -> SetSupplier | None:
        """The billing option and effective date the 814 response states."""
        return next((c for c in self.changes if isinstance(c, SetSupplier)), None)

    @property
    def ended(self) -> EndSupply | None:
        """The end of supply an accepted drop states (D8)."""
        return next((c for c in self.changes if isinstance(c, EndSupply)), None)
