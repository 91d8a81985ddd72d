"""The chat page in a real headless chromium, against the real stack (actions, Rasa, web server)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import pytest

from records import feedback
from stack.processes import Stack
from tests.e2e.browser import ARGS, ensure_chromium
from tests.e2e.conftest import database_of
from web.app import SOCKETIO_JS

playwright_api = pytest.importorskip("playwright.sync_api")
QUESTION = "Hvordan håndterer andre ledere krydspres?"


@pytest.fixture(scope="module")
def browser(stack: Stack) -> Iterator[object]:
    assert SOCKETIO_JS.exists(), f"{SOCKETIO_JS} is missing: run `make web-assets` (make test does)"
    executable = ensure_chromium()
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(executable), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, stack: Stack, tmp_path_factory: pytest.TempPathFactory):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.shots = tmp_path_factory.mktemp("screenshots")
    page.goto(stack.config.web_url + "/")
    playwright_api.expect(page.locator("#status")).to_contain_text("Klar", timeout=30_000)
    yield page
    context.close()


def ask(page, text: str) -> None:
    page.get_by_label("Dit spørgsmål").fill(text)
    page.keyboard.press("Enter")


def test_a_question_gets_quote_cards_with_sources_and_feedback_is_stored(page, stack: Stack):
    expect = playwright_api.expect
    ask(page, "Hvad handler ledelse på tværs om?")  # warm: the first turn loads what Rasa loads lazily
    expect(page.locator(".card").first).to_be_visible(timeout=60_000)

    shown = page.locator(".answer").count()
    began = time.monotonic()
    ask(page, QUESTION)
    answer = page.locator(".answer").nth(shown)  # the new answer, not the warm-up's
    cards = answer.locator(".card")
    expect(cards.first).to_be_visible(timeout=5_000)
    assert time.monotonic() - began < 5
    page.screenshot(path=str(page.shots / "answer.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on a phone

    first = cards.first
    quote = first.locator("blockquote").inner_text()
    assert "«" in quote and "**" not in quote and first.locator(".where").inner_text()
    # the text bubbles that repeat the quotes are hidden; the lead-in stays
    assert page.locator(".msg.bot:visible", has_text=quote.split("«", 1)[1][:40]).count() == 0
    assert page.get_by_role("button", name="Andre perspektiver").last.is_visible()

    # feedback with the passage ids of the last answer
    hrefs = cards.locator("a.source-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert page.locator(".feedback").count() == 1  # only the last answer asks for feedback
    answer.get_by_label("Fortæl gerne hvorfor (valgfrit)").fill("Præcist og brugbart")
    answer.get_by_role("button", name="Ja, det hjalp").click()
    expect(answer.locator(".thanks")).to_be_visible()
    stored = [f for f in feedback.read_all(database_of(stack)) if f.comment == "Præcist og brugbart"]
    assert len(stored) == 1 and stored[0].helpful is True and stored[0].query == QUESTION
    from urllib.parse import unquote

    assert list(stored[0].passage_ids) == [unquote(h.removeprefix("/sources/")) for h in hrefs]

    # the source view: the passage in its document, highlighted and focused
    first.locator("a.source-link").click()
    mark = page.locator("mark#cited")
    expect(mark).to_be_visible()
    expect(mark).to_be_focused()
    assert mark.inner_text().strip()[:30] in page.locator("main").inner_text()
    page.screenshot(path=str(page.shots / "source.png"))  # the viewport: the marked passage, scrolled to

    # back, and after a reload the conversation is still there and continues
    page.go_back()
    expect(page.locator(".card").first).to_be_visible()
    page.reload()
    expect(page.locator("#status")).to_contain_text("Klar", timeout=30_000)
    expect(page.locator(".msg.user", has_text=QUESTION)).to_be_visible()
    page.get_by_role("button", name="Mere om nummer 1").last.click()
    expect(page.locator(".msg.bot", has_text="Her er nummer 1")).to_be_visible(timeout=15_000)


def test_markup_in_a_message_is_shown_as_text(page):
    attack = "<script>window.hacked = 1</script><img src=x onerror=\"window.hacked = 2\"> [1] ledelse"
    ask(page, attack)
    bubble = page.locator(".msg.user").last
    playwright_api.expect(bubble).to_contain_text("<script>window.hacked = 1</script>")
    playwright_api.expect(page.locator(".msg.bot").last).to_be_visible(timeout=30_000)
    assert page.evaluate("window.hacked === undefined")
    assert page.locator(".log script, .log img").count() == 0
    page.screenshot(path=str(page.shots / "markup.png"), full_page=True)


def test_the_page_works_with_the_keyboard(page):
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "message"  # the question field is the first stop
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    assert page.locator("#log").get_attribute("aria-live") == "polite"
