// content.js in jsdom with a fake background: a whole pass, late appeals, corrections, reset, service down.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EXT, Messages as M, makeDom, tick, waitFor } from "./helpers.mjs";

const T = M.T;
const RULE = (text) => (/donate|support our/i.test(text) ? "donation" : /newsletter/i.test(text) ? "newsletter" : null);

const ARTICLE = `
<article>
  <h1 id="h">Council approves park plan</h1>
  <p id="p1">The council voted on Tuesday to build a park.</p>
  <div id="box" class="donate-box"><h3>Support our reporting</h3><p>Please donate today.</p></div>
  <p id="p2">Construction starts next year.</p>
  <p id="same1">Sign up to our newsletter</p>
  <p id="p3">The plan costs 41 million dollars.</p>
</article>`;

/** Load the content scripts into a jsdom page wired to a fake background. */
function loadPage(html, { status = "ok", enabled = true, rule = RULE } = {}) {
  const dom = makeDom(html, { runScripts: "outside-only", url: "https://news.example/story" });
  const { window } = dom;
  const sent = [];
  const listeners = [];
  const background = {
    status,
    enabled,
    reply(msg) {
      switch (msg.type) {
        case T.PAGE_CONFIG:
          return { status: "ok", enabled: this.enabled };
        case T.CLASSIFY:
          if (!this.enabled) return { status: "off" };
          if (this.status !== "ok") return { status: this.status, message: "not reachable" };
          return {
            status: "ok",
            results: msg.blocks.map((b) => {
              const category = rule(b.text);
              return { id: b.id, hide: !!category, category, scores: {}, why: category ? [{ cue: "word 'donate'", weight: 1 }] : [], source: "model" };
            }),
          };
        case T.FEEDBACK:
          return { status: this.status === "ok" ? "ok" : this.status, stored: msg.items.length };
        case T.REPORT_STATE:
          return { status: "ok" };
        default:
          return { status: "error", error: "unexpected " + msg.type };
      }
    },
  };
  window.chrome = {
    runtime: {
      id: "test-ext",
      sendMessage: async (msg) => {
        M.validate(msg, "background");
        sent.push(JSON.parse(JSON.stringify(msg)));
        await tick(1);
        return background.reply(msg);
      },
      onMessage: { addListener: (fn) => listeners.push(fn) },
    },
    i18n: { getMessage: () => "" },
  };
  for (const file of ["segment.js", "collapse.js", "messages.js", "content.js"]) {
    window.eval(readFileSync(join(EXT, file), "utf8"));
  }
  const doc = window.document;
  const deliver = (message) =>
    new Promise((resolve) => {
      const async = listeners[0](message, { id: "test-ext" }, (r) => resolve(r === undefined ? r : JSON.parse(JSON.stringify(r))));
      if (!async) setTimeout(resolve, 0);
    });
  const ready = (pass = 1) =>
    waitFor(() => {
      const s = doc.documentElement.getAttribute("data-appeal-detector-stats");
      return doc.documentElement.getAttribute("data-appeal-detector") === "ready" && s && JSON.parse(s).pass >= pass;
    });
  const of = (type) => sent.filter((m) => m.type === type);
  const hidden = (id) => !!doc.getElementById(id).closest("[data-appeal-hidden]");
  return { dom, window, doc, sent, of, deliver, ready, hidden, background };
}

test("a pass collapses the appeals, leaves the article, and marks <html> ready", async () => {
  const page = loadPage(ARTICLE);
  await page.ready();
  const { doc, hidden } = page;
  assert.equal(doc.getElementById("box").getAttribute("data-appeal-hidden"), "donation");
  assert.equal(doc.getElementById("same1").getAttribute("data-appeal-hidden"), "newsletter");
  for (const id of ["h", "p1", "p2", "p3"]) assert.equal(hidden(id), false, id);
  assert.equal(doc.querySelectorAll("[data-appeal-placeholder]").length, 2);
  const stats = JSON.parse(doc.documentElement.getAttribute("data-appeal-detector-stats"));
  assert.equal(stats.status, "ok");
  assert.equal(stats.blocks, 7);
  assert.equal(stats.hidden, 3);
  assert.ok(stats.ms >= 0 && stats.slice <= stats.ms + 1e-9);
  assert.deepEqual(page.of(T.CLASSIFY).map((m) => m.blocks.length), [7]);
  assert.deepEqual(page.of(T.CLASSIFY)[0].blocks[0], { id: "0", text: "Council approves park plan", tag: "h1", attrs: "h", link_density: 0, position: 0 });
  const report = page.of(T.REPORT_STATE).at(-1);
  assert.deepEqual({ status: report.status, total: report.total }, { status: "ok", total: 3 });
});

test("pages of thousands of blocks go in batches of 500", async () => {
  const body = Array.from({ length: 1200 }, (_, i) => `<p>Paragraph number ${i}</p>`).join("");
  const page = loadPage(body);
  await page.ready();
  assert.deepEqual(page.of(T.CLASSIFY).map((m) => m.blocks.length).sort(), [200, 500, 500]);
  const positions = page.of(T.CLASSIFY).flatMap((m) => m.blocks.map((b) => b.position));
  assert.equal(Math.max(...positions), 1);
});

test("a late appeal is collapsed within half a second; own mutations and no-op changes cause no work", async () => {
  const page = loadPage(ARTICLE);
  await page.ready();
  const { doc, window } = page;
  const classifyCount = () => page.of(T.CLASSIFY).length;
  const before = classifyCount();
  // Our own changes (Show / Hide) must not start a pass.
  const toggle = doc.querySelector("[data-appeal-placeholder]").shadowRoot.querySelector("button.toggle");
  toggle.click();
  toggle.click();
  // A change that leaves the text as it was: segmented again, not sent again.
  const p1 = doc.getElementById("p1");
  p1.textContent = p1.textContent;
  await tick(300);
  assert.equal(classifyCount(), before);
  const t0 = Date.now();
  const box = doc.createElement("div");
  box.id = "late";
  box.innerHTML = "<h3>Before you go</h3><p>Please donate to support our newsroom.</p>";
  doc.getElementById("p2").after(box);
  await waitFor(() => box.querySelector("p").closest("[data-appeal-hidden]"), { timeout: 500 });
  assert.ok(Date.now() - t0 < 500);
  const late = page.of(T.CLASSIFY).slice(before);
  assert.deepEqual(late.map((m) => m.blocks.map((b) => b.text)), [["Before you go", "Please donate to support our newsroom."]]);
  assert.ok(late[0].blocks.every((b) => b.position > 0 && b.position < 1));
  await tick(250);
  assert.equal(page.of(T.CLASSIFY).length, before + 1, "no loop after our own collapsing");
});

test("content appearing inside a collapsed element frees it", async () => {
  const page = loadPage(ARTICLE);
  await page.ready();
  const box = page.doc.getElementById("box");
  const p = page.doc.createElement("p");
  p.textContent = "The mayor said the park will open in 2027.";
  box.append(p);
  await waitFor(() => !box.hasAttribute("data-appeal-hidden"), { timeout: 1000 });
  assert.equal(page.doc.querySelector(`[data-appeal-placeholder]`).nextElementSibling.id !== "box", true);
});

test("element shown later by the page (display:none removed) is read then", async () => {
  const page = loadPage(ARTICLE + '<div id="modal" style="display:none"><p>Please donate before you go</p></div>');
  await page.ready();
  const modal = page.doc.getElementById("modal");
  assert.equal(modal.closest("[data-appeal-hidden]"), null);
  modal.style.display = "block";
  await waitFor(() => modal.closest("[data-appeal-hidden]"), { timeout: 600 });
});

test("service down: the page is left untouched and the badge is told", async () => {
  const page = loadPage(ARTICLE, { status: "down" });
  const before = page.doc.body.innerHTML;
  await page.ready();
  assert.equal(page.doc.body.innerHTML, before);
  assert.equal(page.doc.querySelector("style#appeal-detector-style"), null);
  assert.equal(page.doc.documentElement.getAttribute("data-appeal-detector-status"), "down");
  assert.equal(page.of(T.REPORT_STATE).at(-1).status, "down");
  // late changes do not knock on a closed door
  const n = page.sent.length;
  const p = page.doc.createElement("p");
  p.textContent = "Please donate";
  page.doc.body.append(p);
  await tick(250);
  assert.equal(page.of(T.CLASSIFY).length, 1);
  assert.ok(page.sent.length === n);
});

test("a site switched off: nothing is marked, late changes cost nothing; switching on rescans", async () => {
  const page = loadPage(ARTICLE, { enabled: false });
  await page.ready();
  // (the background answers "off" itself: no page text reaches the service)
  const sent = page.sent.length;
  const p = page.doc.createElement("p");
  p.textContent = "Please donate";
  page.doc.body.append(p);
  await tick(250);
  assert.equal(page.sent.length, sent);
  assert.equal(page.doc.querySelectorAll("[data-appeal-hidden]").length, 0);
  assert.equal(page.doc.documentElement.getAttribute("data-appeal-detector-status"), "off");
  page.background.enabled = true;
  await page.deliver({ type: T.SETTINGS_CHANGED });
  await page.ready(2);
  assert.ok(page.hidden("box"));
  const passes = JSON.parse(page.doc.documentElement.getAttribute("data-appeal-detector-stats")).pass;
  assert.deepEqual(await page.deliver({ type: T.SETTINGS_CHANGED, site: "other.example" }), { status: "ok", ignored: true });
  page.background.enabled = false;
  await page.deliver({ type: T.SETTINGS_CHANGED, site: "news.example" });
  await page.ready(passes + 1);
  assert.equal(page.doc.querySelectorAll("[data-appeal-hidden],[data-appeal-placeholder]").length, 0);
});

test("the popup's messages: page state, reveal and hide again", async () => {
  const page = loadPage(ARTICLE);
  await page.ready();
  const state = await page.deliver({ type: T.GET_PAGE_STATE });
  assert.equal(state.page.host, "news.example");
  assert.equal(state.page.total, 3);
  assert.deepEqual(state.page.byCategory, { donation: 2, newsletter: 1 });
  const run = state.page.runs.find((r) => r.category === "donation");
  assert.deepEqual(run.why, ["word 'donate'"]);
  assert.deepEqual(await page.deliver({ type: T.REVEAL, runId: run.id }), { status: "ok" });
  assert.equal(page.hidden("box"), false);
  assert.equal((await page.deliver({ type: T.GET_PAGE_STATE })).page.total, 1);
  await page.deliver({ type: T.REHIDE, runId: run.id });
  assert.ok(page.hidden("box"));
  const bad = await page.deliver({ type: "explode" });
  assert.equal(bad.status, "error");
  assert.match(bad.error, /unknown message type/);
});

test("Not an appeal: the blocks go back as content and stay visible", async () => {
  const page = loadPage(ARTICLE);
  await page.ready();
  const ph = page.doc.getElementById("box").previousElementSibling;
  ph.shadowRoot.querySelector("button.not").click();
  await waitFor(() => page.of(T.FEEDBACK).length);
  assert.deepEqual(page.of(T.FEEDBACK)[0].items.map((i) => [i.text, i.label]), [["Support our reporting", "content"], ["Please donate today.", "content"]]);
  assert.equal(page.of(T.FEEDBACK)[0].url, "https://news.example/story");
  assert.equal(page.hidden("box"), false);
  await page.deliver({ type: T.RESCAN });
  await page.ready(2);
  assert.equal(page.hidden("box"), false, "the user's word holds over a rescan");
});

test("Hide blocks like this: feedback for the block under the pointer, hidden at once with its twins", async () => {
  const page = loadPage(ARTICLE + '<p id="twin">Construction starts next year.</p>');
  await page.ready();
  const target = page.doc.getElementById("p2");
  target.dispatchEvent(new page.window.MouseEvent("contextmenu", { bubbles: true }));
  const reply = await page.deliver({ type: T.HIDE_LIKE_THIS, category: "paywall" });
  assert.equal(reply.status, "ok");
  const fb = page.of(T.FEEDBACK).at(-1);
  assert.deepEqual(fb.items, [{ text: "Construction starts next year.", attrs: "p2", label: "paywall" }]);
  assert.equal(target.getAttribute("data-appeal-hidden"), "paywall");
  assert.equal(page.doc.getElementById("twin").getAttribute("data-appeal-hidden"), "paywall");
  for (const id of ["p1", "p3"]) assert.equal(page.hidden(id), false);
});

test("an appeal already in the page but hidden is collapsed when a class on an ancestor shows it", async () => {
  const page = loadPage(
    '<style>.paywall-modal{display:none} body.show-paywall .paywall-modal{display:block}</style>' +
    ARTICLE + '<div class="paywall-modal" id="modal"><p id="modal-text">Please donate to keep reading</p></div>'
  );
  await page.ready();
  assert.equal(page.of(T.CLASSIFY)[0].blocks.some((b) => /keep reading/.test(b.text)), false, "hidden at first: not sent");
  page.doc.body.classList.add("show-paywall");
  await waitFor(() => page.hidden("modal-text"), { timeout: 600 });
  // a class change that shows nothing new costs no request
  const n = page.of(T.CLASSIFY).length;
  page.doc.body.classList.add("scrolled");
  await tick(250);
  assert.equal(page.of(T.CLASSIFY).length, n);
});
