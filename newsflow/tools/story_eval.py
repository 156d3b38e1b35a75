"""`newsflow eval stories`: group a news-cluster benchmark's articles and score the grouping.

The articles are analysed once, then grouped in publication order and in a shuffled order by
the story rule (as the worker does) and by the TF-IDF baseline; each grouping is scored against
the gold stories by B-cubed precision, recall, F1 and the adjusted Rand index.
"""

from __future__ import annotations

import ast
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from newsflow.core.models import Analysis
from newsflow.core.story_memory import MemoryStories, TfidfBaseline
from newsflow.core.story_rule import ArticleFeatures, StoryRule, features
from newsflow.tools.clustering_scores import GroupingScore, labels, score

SHUFFLE_SEED = 12
"""Seed of the shuffled posting order (fixed, so a run can be repeated)."""


class Analyzes(Protocol):
    """What the evaluation needs of the analyzer."""

    def analyze_many(self, items: Iterable[tuple[str, datetime | None]]) -> Iterable[Analysis]:
        """Analyse texts with their publication times, in order."""
        ...


@dataclass(frozen=True)
class ClusterArticle:
    """One benchmark article: its id, gold story, publication time and text."""

    id: str
    gold: str
    published: datetime
    title: str
    text: str


def read_cluster_files(folder: Path) -> list[ClusterArticle]:
    """Read the benchmark's JSON files (title + description + text), in publication order."""
    found = [_cluster_article(json.loads(p.read_text())) for p in sorted(folder.glob("*.json"))]
    return sorted(found, key=lambda a: (a.published, a.id))


def _cluster_article(raw: dict[str, Any]) -> ClusterArticle:
    cluster = raw["newsCluster"]
    if isinstance(cluster, str):  # a Python literal in most files, JSON in others
        cluster = ast.literal_eval(cluster)
    parts = [raw.get(k) for k in ("title", "description", "text")]
    return ClusterArticle(
        id=raw["dId"],
        gold=cluster["Event"],
        published=datetime.fromisoformat(raw["date_publish"]),
        title=raw.get("title") or "",
        text="\n\n".join(p for p in parts if p and p != "None"),
    )


def article_features(articles: list[ClusterArticle], analyzer: Analyzes) -> list[ArticleFeatures]:
    """Analyse every article once and return its story features."""
    analyses = analyzer.analyze_many((a.text, a.published) for a in articles)
    return [
        features(a.id, _day(a.published), a.title, a.text, [(e.key, e.label) for e in an.entities])
        for a, an in zip(articles, analyses, strict=True)
    ]


def _day(moment: datetime) -> date:
    return moment.date()


def group_by_rule(found: list[ArticleFeatures], rule: StoryRule) -> list[list[str]]:
    """Group articles arriving in this order, as the worker does."""
    stories = MemoryStories(rule)
    for article in found:
        stories.add(article)
    return stories.stories()


def group_by_baseline(articles: list[ClusterArticle]) -> list[list[str]]:
    """Group articles arriving in this order by the TF-IDF baseline."""
    baseline = TfidfBaseline()
    for article in articles:
        baseline.add(article.id, article.text[:1000])
    return baseline.stories()


@dataclass(frozen=True)
class StoryEvaluation:
    """Scores of the rule and the baseline, in publication and in shuffled order."""

    rule: tuple[GroupingScore, GroupingScore]
    rule_orders_agree: bool
    baseline: tuple[GroupingScore, GroupingScore]
    baseline_orders_agree: bool

    def __str__(self) -> str:
        lines = [
            f"{'grouping':<22}{'order':<13}{'B3 P':>7}{'B3 R':>7}{'B3 F1':>7}{'ARI':>7}"
            f"{'stories':>9}{'gold':>6}{'articles':>10}"
        ]
        for name, scores in (("story rule", self.rule), ("tf-idf baseline", self.baseline)):
            for order, s in zip(("publication", "shuffled"), scores, strict=True):
                lines.append(
                    f"{name:<22}{order:<13}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}"
                    f"{s.adjusted_rand:>7.3f}{s.groups:>9}{s.gold_groups:>6}{s.items:>10}"
                )
        lines.append(f"story rule: both orders give the same stories: {self.rule_orders_agree}")
        lines.append(f"baseline: both orders give the same stories: {self.baseline_orders_agree}")
        return "\n".join(lines)


def evaluate_stories(
    folder: Path, analyzer: Analyzes, rule: StoryRule, seed: int = SHUFFLE_SEED
) -> StoryEvaluation:
    """Analyse a benchmark once; score the rule and the baseline in two posting orders."""
    articles = read_cluster_files(folder)
    return evaluate_features(articles, article_features(articles, analyzer), rule, seed)


def evaluate_features(
    articles: list[ClusterArticle], found: list[ArticleFeatures], rule: StoryRule, seed: int
) -> StoryEvaluation:
    """Score the rule and the baseline on analysed articles, in two posting orders."""
    gold = {a.id: a.gold for a in articles}
    order = list(range(len(articles)))
    random.Random(seed).shuffle(order)
    rule_runs = [group_by_rule(f, rule) for f in (found, [found[i] for i in order])]
    base_runs = [group_by_baseline(a) for a in (articles, [articles[i] for i in order])]
    return StoryEvaluation(
        rule=(score(labels(rule_runs[0]), gold), score(labels(rule_runs[1]), gold)),
        rule_orders_agree=rule_runs[0] == rule_runs[1],
        baseline=(score(labels(base_runs[0]), gold), score(labels(base_runs[1]), gold)),
        baseline_orders_agree=base_runs[0] == base_runs[1],
    )
