"""The tipster dialogue in a real browser (headless Debian chromium via Playwright).

Skipped when /usr/bin/chromium is missing. A browser sends an Origin header on every POST
(the Django test client does not); under a `no-referrer` policy it is "null" and the
CSRF-protected follow-up views refused it. This walks the whole dialogue: submit a tip
with a file, the police ask a question, the tipster reads it, answers and adds a file.
"""

from __future__ import annotations

import pytest

from fahndung.tips import services
from fahndung.tips.models import Tip
from tests.plugins.browser import CHROMIUM_MARKS, browser_login
from tests.tips.conftest import image_bytes

pytestmark = CHROMIUM_MARKS


def _file(name: str, color: str) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": image_bytes("PNG", color=color)}


@pytest.mark.django_db(transaction=True)
def test_tipster_reads_question_answers_and_adds_file(browser, live_server, published, investigator):
    base = live_server.url
    page = browser.new_page()
    page.set_default_timeout(10_000)
    posts: list[dict] = []
    page.on("request", lambda r: posts.append({"url": r.url, "origin": r.headers.get("origin")})
            if r.method == "POST" else None)

    page.goto(f"{base}/hinweise/{published.slug}/")
    page.fill("#tip-content", "Ich habe den Mann gestern am Bahnhof gesehen.")
    page.set_input_files("#tip-files", [_file("sichtung.png", "blue")])
    page.click("form button[type=submit]")
    page.wait_for_selector("text=Vielen Dank für Ihren Hinweis")
    reference, secret = page.locator(".tip-secret").all_inner_texts()
    tip = Tip.objects.get(reference=reference)
    assert tip.attachments.count() == 1

    services.tip_reply(actor=investigator, tip_id=tip.pk, body="Welche Jacke trug der Mann?")

    page.click("text=Antworten lesen und ergänzen")
    page.fill("#fu-ref", reference)
    page.fill("#fu-secret", secret)
    page.click("form button[type=submit]")
    page.wait_for_selector("text=Welche Jacke trug der Mann?")
    assert page.title().startswith("Ihr Hinweis")

    page.fill("#add-body", "Eine rote Regenjacke mit Kapuze.")
    page.set_input_files("#add-files", [_file("jacke.png", "red")])
    page.click("form[action$='ergaenzen/'] button[type=submit]")
    page.wait_for_selector("text=Ihre Ergänzung ist eingegangen")

    answer = tip.messages.get(direction="in")
    assert answer.body == "Eine rote Regenjacke mit Kapuze."
    assert answer.attachments.count() == 1
    # The browser did send an Origin (the real-world condition), and it was our own one.
    followups = [p for p in posts if "/nachfrage/" in p["url"]]
    assert len(followups) == 2 and all(p["origin"] == base for p in followups), posts
    # Privacy intent kept: no referrer leaves the site.
    policy = page.eval_on_selector("meta[name=referrer]", "m => m.content")
    assert policy in {"same-origin", "strict-origin", "strict-origin-when-cross-origin"}
    assert browser.js_errors == []


@pytest.mark.django_db(transaction=True)
def test_staff_logs_phone_tip_with_file(browser, live_server, published, investigator):
    base = live_server.url
    page = browser.new_page()
    page.set_default_timeout(10_000)
    browser_login(page, base, investigator)
    page.goto(f"{base}/staff/tips/appeal/{published.pk}/new/")
    page.select_option("#id_channel", "phone")
    page.fill("#id_content", "Anruferin: Mann mit roter Jacke an der Haltestelle.")
    page.set_input_files("#attachments", [_file("anruf.png", "green")])
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("form[enctype] button[type=submit]")
    assert posted.value.status == 302
    page.wait_for_url(f"{base}/staff/tips/appeal/{published.pk}/")
    tip = Tip.objects.get(channel="phone")
    assert tip.logged_by == investigator and tip.attachments.count() == 1
    assert tip.reference in page.content()
    assert browser.js_errors == []
