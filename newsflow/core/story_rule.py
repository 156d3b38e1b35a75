"""The story rule: when two analysed articles report the same happening, as a pure function.

Two articles are in the same story when they were published within `window_days` of each
other, share a key (an entity, or one of the rarest words of both titles), their entity cosine
is at least `min_entity_similarity`, and their similarity reaches `threshold`, raised by `decay`
for every e-fold of days apart (so a close match may join a follow-up months later, a loose one
only within days); stories are the connected components of that relation. Words and entities
weigh by how rare they are in English at large (a fixed table, not the store), so the
similarity only looks at the two articles, the grouping of a set of articles is the same
whatever order they arrive in, and a later article that matches two stories joins them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from newsflow.core.word_rarity import rarity

WORD = re.compile(r"[^\W\d_][\w'-]*[^\W_]|[^\W\d_]")
"""A word: letters, with inner apostrophes and hyphens."""

STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own said same says she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours new one two three first last year years
    told monday tuesday wednesday thursday friday saturday sunday week day today yesterday
    according people time like may get make made us mr ms""".split()
)
"""Words too common to say what an article is about."""

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT"})
"""spaCy labels of the entities that say who and where a story is about."""

LEAD_CHARACTERS = 2500
"""How much of an article's text counts as its lead."""

TOP_ENTITIES = 12
"""Most entities of one article the rule compares (its most mentioned)."""

TITLE_KEYS = 3
"""Words of a title under which other articles find it (its rarest in English at large)."""

TITLE_KEY = "title:"
"""Prefix of a title word's key (entity keys begin with their label)."""


@dataclass(frozen=True)
class StoryRule:
    """The knobs of the rule (defaults: Settings.story_*)."""

    window_days: int = 365
    threshold: float = 0.14
    entity_weight: float = 0.1
    min_entity_similarity: float = 0.0
    decay: float = 0.1
    decay_days: float = 7.0
    key_neighbours: int = 25
    candidates: int = 20

    def bar(self, days_apart: int) -> float:
        """Return the similarity two articles this many days apart must reach."""
        return self.threshold + self.decay * math.log1p(days_apart / self.decay_days)


@dataclass(frozen=True)
class ArticleFeatures:
    """What the story rule knows of an article: its day, entities, lead words, title keys."""

    id: str
    day: date
    entities: Mapping[str, float] = field(default_factory=dict)
    words: Mapping[str, float] = field(default_factory=dict)
    title_words: tuple[str, ...] = ()

    def keys(self) -> dict[str, float]:
        """Return the keys under which other articles find this one, with their weights."""
        found = dict(sorted(self.entities.items()))
        found.update((TITLE_KEY + w, self.words.get(w, 0.0)) for w in self.title_words)
        return found


def words_of(text: str) -> Counter[str]:
    """Count the content words of a text (lower case, no stop words)."""
    found = (w.lower() for w in WORD.findall(text))
    return Counter(w for w in found if len(w) > 2 and w not in STOP_WORDS)


def features(
    article_id: str,
    day: date,
    title: str | None,
    text: str,
    entity_keys: Iterable[tuple[str, str]],
) -> ArticleFeatures:
    """Return an article's features from its title, text and (key, label) entity mentions."""
    counted = Counter(key for key, label in entity_keys if label in ENTITY_LABELS)
    top = dict(counted.most_common(TOP_ENTITIES))
    title_words = words_of(title or "")
    lead_words = words_of(text[:LEAD_CHARACTERS])
    words = title_words + title_words + lead_words  # the title says it twice as loud
    return ArticleFeatures(
        article_id,
        day,
        _unit({k: math.log1p(v) * rarity(entity_name(k)) for k, v in top.items()}),
        _unit({w: n * rarity(w) for w, n in words.items()}),
        tuple(sorted(sorted(title_words, key=lambda w: (-rarity(w), w))[:TITLE_KEYS])),
    )


def entity_name(key: str) -> str:
    """Return the words of an entity key (`gpe:north-korea` -> `north korea`)."""
    return key.partition(":")[2].replace("-", " ")


def _unit(vector: Mapping[str, float]) -> dict[str, float]:
    """Scale a vector to length one (an empty one stays empty)."""
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: round(v / norm, 6) for k, v in vector.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Return the cosine of two unit vectors."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(v * large.get(k, 0.0) for k, v in small.items())


def similarity(a: ArticleFeatures, b: ArticleFeatures, rule: StoryRule) -> float:
    """Return how alike two articles are: entity and word cosines, weighted."""
    entities = cosine(a.entities, b.entities)
    words = cosine(a.words, b.words)
    return rule.entity_weight * entities + (1 - rule.entity_weight) * words


def same_story(a: ArticleFeatures, b: ArticleFeatures, rule: StoryRule) -> bool:
    """Say whether two articles report the same happening."""
    days = abs((a.day - b.day).days)
    shared = a.entities.keys() & b.entities.keys() or set(a.title_words) & set(b.title_words)
    if days > rule.window_days or not shared:
        return False
    entities = cosine(a.entities, b.entities)
    if entities < rule.min_entity_similarity:
        return False
    words = cosine(a.words, b.words)
    return rule.entity_weight * entities + (1 - rule.entity_weight) * words >= rule.bar(days)


def components(articles: Iterable[ArticleFeatures], rule: StoryRule) -> list[list[str]]:
    """Group articles into stories (connected components), each sorted, stories by first id."""
    pool = sorted(articles, key=lambda a: a.id)
    parent = {a.id: a.id for a in pool}
    for i, a in enumerate(pool):
        for b in pool[i + 1 :]:  # a pair already in one story adds nothing: not compared
            if _root(parent, a.id) != _root(parent, b.id) and same_story(a, b, rule):
                _union(parent, a.id, b.id)
    groups: dict[str, list[str]] = {}
    for a in pool:
        groups.setdefault(_root(parent, a.id), []).append(a.id)
    return sorted(groups.values())


def _root(parent: dict[str, str], node: str) -> str:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def _union(parent: dict[str, str], a: str, b: str) -> None:
    first, second = sorted((_root(parent, a), _root(parent, b)))
    parent[second] = first
