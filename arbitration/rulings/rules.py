"""What a ruling may decide (pure: no Flask, no database): the remedies' amounts within what the order and
the cited law allow, and a decision consistent with its remedies. Problems come back as (field, message id,
parameters) for the service to translate."""
from __future__ import annotations

from dataclasses import dataclass

from arbitration.rulings.suggest import N_

REMEDIES = ("full_refund", "partial_refund", "reissue", "void_fee", "compensation")
WITH_AMOUNT = ("partial_refund", "compensation")
PUNITIVE_CODES = frozenset({"CRPL-55"})          # 消费者权益保护法 第五十五条: three times the price, at least 500
PUNITIVE_MULTIPLE = 3
PUNITIVE_MINIMUM_FEN = 500_00


@dataclass(frozen=True)
class Remedy:
    remedy: str
    amount_fen: int = 0


@dataclass(frozen=True)
class Money:
    paid_fen: int            # what the buyer paid for the order
    refundable_fen: int      # what is still refundable on it


Problem = tuple[str, str, dict]


def compensation_cap(money: Money, cited: set[str]) -> int:
    """Without a punitive-damages provision, compensation stays within the price; with one (fraud), up to three
    times the price and at least 500 yuan."""
    if cited & PUNITIVE_CODES:
        return max(PUNITIVE_MULTIPLE * money.paid_fen, PUNITIVE_MINIMUM_FEN)
    return money.paid_fen


def check(decision: str, remedies: list[Remedy], money: Money, cited: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    kinds = [r.remedy for r in remedies]
    if decision == "dismissed" and remedies:
        problems.append(("decision", N_("A dismissed claim orders no remedy: untick the remedies or change the "
                                        "decision."), {}))
    if decision in ("upheld", "partly_upheld") and not remedies:
        problems.append(("decision", N_("An upheld claim needs at least one remedy."), {}))
    if len(set(kinds)) != len(kinds) or any(k not in REMEDIES for k in kinds):
        problems.append(("remedies", N_("Each remedy can be ordered once."), {}))
    if "full_refund" in kinds and "partial_refund" in kinds:
        problems.append(("partial_refund", N_("Order a full refund or a partial refund, not both."), {}))
    for r in remedies:
        if r.remedy in WITH_AMOUNT and r.amount_fen <= 0:
            problems.append((r.remedy, N_("Give the amount."), {}))
        elif r.remedy == "partial_refund" and r.amount_fen > money.refundable_fen:
            problems.append((r.remedy, N_("At most %(amount)s can still be refunded on this order."),
                             {"amount_fen": money.refundable_fen}))
        elif r.remedy == "compensation" and r.amount_fen > compensation_cap(money, cited):
            problems.append((r.remedy, N_("Compensation can be at most %(amount)s under the provisions cited "
                                          "(three times the price, at least 500 yuan, only with 消费者权益保护法 "
                                          "第五十五条)."), {"amount_fen": compensation_cap(money, cited)}))
        elif r.remedy == "full_refund" and money.refundable_fen <= 0:
            problems.append((r.remedy, N_("Nothing is left to refund on this order."), {}))
    return problems


def settle_amounts(remedies: list[Remedy], money: Money) -> list[Remedy]:
    """A full refund is fixed at what is refundable when the ruling is issued."""
    return [Remedy(r.remedy, money.refundable_fen if r.remedy == "full_refund" else
                   (r.amount_fen if r.remedy in WITH_AMOUNT else 0)) for r in remedies]
