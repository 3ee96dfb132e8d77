"""The extension in Debian's Chromium against the real service: what is collapsed, block by block.

Every test leaves a screenshot in tests/browser/artifacts/ (gitignored).
"""

from __future__ import annotations

import time

from .conftest import ARTIFACTS, free_port

ARTICLE_TEXT = ["#headline", "#byline", "#p1", "#p2", "#p3", "#p4", "#p5", "#p6"]
ARTICLE_APPEALS = {
    "donation": ["#donate-title", "#donate-text"],
    "paywall": ["#paywall-title", "#paywall-text"],
    "newsletter": ["#newsletter-title", "#newsletter-text"],
}


def tab_artifact(name):
    """Where a test keeps an extra screenshot (the fixture takes one of every page at the end)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def test_article_appeals_are_collapsed_and_the_article_is_not(tab, page_server):
    tab.open(page_server.url("article.html"))
    stats = tab.stats()
    assert stats["status"] == "ok", stats
    for category, selectors in ARTICLE_APPEALS.items():
        for sel in selectors:
            assert tab.collapsed(sel), f"{sel} ({category}) should be collapsed"
            value = tab.page.eval_on_selector(sel, "el => el.closest('[data-appeal-hidden]').getAttribute('data-appeal-hidden')")
            assert value == category, sel
    for sel in ARTICLE_TEXT:
        assert tab.shown(sel), f"article text {sel} must stay visible"
        assert tab.page.get_attribute(sel, "data-appeal-hidden") is None
    # one placeholder per run, in the flow of the page, saying what it hides
    labels = tab.page.eval_on_selector_all(
        "[data-appeal-placeholder]", "els => els.map(e => e.shadowRoot.querySelector('.label').textContent)")
    assert any(label.startswith("Donation appeal hidden") for label in labels), labels
    assert any(label.startswith("Paywall hidden") for label in labels), labels
    assert any(label.startswith("Newsletter sign-up hidden") for label in labels), labels
    # the badge counts the hidden blocks
    tab_id = tab.ext.tab_id(tab.page.url)
    assert int(tab.ext.badge(tab_id)) == stats["hidden"] >= 6
    assert tab.real_errors() == []


def test_site_navigation_is_not_collapsed(tab, page_server):
    # Short link texts at the top of a page once looked like appeal buttons to the model.
    tab.open(page_server.url("article.html"))
    for sel in [".logo", ".main-nav li:nth-child(1)", ".main-nav li:nth-child(2)"]:
        assert tab.shown(sel), sel


def test_show_expands_in_place_and_hide_collapses_again(tab, page_server):
    tab.open(page_server.url("article.html"))
    placeholder = tab.placeholder("#donate-text")
    show = placeholder.get_by_role("button", name="Show")
    show.click()
    assert tab.page.eval_on_selector("#donate-text", "el => el.checkVisibility()")
    assert tab.page.get_attribute("#donate-box", "data-appeal-revealed") == "donation"
    assert tab.page.get_attribute("#donate-box", "data-appeal-hidden") is None
    tab.page.screenshot(path=str(tab_artifact("show_expanded.png")), full_page=True)
    placeholder.get_by_role("button", name="Hide").click()
    assert tab.collapsed("#donate-text")
    assert tab.page.get_attribute("#donate-box", "data-appeal-hidden") == "donation"
    # the other runs did not move
    assert tab.collapsed("#paywall-text")
    for sel in ARTICLE_TEXT:
        assert tab.shown(sel)


def test_late_appeal_is_collapsed_within_half_a_second(tab, page_server):
    tab.open(page_server.url("late.html"))
    assert tab.page.query_selector("#late-appeal") is None, "the page injects its appeal 1.5 s after load"
    # note, in the page, when the injected appeal is first marked collapsed
    tab.page.evaluate("""() => new MutationObserver((records, obs) => {
        for (const r of records) if (r.target.closest && r.target.closest('#late-appeal') && r.target.hasAttribute('data-appeal-hidden')) {
          document.documentElement.dataset.collapsedAt = String(performance.now()); obs.disconnect(); return; }
      }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['data-appeal-hidden']})""")
    tab.page.wait_for_selector("html[data-collapsed-at]", state="attached", timeout=5000)
    injected = float(tab.page.get_attribute("html", "data-injected-at"))
    collapsed = float(tab.page.get_attribute("html", "data-collapsed-at"))
    assert collapsed - injected < 500, f"collapsed {collapsed - injected:.0f} ms after the page injected it"
    assert tab.collapsed("#late-text")
    for sel in ["#headline", "#p1", "#p2", "#p3", "#p4"]:
        assert tab.shown(sel)
    # no loop: nothing more happens once the page is quiet
    passes = tab.stats()["pass"]
    time.sleep(0.6)
    assert tab.stats()["pass"] == passes
    assert tab.real_errors() == []


def test_three_thousand_blocks(tab, page_server):
    tab.open(page_server.url("big.html"), timeout=60000)
    stats = tab.stats()
    assert stats["status"] == "ok" and stats["blocks"] >= 3000, stats
    for sel in ["#big-donate-text", "#big-newsletter-text", "#big-paywall-text"]:
        assert tab.collapsed(sel), sel
    wrongly = tab.page.evaluate(
        "() => [...document.querySelectorAll('[id^=\"p-\"], [id^=\"li-\"]')].filter(el => el.closest('[data-appeal-hidden]')).map(el => el.id)")
    total = tab.page.evaluate("() => document.querySelectorAll('[id^=\"p-\"], [id^=\"li-\"]').length")
    assert total > 2800
    assert wrongly == [], f"{len(wrongly)} article blocks collapsed, e.g. {wrongly[:5]}"
    # the work was cut into slices that leave the page responsive
    assert stats["slice"] < 50, stats


def test_service_down_leaves_the_page_untouched(tab, page_server):
    tab.ext.set_settings({"serviceUrl": f"http://127.0.0.1:{free_port()}"})  # nothing listens there
    tab.open(page_server.url("article.html"))
    assert tab.stats()["status"] == "down"
    assert tab.page.query_selector_all("[data-appeal-hidden], [data-appeal-placeholder]") == []
    for sel in ARTICLE_TEXT + [s for group in ARTICLE_APPEALS.values() for s in group]:
        assert tab.shown(sel), sel
    assert tab.ext.badge(tab.ext.tab_id(tab.page.url)) == "!"
    assert tab.real_errors() == []
    # the popup says how to start the service
    tab_id = tab.ext.tab_id(tab.page.url)
    popup = tab.ext.ctx.new_page()
    try:
        popup.goto(f"{tab.ext.origin}/popup/popup.html?tab={tab_id}")
        popup.wait_for_selector("body[data-ready]", state="attached")
        assert popup.is_visible("#service")
        assert "detector serve" in popup.inner_text("#service-command")
        popup.screenshot(path=str(tab_artifact("popup_service_down.png")))
    finally:
        popup.close()


def test_popup_lists_reasons_reveals_and_switches_the_site_off(tab, page_server):
    tab.open(page_server.url("article.html"))
    tab_id = tab.ext.tab_id(tab.page.url)
    popup = tab.ext.ctx.new_page()
    try:
        popup.set_viewport_size({"width": 380, "height": 700})
        popup.goto(f"{tab.ext.origin}/popup/popup.html?tab={tab_id}")
        popup.wait_for_selector("body[data-ready]", state="attached")
        categories = popup.eval_on_selector_all("#counts li", "els => els.map(e => e.dataset.category)")
        assert {"donation", "paywall", "newsletter"} <= set(categories)
        run_items = popup.locator("#runs > li")
        assert run_items.count() >= 3
        assert "hidden because:" in popup.inner_text("#runs")
        popup.screenshot(path=str(tab_artifact("popup.png")))
        # reveal the donation appeal from the popup
        donation = popup.locator('#runs > li[data-category="donation"]').first
        assert "hidden because:" in donation.inner_text()
        donation.get_by_role("button", name="Show").click()
        tab.page.wait_for_function("() => document.getElementById('donate-text').checkVisibility()")
        # switch the site off: the page goes back to what it was
        before = tab.stats()["pass"]
        popup.uncheck("#site-enabled")
        tab.wait_pass(before)
        assert tab.page.query_selector_all("[data-appeal-hidden], [data-appeal-revealed], [data-appeal-placeholder]") == []
        assert tab.stats()["status"] == "off"
        assert tab.ext.storage()["settings"]["disabledSites"] == ["127.0.0.1"]
        tab.page.reload()
        tab.page.wait_for_selector('html[data-appeal-detector="ready"]', state="attached")
        assert tab.stats()["status"] == "off"
        assert tab.page.query_selector_all("[data-appeal-hidden]") == []
        # and on again
        popup.reload()
        popup.wait_for_selector("body[data-ready]", state="attached")
        before = tab.stats()["pass"]
        popup.check("#site-enabled")
        tab.wait_pass(before)
        assert tab.collapsed("#donate-text") and tab.collapsed("#paywall-text")
    finally:
        popup.close()


def test_corrections_take_effect_at_once_and_stick(tab, page_server, detector_service):
    # its own host (localhost): corrections are per site and must not leak into the other tests
    url = page_server.url("corrections.html", host="localhost")
    tab.open(url)
    assert tab.collapsed("#cpaywall-text"), "the model should catch this paywall"
    for sel in ["#c1", "#c2", "#c3", "#c4"]:
        assert tab.shown(sel)
    # "Not an appeal" on the placeholder
    tab.placeholder("#cpaywall-text").get_by_role("button", name="Not an appeal").click()
    assert tab.shown("#cpaywall-text")
    assert tab.page.query_selector_all("[data-appeal-placeholder]") == []
    # "Hide blocks like this" on a paragraph: the right click, then the message the menu item sends
    tab.page.click("#c3", button="right")
    tab_id = tab.ext.tab_id(tab.page.url)
    reply = tab.ext.send_to_tab(tab_id, {"type": "hide-like-this", "category": "donation"})
    assert reply["status"] == "ok", reply
    assert tab.collapsed("#c3")
    assert tab.page.eval_on_selector("#c3", "el => el.getAttribute('data-appeal-hidden')") == "donation"
    for sel in ["#c1", "#c2", "#c4", "#cpaywall-text"]:
        assert tab.shown(sel)
    # both went to the service: after a reload it answers with the user's labels
    tab.open(url)
    assert tab.shown("#cpaywall-text")
    assert tab.collapsed("#c3")
    found = [b for b in detector_service.post("/v1/classify", {"url": url, "blocks": [
        {"id": "a", "text": tab.page.inner_text("#c3")}, {"id": "b", "text": tab.page.inner_text("#cpaywall-text")}]}).json()["blocks"]]
    assert [(b["hide"], b["source"]) for b in found] == [(True, "feedback"), (False, "feedback")]


def test_pairs_by_itself_and_again_after_a_wrong_token(tab, page_server, detector_service):
    tab.ext.run("async () => { await chrome.storage.local.remove('pairing'); }")
    tab.open(page_server.url("article.html"))
    assert tab.stats()["status"] == "ok"
    assert tab.ext.storage()["pairing"]["token"] == detector_service.token
    tab.ext.run("async () => { const {pairing} = await chrome.storage.local.get('pairing');"
                " await chrome.storage.local.set({pairing: {...pairing, token: 'stale'}}); }")
    tab.open(page_server.url("article.html"))
    assert tab.stats()["status"] == "ok"
    assert tab.ext.storage()["pairing"]["token"] == detector_service.token


def test_options_page_saves_settings_and_tests_the_connection(tab, detector_service):
    page = tab.page
    page.goto(f"{tab.ext.origin}/options/options.html")
    page.wait_for_selector("body[data-ready]", state="attached")
    assert page.input_value("#service-url") == detector_service.base
    page.click("#test")
    page.wait_for_selector("#test-status[data-state]", state="attached")
    assert page.get_attribute("#test-status", "data-state") == "ok"
    page.uncheck('#categories input[name="newsletter"]')
    page.fill("#sites", "example.com\nwww.news.example")
    page.click("#save")
    page.wait_for_function("() => document.getElementById('save-status').textContent.length > 0")
    settings = tab.ext.storage()["settings"]
    assert settings["categories"]["newsletter"] is False
    assert settings["disabledSites"] == ["example.com", "news.example"]
    page.fill("#service-url", "http://example.com:8765")
    page.click("#save")
    page.wait_for_function("() => document.getElementById('save-status').textContent.includes('this machine')")
    assert tab.ext.storage()["settings"]["serviceUrl"] == detector_service.base


def test_disabled_category_is_left_visible(tab, page_server, detector_service):
    tab.ext.set_settings({"serviceUrl": detector_service.base, "categories": {"newsletter": False}})
    tab.open(page_server.url("article.html"))
    assert tab.shown("#newsletter-text")
    assert tab.collapsed("#paywall-text") and tab.collapsed("#donate-text")


def test_strict_content_security_policy_does_not_stop_collapsing(tab, page_server):
    # style-src 'self' forbids inline <style>: the extension's stylesheet must still apply
    tab.open(page_server.url("csp/article.html"))
    assert tab.stats()["status"] == "ok"
    for sel in ["#donate-text", "#paywall-text", "#newsletter-text"]:
        assert tab.collapsed(sel), sel
    for sel in ARTICLE_TEXT:
        assert tab.shown(sel), sel
    # the placeholder's own look (in its shadow root) is applied too
    border = tab.page.eval_on_selector(
        "[data-appeal-placeholder]", "el => getComputedStyle(el.shadowRoot.querySelector('.bar')).borderTopStyle")
    assert border == "dashed"


def test_hidden_appeal_shown_by_a_class_on_body_is_collapsed(tab, page_server):
    tab.open(page_server.url("modal.html"))
    assert tab.page.get_attribute("html", "data-shown-at") is None
    tab.page.wait_for_selector("html[data-shown-at]", state="attached", timeout=5000)
    tab.page.wait_for_function(
        "() => !!document.getElementById('regwall-text').closest('[data-appeal-hidden]')", timeout=1000)
    assert tab.collapsed("#regwall-text")
    for sel in ["#headline", "#p1", "#p2", "#p3"]:
        assert tab.shown(sel), sel
