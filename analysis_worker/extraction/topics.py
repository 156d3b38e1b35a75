"""Whether a hostile verb is a metaphor: sport, elections, business and show business beat,
attack and fire without force. Decided from the article's words and the clause's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span

from analysis_worker.extraction.actors import Actor
from analysis_worker.extraction.article import Article
from analysis_worker.extraction.document_cache import cached
from analysis_worker.extraction.dyads import Dyad

HOSTILE_ROOTS = frozenset({"13", "15", "16", "17", "18", "19", "20"})
"""Threats, force posture, reduced relations, coercion, assault, fighting, mass violence."""

CONFLICT_WORDS = frozenset(
    "war military troop soldier army militant rebel insurgent missile rocket bomb weapon "
    "airstrike gunman terrorist terrorism police officer protest protester violence invasion "
    "ceasefire navy jet drone sanction nuclear border regime militia attacker hostage "
    "shooting gunfire explosion killing massacre refugee".split()
)
"""Words of conflict, violence and security reporting (lemmas)."""

CONTEST_WORDS = frozenset(
    "game match season team coach player league championship series inning race lap "
    "tournament playoff final title trophy cup stadium score goal victory medal podium "
    "pitcher quarterback striker champion election vote voter ballot campaign candidate "
    "poll primary nominee electoral".split()
)
"""Words of sport and elections, where one side beats, defeats or routs another."""

OTHER_TOPIC_WORDS = CONTEST_WORDS | frozenset(
    "company share stock investor profit revenue market quarter earnings customer price "
    "product brand sale bank tax shareholder deal firm executive ceo app user software "
    "update device smartphone iphone console feature data scientist researcher study "
    "space satellite planet orbit rocket nasa image ocean iceberg film movie album song "
    "singer star show trailer actor actress concert award music fan festival parade".split()
)
"""Words of sport, business, technology, science and entertainment reporting (lemmas)."""

CONTEST_VERBS = frozenset(
    "beat defeat edge rout crush thrash trounce overtake outscore upset sweep down "
    "top topple outplay hammer whip blank".split()
)
"""Verbs that in a contest say who won ('the Cubs beat the Indians')."""

DISMISSED = frozenset(
    "coach manager ceo executive director employee staff worker chief head boss "
    "president chairman player".split()
)
"""People whom one fires or sacks from a job: a dismissal, not gunfire."""

VIOLENCE_VERBS = frozenset("shoot stab murder kill behead bomb shell massacre kidnap".split())
"""Verbs that stay violence in any article (a singer's cousin was shot)."""

SCORE = re.compile(r"^\d{1,3}-\d{1,3}$")
"""A match score ('8-7')."""

MIN_TOPIC_WORDS = 8
"""An article needs this many topic words before its topic can overrule a verb."""

TOPIC_MARGIN = 3
"""How many times its conflict words the other topics' words must outnumber."""


@dataclass(frozen=True)
class Topic:
    """How much an article speaks of conflict, of contests, and of other non-political news."""

    conflict: int
    contest: int
    other: int

    @property
    def political(self) -> bool:
        """Tell whether conflict reporting is not drowned by other topics."""
        return outweighs(self.conflict, self.other)

    @property
    def contested(self) -> bool:
        """Tell whether the article reports a game or an election, where cities are teams."""
        return not outweighs(self.conflict, self.contest)


def outweighs(conflict: int, other: int) -> bool:
    """Tell whether conflict words are not drowned by another topic's words."""
    return other < MIN_TOPIC_WORDS or other < TOPIC_MARGIN * (conflict + 1)


def article_topic(article: Article) -> Topic:
    """Count the article's topic words outside boilerplate (once per document)."""
    return cached(article.doc, "topic", lambda _: count_topic(article))


def count_topic(article: Article) -> Topic:
    """Walk the lemmas once, counting each topic's words."""
    columns, mask = article.columns, article.mask
    conflict = contest = other = 0
    for lemma, start in zip(columns.lemma, columns.idx, strict=True):
        if lemma in OTHER_TOPIC_WORDS or lemma in CONFLICT_WORDS:
            if mask.covers(start):
                continue
            conflict += lemma in CONFLICT_WORDS
            contest += lemma in CONTEST_WORDS
            other += lemma in OTHER_TOPIC_WORDS
    return Topic(conflict, contest, other)


def is_figurative(article: Article, sent: Span, trigger: int, dyad: Dyad) -> bool:
    """Tell whether a hostile event is a metaphor of sport, elections, business or show."""
    if dyad.code[:2] not in HOSTILE_ROOTS:
        return False
    columns = article.columns
    lemma = columns.lemma[trigger]
    if lemma in {"fire", "sack", "axe"} and dismisses(article, trigger):
        return True
    words = set(columns.lemma[sent.start : sent.end])
    if lemma in CONTEST_VERBS and not words & CONFLICT_WORDS:
        scored = any(SCORE.match(word) for word in words)
        if scored or words & CONTEST_WORDS or article_topic(article).contest >= 2:
            return True
    topic = article_topic(article)
    if topic.political or lemma in VIOLENCE_VERBS:
        return False
    return topic.contested or not any(
        is_political(article, actor) for actor in (dyad.source, dyad.target)
    )


POLITICAL_ROLES = ("GOV", "MIL", "COP", "REB", "INS", "SPY", "UAF", "JUD", "OPP", "IGO")
"""Parts of an actor code that make it a political actor (in any article)."""


def is_political(article: Article, actor: Actor | None) -> bool:
    """Tell whether an actor is a state, a government, an armed or an international body."""
    if actor is None:
        return False
    code = actor.code
    state = article.columns.ent_type[actor.head] == "GPE" and len(code) == 3
    return state or any(role in code for role in POLITICAL_ROLES)


def dismisses(article: Article, trigger: int) -> bool:
    """Tell whether the trigger's object is someone holding a job ('fired head coach X')."""
    columns = article.columns
    for child in columns.children[trigger]:
        if columns.dep[child] in {"dobj", "nsubjpass"}:
            phrase = {columns.lemma[token] for token in columns.subtree(child)}
            if phrase & DISMISSED:
                return True
    return False
