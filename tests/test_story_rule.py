"""The story rule and its scores, in memory: order-independent, bridging, and scored right."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from analysis_worker.extraction import Analyzer
from newsflow.core.event_merge import Mention, canonical_groups, counts, same_happening
from newsflow.core.story_memory import MemoryStories
from newsflow.core.story_rule import ArticleFeatures, StoryRule, components, features, same_story
from newsflow.tools.clustering_scores import adjusted_rand, bcubed, labels, score
from newsflow.tools.story_eval import evaluate_stories
from tests.processes import REPO_ROOT

RULE = StoryRule(window_days=3, threshold=0.3, entity_weight=0.5)
DAY = date(2025, 9, 19)


def article(article_id: str, text: str, keys: list[str], day: date = DAY) -> ArticleFeatures:
    return features(article_id, day, None, text, [(k, "GPE") for k in keys])


def test_bcubed_and_rand_of_a_hand_counted_grouping() -> None:
    found, gold = {"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "y", "c": "y"}
    assert bcubed(found, gold) == pytest.approx((2 / 3, 2 / 3))
    assert adjusted_rand(gold, gold) == 1.0
    assert score(found, gold).f1 == pytest.approx(2 / 3)


def test_articles_apart_or_without_a_shared_entity_are_not_one_story() -> None:
    first = article("a", "jets violated estonian airspace", ["gpe:estonia"])
    later = article("b", "jets violated estonian airspace", ["gpe:estonia"], DAY + timedelta(9))
    other = article("c", "jets violated estonian airspace", ["gpe:latvia"])
    assert same_story(first, article("d", "jets violated estonian airspace", ["gpe:estonia"]), RULE)
    assert not same_story(first, later, RULE)
    assert not same_story(first, other, RULE)


def test_articles_sharing_a_rare_title_word_are_compared_without_a_shared_entity() -> None:
    text = "jets violated estonian airspace over the gulf of finland"
    title = "Russian jets violate Estonian airspace, minister says"
    first = features("a", DAY, title, text, [("gpe:estonia", "GPE")])
    misread = features("b", DAY, "Estonian airspace violated", text, [("org:estonia", "ORG")])
    other = features("c", DAY, "Russian minister praises jets", text, [("org:estonia", "ORG")])
    assert first.title_words == ("airspace", "estonian", "violate")  # the title's rarest
    assert same_story(first, misread, RULE)  # they share a rare title word
    assert not same_story(first, other, RULE)  # and these only common ones


def test_a_close_follow_up_joins_months_later_a_loose_one_only_within_days() -> None:
    rule = StoryRule()
    report = article(
        "a", "jets violated estonian airspace over the gulf of finland", ["gpe:estonia"]
    )
    close = article(
        "b",
        "jets violated estonian airspace over the gulf of finland",
        ["gpe:estonia"],
        DAY + timedelta(90),
    )
    loose = "estonian envoy summoned, protest note sent to moscow embassy"
    assert same_story(report, close, rule)
    assert same_story(report, article("c", loose, ["gpe:estonia"]), rule)
    assert not same_story(report, article("d", loose, ["gpe:estonia"], DAY + timedelta(90)), rule)


def test_a_story_keeps_growing_past_the_neighbours_looked_up() -> None:
    stories = MemoryStories(StoryRule(key_neighbours=2))
    for n in range(8):
        text = f"jets violated estonian airspace again report {n}"
        stories.add(article(f"x{n}", text, ["gpe:estonia"], DAY + timedelta(days=n % 3)))
    assert stories.stories() == [[f"x{n}" for n in range(8)]]


def test_of_a_key_only_the_articles_nearest_in_time_are_compared() -> None:
    stories = MemoryStories(StoryRule(key_neighbours=1))
    jets, harvest = "jets violated estonian airspace", "harvest festival opens in tartu"
    stories.add(article("a", jets, ["gpe:estonia"], DAY))
    stories.add(article("b", harvest, ["gpe:estonia"], DAY + timedelta(days=1)))
    stories.add(article("c", jets, ["gpe:estonia"], DAY + timedelta(days=2)))
    assert stories.stories() == [["a"], ["b"], ["c"]]  # c looked up only b, the nearest


def test_a_later_article_bridges_two_stories_in_any_order() -> None:
    left = article("a", "jets violated airspace over the gulf", ["gpe:estonia"])
    right = article("c", "envoy summoned protest note", ["gpe:russia"])
    bridge = article(
        "b",
        "jets violated airspace over the gulf; envoy summoned protest note",
        ["gpe:estonia", "gpe:russia"],
    )
    assert not same_story(left, right, RULE)
    for order in itertools.permutations([left, right, bridge]):
        stories = MemoryStories(RULE)
        for found in order:
            stories.add(found)
        assert stories.stories() == [["a", "b", "c"]]


def test_grouping_does_not_depend_on_arrival_order() -> None:
    pick = random.Random(7)
    vocabulary = ["troops", "border", "talks", "strike", "vote", "flood", "court", "bank"]
    found = [
        article(
            f"x{n}",
            " ".join(pick.sample(vocabulary, 3)),
            pick.sample(["gpe:a", "gpe:b", "gpe:c", "gpe:d"], 2),
            DAY + timedelta(days=pick.randrange(6)),
        )
        for n in range(40)
    ]
    expected = components(found, RULE)
    for _ in range(5):
        pick.shuffle(found)
        stories = MemoryStories(RULE)
        for each in found:
            stories.add(each)
        assert stories.stories() == expected
    assert len(expected) < len(found)  # the rule did group some articles


def mention(article_id: str, outlet: str, day: date, category: str = "MOBILIZE") -> Mention:
    return Mention(
        article_id, 0, outlet, category, "RUSMIL", "EST", "RUS", "EST", day, None, None, 0.9, DAY
    )


def test_mentions_of_one_happening_are_counted_once_per_article_and_outlet() -> None:
    groups = canonical_groups(
        [
            mention("a", "Wire", DAY),
            mention("b", "wire", DAY + timedelta(days=1)),
            mention("c", "Post", DAY),
            mention("d", "Post", DAY, category="PROTEST"),
            mention("e", "Post", DAY + timedelta(days=3)),
        ]
    )
    assert sorted(len(g) for g in groups) == [1, 1, 3]
    merged = counts(max(groups, key=len))
    assert (merged["num_mentions"], merged["num_articles"], merged["num_sources"]) == (3, 3, 2)
    assert labels([["a", "b"], ["c"]]) == {"a": "a", "b": "a", "c": "c"}


def test_mentions_grouped_by_way_told_group_as_compared_pair_by_pair() -> None:
    pick = random.Random(3)
    pool = [
        Mention(
            f"a{n:02d}",
            0,
            f"o{n % 3}",
            pick.choice(["MOBILIZE", "PROTEST"]),
            pick.choice(["RUS", "EST", None]),
            pick.choice(["RUS", "EST", None]),
            None,
            None,
            DAY + timedelta(days=pick.randrange(5)),
            None,
            None,
            0.5,
            DAY,
        )
        for n in range(30)
    ]
    pool += [dataclasses.replace(m, article_id=f"b{m.article_id}") for m in pool[:10]]
    assert canonical_groups(pool) == pairwise_groups(pool)


def pairwise_groups(pool: list[Mention]) -> list[list[Mention]]:
    """Group mentions as the rule says, comparing every pair."""
    found = sorted(pool, key=lambda m: (m.article_id, m.ordinal))
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(found)), 2):
        if same_happening(found[i], found[j]):
            first, second = sorted((root(i), root(j)))
            parent[second] = first
    groups: dict[int, list[Mention]] = {}
    for i, m in enumerate(found):
        groups.setdefault(root(i), []).append(m)
    return list(groups.values())


def test_eval_stories_scores_a_benchmark_folder(analyzer: Analyzer, tmp_path: Path) -> None:
    reports = json.loads((REPO_ROOT / "tests/data/mig31_reports.json").read_text())
    other = json.loads((REPO_ROOT / "tests/data/unrelated_report.json").read_text())
    for number, (raw, story) in enumerate([(r, "mig31") for r in reports] + [(other, "fair")]):
        cluster = {"Event": story, "Category": "world"}
        record = {
            "dId": raw["id"],
            "title": raw["title"],
            "description": "None",
            "text": raw["text"],
            "date_publish": raw["published_at"].replace("Z", ""),
            # a Python literal in most of the benchmark's files, JSON in others
            "newsCluster": repr(cluster) if number % 2 else json.dumps(cluster),
        }
        (tmp_path / f"{number}.json").write_text(json.dumps(record))
    result = evaluate_stories(tmp_path, analyzer, RULE)
    assert result.rule_orders_agree
    assert (result.rule[0].f1, result.rule[0].groups, result.rule[0].items) == (1.0, 2, 4)
    assert "story rule" in str(result) and "tf-idf baseline" in str(result)
