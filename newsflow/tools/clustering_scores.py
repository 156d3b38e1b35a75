"""Scores of a grouping of items against a gold grouping: B-cubed and the adjusted Rand index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from math import comb


@dataclass(frozen=True)
class GroupingScore:
    """How well a grouping matches the gold one."""

    precision: float
    recall: float
    f1: float
    adjusted_rand: float
    groups: int
    gold_groups: int
    items: int


def bcubed(found: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float]:
    """Return B-cubed precision and recall of item -> group labels against gold labels."""
    pairs = Counter((found[item], gold[item]) for item in gold)
    found_sizes = Counter(found[item] for item in gold)
    gold_sizes = Counter(gold.values())
    precision = sum(n * n / found_sizes[f] for (f, _), n in pairs.items()) / len(gold)
    recall = sum(n * n / gold_sizes[g] for (_, g), n in pairs.items()) / len(gold)
    return precision, recall


def adjusted_rand(found: Mapping[str, str], gold: Mapping[str, str]) -> float:
    """Return the adjusted Rand index (Hubert and Arabie) of two labellings."""
    pairs = sum(comb(n, 2) for n in Counter((found[i], gold[i]) for i in gold).values())
    found_pairs = sum(comb(n, 2) for n in Counter(found[i] for i in gold).values())
    gold_pairs = sum(comb(n, 2) for n in Counter(gold.values()).values())
    expected = found_pairs * gold_pairs / comb(len(gold), 2)
    best = (found_pairs + gold_pairs) / 2
    return 1.0 if best == expected else (pairs - expected) / (best - expected)


def score(found: Mapping[str, str], gold: Mapping[str, str]) -> GroupingScore:
    """Return every score of a grouping."""
    precision, recall = bcubed(found, gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return GroupingScore(
        precision,
        recall,
        f1,
        adjusted_rand(found, gold),
        len({found[i] for i in gold}),
        len(set(gold.values())),
        len(gold),
    )


def labels(groups: list[list[str]]) -> dict[str, str]:
    """Return item -> group label (the group's first item) of a list of groups."""
    return {item: group[0] for group in groups for item in group}
