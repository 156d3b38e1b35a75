"""The desk in a real browser (Debian's Chromium, driven by Playwright) over the real services.

One stack (ingest, API, a worker) with the seeds analysed serves every test of the module.
Every request the browser makes is routed through `only_loopback`: one to any other host is
aborted and fails the test. Desktop (1280 px) and phone (375 px) screenshots are saved in the
tests' temporary folders, or in `--screenshots DIR` (`make screenshots`: docs/screenshots/).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
import requests
from playwright.sync_api import Browser, Page, Playwright, Request, Route, expect, sync_playwright

from newsflow.core.database import connect_database
from newsflow.core.settings import Settings
from newsflow.tools.pg_server import PostgresServer
from tests.conftest import truncate_all
from tests.processes import REPO_ROOT, RedisServer, Stack, wait_for

# `expect` polls in Playwright's own injected script: unlike `wait_for_function` with a string,
# it never `eval`s, which the desk's Content-Security-Policy (script-src 'self') refuses.
expect.set_options(timeout=30_000)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
MAX_FIRST_RENDER_REQUESTS = 6
MAX_FIRST_RENDER_BYTES = 500_000
POSTED_TEXT = "Estonia summoned the Russian ambassador after Russian jets violated its airspace."


def chromium_path() -> str:
    """Return Debian's Chromium (make test installs it); Playwright never downloads one."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "chromium is not on PATH (make test installs Debian's chromium)"
    return found


def clean(redis_url: str, database_url: str) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    engine = connect_database(Settings(database_url=database_url))
    truncate_all(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def desk(
    redis_server: RedisServer,
    migrated_postgres: PostgresServer,
    seeds: list[dict[str, Any]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    """The real services with the seeds analysed, for the whole module; always stopped."""
    clean(redis_server.url, migrated_postgres.url)
    folder = tmp_path_factory.mktemp("desk")
    # Stories on, as an analyst runs the desk with them (whatever GROUP_STORIES defaults to).
    stack = Stack(redis_server.url, migrated_postgres.url, folder, env={"GROUP_STORIES": "true"})
    stack.start()
    try:
        for seed in seeds:
            requests.post(f"{stack.ingest}/articles", json=seed, timeout=10).raise_for_status()
        for seed in seeds:
            wait_done(f"{stack.api}/articles/{seed['id']}")
        yield stack
    finally:
        stack.stop()
        clean(redis_server.url, migrated_postgres.url)


def wait_done(location: str) -> None:
    wait_for(
        lambda: requests.get(location, timeout=5).json()["status"] == "done",
        timeout=120,
        what=f"{location} to be analysed",
    )


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path())
    yield browser
    browser.close()


@dataclass
class Traffic:
    """Every request the browser made, and those it was stopped from making."""

    requests: list[Request] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def only_loopback(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname != "127.0.0.1":
            self.refused.append(url)
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


def open_page(browser: Browser, traffic: Traffic, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    context.route("**/*", traffic.only_loopback)
    page = context.new_page()
    page.on("request", lambda request: traffic.requests.append(request))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The page's Content-Security-Policy refuses what is not its own; a refusal is a bug of ours.
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and errors.append(message.text),
    )
    yield page
    context.close()
    assert traffic.refused == [], f"requests left 127.0.0.1: {traffic.refused}"
    assert errors == [], f"the page raised: {errors}"


@pytest.fixture
def page(browser: Browser, traffic: Traffic) -> Iterator[Page]:
    """A desktop-sized tab that may reach nothing but 127.0.0.1."""
    yield from open_page(browser, traffic, DESKTOP)


@pytest.fixture
def phone(browser: Browser, traffic: Traffic) -> Iterator[Page]:
    """A phone-sized tab that may reach nothing but 127.0.0.1."""
    yield from open_page(browser, traffic, PHONE)


Shoot = Callable[[Page, str], Path]


@pytest.fixture
def shoot(request: pytest.FixtureRequest, tmp_path: Path) -> Shoot:
    """Return a function that saves a screenshot as NAME-WIDTH.png in --screenshots DIR (make
    screenshots: docs/screenshots), else in the test's temporary folder: the whole page on a
    desktop, the first screen on a phone."""
    folder = Path(request.config.getoption("--screenshots") or tmp_path)

    def save(page: Page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]  # type: ignore[index]
        path = folder / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=width > PHONE["width"])
        return path

    return save


def first_render(page: Page, url: str) -> None:
    """Open the desk and wait until every panel has drawn."""
    page.goto(url)
    page.wait_for_selector("table.events tbody tr")
    page.wait_for_selector(".timeline-chart .bucket")
    page.wait_for_selector(".map-chart .place")
    page.wait_for_selector(".actors-panel ol.top li")
    page.wait_for_load_state("networkidle")


def rows(page: Page) -> list[str]:
    return page.locator("table.events tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")


def total(page: Page) -> str:
    return page.locator("#view .total").inner_text()


def mark_text(page: Page, kind: str) -> str:
    """Return the marked words of a role, without the label the mark shows."""
    return str(page.locator(f"mark.span.{kind}").first.evaluate("m => m.firstChild.textContent"))


def test_first_render_is_at_most_six_requests_under_500_kb(
    page: Page, traffic: Traffic, desk: Stack, shoot: Shoot
) -> None:
    first_render(page, f"{desk.api}/")
    sizes = [request.sizes() for request in traffic.requests]
    sent = sum(sum(size.values()) for size in sizes)
    print(f"first render: {len(traffic.requests)} requests, {sent} bytes")
    for request, size in zip(traffic.requests, sizes, strict=True):
        print(f"  {request.url} {sum(size.values())} bytes")
    assert len(traffic.requests) <= MAX_FIRST_RENDER_REQUESTS
    assert sent < MAX_FIRST_RENDER_BYTES
    listed = requests.get(f"{desk.api}/events", timeout=5).json()["total"]
    assert total(page) == f"{listed} events" and listed > 0
    shoot(page, "desk-events")


def test_mig31_event_found_by_actor_and_root_shows_its_evidence(
    page: Page, desk: Stack, shoot: Shoot
) -> None:
    first_render(page, f"{desk.api}/")
    page.fill("#filter-actor", "rus")
    page.select_option("#filter-root", "15")
    page.click("form.filter-bar button[type=submit]")
    expect(page).to_have_url(re.compile(r"root=15"))
    assert "actor=RUS" in page.url
    row = page.locator("table.events tbody tr", has_text="MiG-31").filter(has_text="violated")
    row.wait_for()
    assert "EST" in row.inner_text()
    row.locator("a.event-link").click()
    page.wait_for_selector("mark.sentence")
    assert page.locator("mark.sentence").inner_text().startswith("Subsequently, three Russian")
    assert mark_text(page, "trigger") == "violated"
    assert mark_text(page, "source") == "three Russian MiG-31 jets"
    assert mark_text(page, "target") == "Estonian airspace"
    facts = page.locator("dl.facts").inner_text()
    assert "asserted" in facts and "RUSMIL" in facts and "Estonian airspace" in facts
    assert page.locator(".stories").is_hidden()  # one article reports it: no other reports
    shoot(page, "desk-evidence")


def test_a_filtered_view_reloads_as_the_same_view(page: Page, desk: Stack) -> None:
    page.goto(f"{desk.api}/#/events?actor=RUS&root=15&sort=confidence")
    page.wait_for_selector("table.events tbody tr")
    before, counted = rows(page), total(page)
    assert counted.endswith(" events") and before
    page.reload()
    page.wait_for_selector("table.events tbody tr")
    assert rows(page) == before and total(page) == counted
    assert page.input_value("#filter-actor") == "RUS"
    assert page.input_value("#filter-root") == "15"
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Conf.")


def test_brushing_the_timeline_filters_the_table(page: Page, desk: Stack) -> None:
    first_render(page, f"{desk.api}/")
    unbrushed, counted = rows(page), total(page)
    box = page.locator(".timeline-chart").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.06, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=5)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"until="))
    since = re.search(r"since=([\d-]+)", page.url)
    until = re.search(r"until=([\d-]+)", page.url)
    assert since and until
    expect(page.locator("#view .total")).not_to_have_text(counted)
    page.wait_for_selector("table.events tbody tr")
    brushed = rows(page)
    assert brushed and set(brushed) < set(unbrushed)
    days = page.locator("table.events tbody td:first-child").all_inner_texts()
    assert all(since.group(1) <= day <= until.group(1) for day in days), days
    page.wait_for_selector(".timeline-chart .bucket")
    assert page.locator(".timeline-chart .bucket").count() > 1  # the whole timeline stays drawn


def test_choosing_a_place_on_the_map_filters_and_exports_follow(page: Page, desk: Stack) -> None:
    first_render(page, f"{desk.api}/")
    brussels = page.locator('.map-chart a.place[aria-label^="Brussels"]')
    brussels.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"place=Brussels"))
    page.wait_for_selector(".map-chart a.place.current")
    listed = requests.get(f"{desk.api}/events?place=Brussels", timeout=5).json()
    expect(page.locator("#view .total")).to_have_text(f"{listed['total']} events")
    assert sorted(rows(page)) == sorted(item["id"] for item in listed["items"])
    csv = page.locator(".exports a", has_text="CSV").get_attribute("href")
    assert csv == "/events/export?place=Brussels&format=csv"
    exported = requests.get(f"{desk.api}{csv}", timeout=5).text.splitlines()
    assert len(exported) == listed["total"] + 1 and all("Brussels" in line for line in exported[1:])


def test_the_timeline_brushes_from_the_keyboard_too(page: Page, desk: Stack) -> None:
    first_render(page, f"{desk.api}/")
    page.focus(".timeline-chart")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"until="))
    first = page.locator(".timeline-chart .bucket title").first.text_content() or ""
    assert f"since={first[:10]}" in page.url


def test_an_article_posted_from_the_form_ends_done(page: Page, desk: Stack, shoot: Shoot) -> None:
    page.goto(f"{desk.api}/#/articles")
    page.wait_for_selector("ul.articles li")
    page.fill("#post-text", POSTED_TEXT)
    page.fill("#post-title", "Estonia summons Russian envoy")
    page.fill("#post-url", "https://example.org/estonia-envoy")
    page.fill("#post-published", "2025-10-20")
    page.click("form.post-form button[type=submit]")
    page.wait_for_selector(".post-result .status[data-status=done]", timeout=120_000)
    listed = page.locator("ul.articles li", has_text="Estonia summons Russian envoy")
    listed.locator(".status[data-status=done]").wait_for()
    shoot(page, "desk-articles")
    listed.locator("a").click()
    page.wait_for_selector("mark.span.GPE")
    assert "Estonia" in page.locator("mark.span.GPE").first.inner_text()
    assert page.locator("dl.summary dt").first.inner_text() == "who"  # the analysis' summary
    shoot(page, "desk-article")


def test_api_problems_show_their_title_and_detail(page: Page, desk: Stack) -> None:
    for hash_path, api_path in [
        ("#/event/nope~1", "/events/nope~1"),
        ("#/events?since=2026-01-02&until=2026-01-01", "/events?since=2026-01-02&until=2026-01-01"),
    ]:
        expected = requests.get(f"{desk.api}{api_path}", timeout=5).json()
        page.goto(f"{desk.api}/{hash_path}")
        shown = page.locator(".problem").first
        shown.wait_for()
        assert expected["title"] in shown.inner_text()
        assert (expected.get("detail") or "") in shown.inner_text()


def test_a_filter_that_matches_nothing_says_so_in_every_panel(page: Page, desk: Stack) -> None:
    page.goto(f"{desk.api}/#/events?q=zeppelin")
    page.wait_for_selector("text=No events match this filter.")
    assert total(page) == "0 events"
    page.wait_for_selector(".actors-panel .empty")
    assert page.locator(".actors-panel").inner_text().endswith("None for this filter.")
    assert page.locator(".map-chart .place").count() == 0


def test_an_entity_page_shows_its_timeline_counterparts_and_articles(
    page: Page, desk: Stack, shoot: Shoot
) -> None:
    page.goto(f"{desk.api}/#/entity/org:nato")
    page.wait_for_selector(".timeline-chart")
    assert page.locator("h1").inner_text().startswith("NATO")
    assert page.locator("ol.top li").count() > 0
    assert page.locator("ul.articles li").count() == 3
    shoot(page, "desk-entity")


def test_keyboard_alone_reaches_an_event(page: Page, desk: Stack) -> None:
    first_render(page, f"{desk.api}/")
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('event-link')"):
            break
    else:
        pytest.fail("Tab never reached an event of the table")
    page.keyboard.press("Enter")
    page.wait_for_selector("mark.sentence")


def test_phone_width_fits_without_sideways_scrolling(
    phone: Page, desk: Stack, shoot: Shoot
) -> None:
    views = [
        ("desk-events", "/", "table.events tbody tr"),
        ("desk-evidence", "/#/events?actor=RUS&root=15", "table.events tbody tr"),
        ("desk-articles", "/#/articles", "ul.articles li"),
        ("desk-entity", "/#/entity/org:nato", ".timeline-chart"),
    ]
    for name, path, ready in views:
        phone.goto(f"{desk.api}{path}")
        phone.wait_for_selector(ready)
        if name == "desk-evidence":
            mig31 = phone.locator("table.events tbody tr", has_text="MiG-31")
            mig31.filter(has_text="violated").locator("a.event-link").click()
            phone.wait_for_selector("mark.sentence")
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} is {width} px wide"
        shoot(phone, name)


READ_KEY = "desk-test-key"


@pytest.fixture
def locked(
    redis_server: RedisServer, migrated_postgres: PostgresServer, tmp_path: Path
) -> Iterator[Stack]:
    """Ingest and an API that require a key to read too (no worker: nothing to analyse)."""
    env = {"API_KEYS": READ_KEY, "READ_API_REQUIRES_KEY": "true"}
    stack = Stack(redis_server.url, migrated_postgres.url, tmp_path, env=env, workers=0)
    stack.start()
    yield stack
    stack.stop()


def test_a_read_key_is_asked_for_kept_in_the_tab_and_sent(
    page: Page, traffic: Traffic, desk: Stack, locked: Stack
) -> None:
    page.goto(f"{locked.api}/")
    page.wait_for_selector(".key-form:not([hidden])")
    assert "Unauthorized" in page.locator(".problem").first.inner_text()
    page.fill("#api-key", READ_KEY)
    page.click(".key-form button[type=submit]")
    page.wait_for_selector("table.events tbody tr")
    assert page.evaluate("sessionStorage.getItem('newsflow.key')") == READ_KEY
    sent = [r for r in traffic.requests if "/events?" in r.url]
    assert sent[-1].headers["authorization"] == f"Bearer {READ_KEY}"


def test_the_evidence_lists_the_other_reports_of_the_same_happening(
    page: Page, desk: Stack, shoot: Shoot
) -> None:
    reports = json.loads((REPO_ROOT / "tests" / "data" / "mig31_reports.json").read_text())
    for report in reports:
        requests.post(f"{desk.ingest}/articles", json=report, timeout=10).raise_for_status()
    for report in reports:
        wait_done(f"{desk.api}/articles/{report['id']}")
    found = requests.get(
        f"{desk.api}/events?article={reports[0]['id']}&root=15", timeout=10
    ).json()["items"]
    violation = next(e for e in found if e["trigger"]["text"] == "violated")
    page.goto(f"{desk.api}/#/event/{violation['id']}")
    panel = page.locator(".stories")
    panel.wait_for(state="visible")
    assert "Other reports of this happening" in panel.inner_text()
    others = {report["id"] for report in reports[1:]}
    listed = panel.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert others <= {
        href.split("/event/")[1].split("~")[0] for href in listed if "/event/" in href
    }
    shoot(page, "desk-other-reports")
