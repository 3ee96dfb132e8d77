// Choosing what to collapse, merging adjacent blocks, and the reversible placeholder.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Collapse as C, Segment as S, makeDom, EXT } from "./helpers.mjs";

const APPEAL = /donate|subscribe|newsletter|sign up|member/i;

/** Segment a page and flag blocks by a rule, as the service would. */
function classify(doc, rule = (b) => (APPEAL.test(b.text) ? "donation" : null)) {
  const blocks = S.segmentDocument(doc);
  const decisions = blocks.map((b) => {
    const category = rule(b);
    return { hide: !!category, category, why: category ? [{ cue: `word in "${b.text.slice(0, 10)}"`, weight: 1 }] : [] };
  });
  return { blocks, decisions };
}

function planPage(html, rule) {
  const dom = makeDom(html);
  const doc = dom.window.document;
  const { blocks, decisions } = classify(doc, rule);
  const runs = C.plan(blocks, decisions, { content: new C.ContentIndex(), kept: new WeakSet() });
  return { dom, doc, blocks, decisions, runs, ids: runs.map((r) => r.elements.map((e) => e.id || e.localName)) };
}

test("an appeal box inside an article is collapsed as a whole, the paragraphs are not", () => {
  const { runs, ids } = planPage(
    '<article id="a"><p id="p1">The council met on Tuesday.</p>' +
    '<aside id="box"><h3>Support us</h3><p>Please donate today.</p><a href="/d">Donate now</a></aside>' +
    '<p id="p2">The vote was close.</p></article>',
    (b) => (/support us|donate/i.test(b.text) ? "donation" : null)
  );
  assert.deepEqual(ids, [["box"]]);
  assert.equal(runs[0].category, "donation");
  assert.equal(runs[0].blocks.length, 3); // the aside's own "Donate now", the h3, the p
});

test("an element that holds an unflagged block is never collapsed: its flagged children are", () => {
  const { ids } = planPage(
    '<div id="wrap">Donate now <a href="/d">here</a>' +
    '<p id="story">The council met on Tuesday and voted.</p>' +
    '<p id="ask">Please donate to keep us going.</p></div>'
  );
  assert.deepEqual(ids, [["ask"]]);
});

test("the unit climbs to an ancestor holding nothing else, but not past content, body or big media", () => {
  const { ids } = planPage(
    '<div id="outer"><div id="mid"><div id="inner"><p>Subscribe to our newsletter</p></div></div>' +
    '<p>Real story text.</p></div>' +
    '<div id="media"><img width="640" height="360" src="x.jpg"><div id="cap"><p>Become a member</p></div></div>' +
    '<div id="logo-box"><img width="32" height="32" src="logo.png"><p>Donate</p></div>'
  );
  assert.deepEqual(ids, [["mid"], ["cap", "logo-box"]]);
  const top = planPage('<p>Subscribe now</p>');
  assert.deepEqual(top.ids, [[ "p" ]], "a block directly in body is a unit, body never is");
});

test("adjacent units of one category merge into one run; content or another category splits runs", () => {
  const rule = (b) => (b.text.startsWith("D") ? "donation" : b.text.startsWith("N") ? "newsletter" : null);
  const { runs, ids } = planPage(
    '<div id="c1"><p id="d1">D one</p></div><p id="d2">D two</p><p id="n1">N one</p>' +
    '<p id="x">story</p><p id="d3">D three</p><ul id="l"><li id="d4">D four</li></ul>',
    rule
  );
  assert.deepEqual(ids, [["c1", "d2"], ["n1"], ["d3", "l"]]);
  assert.deepEqual(runs.map((r) => r.category), ["donation", "newsletter", "donation"]);
  assert.deepEqual(runs.map((r) => r.blocks.length), [2, 1, 2]);
});

test("table cells are collapsed through their row, and only when the whole row is flagged", () => {
  const { ids } = planPage(
    '<table><tr id="r1"><td>Donate today</td><td>Become a member</td></tr>' +
    '<tr id="r2"><td>Donate</td><td>Scores of the match</td></tr></table>'
  );
  assert.deepEqual(ids, [["r1"]]);
});

test("content found later keeps its ancestors from being collapsed; a block turning into an appeal is freed", () => {
  const content = new C.ContentIndex();
  const doc = makeDom('<div id="box"><p id="a">Story</p><p id="b">Donate</p></div>').window.document;
  const a = doc.getElementById("a");
  const b = doc.getElementById("b");
  content.add(a);
  assert.ok(content.has(doc.getElementById("box")) && content.has(doc.body));
  const runs = C.plan([{ el: b }], [{ hide: true, category: "donation" }], { content });
  assert.deepEqual(runs.map((r) => r.elements.map((e) => e.id)), [["b"]]);
  content.remove(a);
  assert.ok(!content.has(doc.getElementById("box")));
  const again = C.plan([{ el: a }, { el: b }], [{ hide: true, category: "donation" }, { hide: true, category: "donation" }], { content });
  assert.deepEqual(again.map((r) => r.elements.map((e) => e.id)), [["box"]]);
});

test("elements the user kept are not climbed into", () => {
  const doc = makeDom('<div id="box"><p id="b">Donate</p></div>').window.document;
  const kept = new WeakSet([doc.getElementById("box")]);
  const { blocks, decisions } = classify(doc);
  const runs = C.plan(blocks, decisions, { content: new C.ContentIndex(), kept });
  assert.deepEqual(runs.map((r) => r.elements.map((e) => e.id)), [["b"]]);
});

function collapsePage(html, rule) {
  const p = planPage(html, rule);
  const collapser = new C.Collapser(p.doc, {});
  const records = p.runs.map((r) =>
    collapser.apply(r, r.blocks.map((i) => ({ el: p.blocks[i].el, text: p.blocks[i].text, attrs: p.blocks[i].attrs, category: p.decisions[i].category, why: p.decisions[i].why })))
  );
  return { ...p, collapser, records };
}

const PAGE =
  '<article><p id="p1">The council met.</p>' +
  '<div id="box" class="promo"><h3>Support us</h3><p>Please donate today.</p></div>' +
  '<p id="p2">The vote was close.</p><p id="n1">Sign up for our newsletter</p></article>';
const RULE = (b) => (/support|donate/i.test(b.text) ? "donation" : /newsletter/i.test(b.text) ? "newsletter" : null);

test("a placeholder goes before each run; each collapsed element carries data-appeal-hidden", () => {
  const { doc, collapser, records } = collapsePage(PAGE, RULE);
  const box = doc.getElementById("box");
  assert.equal(box.getAttribute("data-appeal-hidden"), "donation");
  assert.equal(doc.getElementById("n1").getAttribute("data-appeal-hidden"), "newsletter");
  for (const id of ["p1", "p2"]) assert.equal(doc.getElementById(id).closest("[data-appeal-hidden]"), null);
  const ph = box.previousElementSibling;
  assert.equal(ph.getAttribute("data-appeal-placeholder"), records[0].id);
  const bar = ph.shadowRoot.querySelector(".bar");
  assert.equal(bar.querySelector(".label").textContent, "Donation appeal hidden · blocks: 2");
  assert.deepEqual([...bar.querySelectorAll("button")].map((b) => b.textContent), ["Show", "Not an appeal"]);
  assert.equal(doc.querySelectorAll("[data-appeal-placeholder]").length, 2);
  assert.equal(collapser.marked.size, 2);
  assert.deepEqual(collapser.counts(), { total: 3, byCategory: { donation: 2, newsletter: 1 } });
  // one stylesheet for the page, which hides exactly the marked elements
  const styles = doc.querySelectorAll("style#" + C.STYLE_ID);
  assert.equal(styles.length, 1);
  assert.match(styles[0].textContent, /\[data-appeal-hidden\]\{display:none!important\}/);
  assert.equal(doc.defaultView.getComputedStyle(box).display, "none");
});

test("Show expands in place, Hide collapses again", () => {
  const { doc, collapser, records } = collapsePage(PAGE, RULE);
  const box = doc.getElementById("box");
  const toggle = box.previousElementSibling.shadowRoot.querySelector("button.toggle");
  toggle.click();
  assert.equal(box.hasAttribute("data-appeal-hidden"), false);
  assert.equal(box.getAttribute("data-appeal-revealed"), "donation");
  assert.equal(toggle.textContent, "Hide");
  assert.equal(toggle.getAttribute("aria-expanded"), "true");
  assert.notEqual(doc.defaultView.getComputedStyle(box).display, "none");
  assert.deepEqual(collapser.counts(), { total: 1, byCategory: { newsletter: 1 } });
  toggle.click();
  assert.equal(box.getAttribute("data-appeal-hidden"), "donation");
  assert.equal(box.hasAttribute("data-appeal-revealed"), false);
  assert.equal(toggle.textContent, "Show");
  assert.equal(collapser.show("nope"), false);
  assert.equal(collapser.hide(records[0].id), false, "already hidden");
});

test("clicks on the placeholder do not reach the page (it may sit inside a link)", () => {
  const { doc } = collapsePage('<a id="link" href="/story"><div id="box"><p>Donate now</p></div></a>', () => "donation");
  let pageSaw = 0;
  doc.getElementById("link").addEventListener("click", () => pageSaw++);
  const ph = doc.querySelector("[data-appeal-placeholder]");
  const click = new doc.defaultView.MouseEvent("click", { bubbles: true, composed: true, cancelable: true });
  ph.shadowRoot.querySelector("button.toggle").dispatchEvent(click);
  assert.equal(pageSaw, 0);
  assert.equal(click.defaultPrevented, true);
});

test("Not an appeal releases the run for good and reports the blocks", () => {
  const dom = makeDom(PAGE);
  const doc = dom.window.document;
  const { blocks, decisions } = classify(doc, RULE);
  const reported = [];
  const collapser = new C.Collapser(doc, { onNotAppeal: (run) => reported.push(run) });
  const runs = C.plan(blocks, decisions, { content: new C.ContentIndex() });
  const rec = collapser.apply(runs[0], runs[0].blocks.map((i) => ({ text: blocks[i].text, attrs: blocks[i].attrs, why: [] })));
  doc.getElementById("box").previousElementSibling.shadowRoot.querySelector("button.not").click();
  assert.equal(reported.length, 1);
  assert.equal(reported[0].id, rec.id);
  assert.deepEqual(reported[0].blocks.map((b) => b.text), ["Support us", "Please donate today."]);
  assert.equal(doc.querySelector("[data-appeal-placeholder]"), null);
  assert.equal(doc.getElementById("box").hasAttribute("data-appeal-hidden"), false);
  assert.equal(collapser.marked.size, 0);
});

test("reset() undoes everything: the page is exactly as before", () => {
  const dom = makeDom(PAGE);
  const doc = dom.window.document;
  const before = doc.documentElement.outerHTML;
  const { blocks, decisions } = classify(doc, RULE);
  const collapser = new C.Collapser(doc, {});
  for (const r of C.plan(blocks, decisions, { content: new C.ContentIndex() })) collapser.apply(r, []);
  collapser.show([...collapser.runs.keys()][0]);
  assert.notEqual(doc.documentElement.outerHTML, before);
  collapser.reset();
  assert.equal(doc.documentElement.outerHTML, before);
  assert.equal(collapser.marked.size, 0);
  assert.equal(collapser.runs.size, 0);
});

test("placeholders fit lists and tables", () => {
  const { doc } = collapsePage(
    '<ul id="l"><li id="a">Donate</li><li>Story</li></ul><table><tbody><tr id="r"><td>Donate</td></tr><tr><td>x</td></tr></tbody></table>',
    (b) => (b.text === "Donate" ? "donation" : null)
  );
  const li = doc.getElementById("a").previousElementSibling;
  assert.equal(li.localName, "li");
  assert.ok(li.hasAttribute("data-appeal-placeholder"));
  assert.ok(li.firstElementChild.shadowRoot);
  const tr = doc.getElementById("r").previousElementSibling;
  assert.equal(tr.localName, "tr");
  assert.equal(tr.firstElementChild.colSpan, 1000);
});

test("already collapsed elements are not collapsed twice; prune drops runs the page removed", () => {
  const { doc, collapser, runs } = collapsePage(PAGE, RULE);
  assert.equal(collapser.apply(runs[0], []), null);
  doc.getElementById("box").remove();
  assert.equal(collapser.prune(), 1);
  assert.equal(collapser.runs.size, 1);
  assert.equal(doc.querySelectorAll("[data-appeal-placeholder]").length, 1);
});

test("the popup's list: reasons merged per run, strongest first", () => {
  assert.deepEqual(
    C.reasonsOf([{ why: [{ cue: "a", weight: 0.2 }, { cue: "b", weight: 0.9 }] }, { why: [{ cue: "a", weight: 0.95 }] }]),
    ["a", "b"]
  );
  const { collapser } = collapsePage(PAGE, RULE);
  const [first] = collapser.summary();
  assert.equal(first.category, "donation");
  assert.equal(first.count, 2);
  assert.equal(first.text, "Support us");
  assert.equal(first.shown, false);
  assert.ok(first.why.length >= 1);
});

test("English fallback strings match _locales/en", () => {
  const en = JSON.parse(readFileSync(join(EXT, "_locales", "en", "messages.json"), "utf8"));
  for (const key of ["show", "hide", "notAnAppeal", "placeholderLabel", "placeholderLabelShown", "cat_donation",
    "cat_paywall", "cat_newsletter", "cat_adblock", "cat_foreign_agent", "extName"]) {
    const entry = en[key];
    let message = entry.message;
    Object.entries(entry.placeholders || {}).forEach(([name, p]) => {
      message = message.split(`$${name.toUpperCase()}$`).join(p.content);
    });
    assert.equal(C.englishT(key, ["$1", "$2"]), message.replace("$1", "$1").replace("$2", "$2"), key);
  }
});
