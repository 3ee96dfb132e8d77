"""A long news page of about 3,000 blocks with three appeals in it (browser tests, bench)."""

from __future__ import annotations

import html

PLACES = ["the harbour", "the old town", "the north district", "the river valley", "the airport",
          "the university quarter", "the market square", "the industrial park", "the coast road"]
PEOPLE = ["the mayor", "a council spokesman", "the transport director", "local residents",
          "the fire chief", "a school principal", "the health board", "shop owners", "engineers"]
EVENTS = ["a new bus route", "the repair of the main bridge", "a rise in rents", "the autumn festival",
          "a plan for cycle lanes", "the closure of a clinic", "a water main break", "the budget vote"]
DETAILS = ["Work is expected to take several months.", "The figures were published on Thursday.",
           "Officials said more details would follow next week.", "The decision can still be appealed.",
           "Similar projects in other cities took twice as long.", "No injuries were reported.",
           "The proposal will be discussed again in June.", "Critics called the timetable unrealistic."]

APPEALS = {
    10: ('<aside class="donate-inline" id="big-donate"><h3>Support independent local journalism</h3>'
         '<p id="big-donate-text">Our reporting is free for everyone because readers like you chip in. '
         'Please make a donation today: even $5 a month keeps our reporters on the street.</p>'
         '<a class="button" href="/donate">Donate now</a></aside>'),
    60: ('<div class="newsletter-signup" id="big-newsletter"><h4>Get the Morning Brief</h4>'
         '<p id="big-newsletter-text">Sign up for our free newsletter and get the day\'s top stories '
         'delivered to your inbox every morning.</p></div>'),
    100: ('<div class="paywall-prompt" id="big-paywall"><h3>You\'ve reached your free article limit</h3>'
          '<p id="big-paywall-text">Subscribe to keep reading. Get unlimited digital access for just $1 a '
          'week for your first year. Cancel anytime.</p></div>'),
}


def _paragraph(n: int) -> str:
    place = PLACES[n % len(PLACES)]
    who = PEOPLE[(n // 3) % len(PEOPLE)]
    what = EVENTS[(n // 7) % len(EVENTS)]
    detail = DETAILS[(n // 2) % len(DETAILS)]
    return (f"Item {n}: {who.capitalize()} spoke about {what} in {place} on day {n % 28 + 1}, "
            f"saying the matter had been discussed for {n % 9 + 2} weeks. {detail}")


def make_big_page(blocks: int = 3000) -> str:
    """About `blocks` blocks: sections of a heading, 20 paragraphs and a list of 4 items."""
    parts = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
             "<title>City news archive: every item of the year | The Harbor Gazette</title>",
             '<link rel="stylesheet" href="site.css"></head><body>',
             '<header class="site-header"><a class="logo" href="/">The Harbor Gazette</a></header>',
             '<main><article class="story"><h1 id="headline">City news archive</h1>']
    n = 0
    section = 0
    while n < blocks - 20:
        section += 1
        parts.append(f'<section class="archive-day" id="s-{section}"><h2>Day {section}</h2>')
        n += 1
        for _ in range(20):
            n += 1
            parts.append(f'<p id="p-{n}">{html.escape(_paragraph(n))}</p>')
        parts.append("<ul>")
        for k in range(4):
            n += 1
            parts.append(f'<li id="li-{n}">Also on day {section}: note {k + 1} about {EVENTS[(n + k) % len(EVENTS)]}.</li>')
        parts.append("</ul></section>")
        if section in APPEALS:
            parts.append(APPEALS[section])
    parts.append("</article></main></body></html>")
    return "\n".join(parts)


if __name__ == "__main__":  # python tests/browser/bigpage.py > big.html
    print(make_big_page())
