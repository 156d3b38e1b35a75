"""Stories grouped in memory as articles arrive, by the story rule and by a bag-of-words baseline.

`MemoryStories` does what the worker does against PostgreSQL (look up candidates by shared
entity or title key in the date window, of each key only the `key_neighbours` articles nearest
in time on either side, and keep the `candidates` sharing the most key weight; merge every
story the article matches), so the evaluation measures the worker's grouping without a
database. `TfidfBaseline` is the usual first try, measured
beside it: it depends on arrival order.
"""

from __future__ import annotations

import math
from collections import Counter

from newsflow.core.story_rule import ArticleFeatures, StoryRule, cosine, same_story, words_of


class MemoryStories:
    """Articles grouped into stories as they arrive (the worker's algorithm, in memory)."""

    def __init__(self, rule: StoryRule) -> None:
        self.rule = rule
        self.articles: dict[str, ArticleFeatures] = {}
        self.by_key: dict[str, list[str]] = {}
        self.parent: dict[str, str] = {}

    def add(self, article: ArticleFeatures) -> None:
        """Group one article: it joins, and so merges, every story it matches."""
        shared: dict[str, float] = {}
        keys = article.keys()
        for key, weight in keys.items():
            for other in self._neighbours(article, key):
                shared[other] = shared.get(other, 0.0) + weight * self.articles[other].keys()[key]
        nearest = sorted(shared, key=lambda other: (-shared[other], other))
        self.articles[article.id] = article
        self.parent[article.id] = article.id
        for other in nearest[: self.rule.candidates]:
            if same_story(article, self.articles[other], self.rule):
                self._union(article.id, other)
        for key in keys:
            self.by_key.setdefault(key, []).append(article.id)

    def _neighbours(self, article: ArticleFeatures, key: str) -> list[str]:
        """Return the articles posted under a key nearest in time to this one, as the index
        gives them: the latest on or before its day, and the earliest after it."""
        day, window, side = article.day, self.rule.window_days, self.rule.key_neighbours
        posted = [(self.articles[o].day, o) for o in self.by_key.get(key, [])]
        before = sorted((p for p in posted if 0 <= (day - p[0]).days <= window), reverse=True)
        after = sorted(p for p in posted if 0 < (p[0] - day).days <= window)
        return [o for _, o in before[:side] + after[:side]]

    def stories(self) -> list[list[str]]:
        """Return the stories, each a sorted list of article ids."""
        groups: dict[str, list[str]] = {}
        for article_id in sorted(self.articles):
            groups.setdefault(self._root(article_id), []).append(article_id)
        return sorted(groups.values())

    def _root(self, node: str) -> str:
        while self.parent[node] != node:
            node = self.parent[node]
        return node

    def _union(self, a: str, b: str) -> None:
        first, second = sorted((self._root(a), self._root(b)))
        self.parent[second] = first


BASELINE_THRESHOLD = 0.3
"""Cosine above which the baseline joins an article to its most similar story."""


class TfidfBaseline:
    """TF-IDF cosine over title, standfirst and lead; join the most similar story above a bar."""

    def __init__(self, threshold: float = BASELINE_THRESHOLD) -> None:
        self.threshold = threshold
        self.documents: dict[str, Counter[str]] = {}
        self.frequency: Counter[str] = Counter()
        self.story_of: dict[str, str] = {}

    def add(self, article_id: str, text: str) -> None:
        """Place one article: in the story of its most similar earlier article, or a new one."""
        words = words_of(text)
        self.documents[article_id] = words
        self.frequency.update(words.keys())
        vector = self._vector(words)
        best, best_score = article_id, self.threshold
        for other, other_words in self.documents.items():
            if (
                other != article_id
                and (s := cosine(vector, self._vector(other_words))) >= best_score
            ):
                best, best_score = other, s
        self.story_of[article_id] = self.story_of.get(best, article_id)

    def stories(self) -> list[list[str]]:
        """Return the stories, each a sorted list of article ids."""
        groups: dict[str, list[str]] = {}
        for article_id, story in sorted(self.story_of.items()):
            groups.setdefault(story, []).append(article_id)
        return sorted(groups.values())

    def _vector(self, words: Counter[str]) -> dict[str, float]:
        total = len(self.documents)
        weights = {w: n * math.log((1 + total) / (1 + self.frequency[w])) for w, n in words.items()}
        norm = math.sqrt(sum(v * v for v in weights.values()))
        return {w: v / norm for w, v in weights.items()} if norm else {}
