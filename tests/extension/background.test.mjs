// background.js with a fake `chrome`: it answers known messages, refuses unknown ones, keeps no globals.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { EXT, Messages as M } from "./helpers.mjs";

const T = M.T;

function fakeChrome({ serviceDown = false } = {}) {
  const store = {};
  const log = { badges: {}, titles: {}, tabMessages: [], menus: [], fetches: [] };
  const hooks = { onMessage: null, onInstalled: [], onClicked: null };
  const chrome = {
    runtime: {
      id: "ext-id",
      onMessage: { addListener: (fn) => { hooks.onMessage = fn; } },
      onInstalled: { addListener: (fn) => hooks.onInstalled.push(fn) },
      onStartup: { addListener: () => {} },
    },
    storage: {
      local: {
        get: async (key) => (key in store ? { [key]: structuredClone(store[key]) } : {}),
        set: async (obj) => { Object.assign(store, structuredClone(obj)); },
        remove: async (key) => { delete store[key]; },
      },
    },
    i18n: { getMessage: (key, subs) => (subs ? `${key}:${subs.join(",")}` : key) },
    action: {
      setBadgeText: async ({ tabId, text }) => { log.badges[tabId] = text; },
      setBadgeBackgroundColor: async () => {},
      setTitle: async ({ tabId, title }) => { log.titles[tabId] = title; },
    },
    tabs: {
      query: async () => [{ id: 1 }, { id: 2 }],
      sendMessage: async (tabId, message, options) => { log.tabMessages.push({ tabId, message, options }); return { status: "ok" }; },
    },
    contextMenus: {
      removeAll: async () => { log.menus.length = 0; },
      create: (item) => { log.menus.push(item); },
      onClicked: { addListener: (fn) => { hooks.onClicked = fn; } },
    },
  };
  const fetch = async (url, init) => {
    const path = new URL(url).pathname;
    log.fetches.push(path);
    if (serviceDown) throw new TypeError("Failed to fetch");
    const body = init.body ? JSON.parse(init.body) : null;
    const reply = (status, data) => ({ status, json: async () => data });
    if (path === "/v1/pair") return reply(200, { token: "t" });
    if (path === "/v1/classify") {
      return reply(200, { blocks: body.blocks.map((b) => ({ id: b.id, hide: /donate/i.test(b.text), category: /donate/i.test(b.text) ? "donation" : null, scores: {}, why: [], source: "model" })) });
    }
    if (path === "/v1/feedback") return reply(200, { stored: true, id: 1 });
    if (path === "/v1/health") return reply(200, { status: "ok", version: "9.9", model: {} });
    return reply(404, { detail: "nope" });
  };
  return { chrome, fetch, store, log, hooks };
}

function loadBackground(options) {
  const fake = fakeChrome(options);
  const context = vm.createContext({ chrome: fake.chrome, fetch: fake.fetch, setTimeout, clearTimeout, AbortController, URL, console, structuredClone, performance });
  // As Firefox loads them (background.scripts); Chrome's importScripts path is checked in manifest.test.mjs.
  for (const file of ["messages.js", "settings.js", "service.js"]) {
    vm.runInContext(readFileSync(join(EXT, file), "utf8"), context, { filename: file });
  }
  const before = new Set(Object.keys(context));
  vm.runInContext(readFileSync(join(EXT, "background.js"), "utf8"), context, { filename: "background.js" });
  fake.newGlobals = Object.keys(context).filter((k) => !before.has(k));
  // Replies cross a structured clone in the browser: compare them as plain data here too.
  const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  fake.send = (message, sender = { id: "ext-id", tab: { id: 7 } }) =>
    new Promise((resolve) => {
      const async = fake.hooks.onMessage(message, sender, (reply) => resolve(clone(reply)));
      if (async === false) setTimeout(() => resolve(undefined), 20);
    });
  return fake;
}

test("the background defines no globals of its own (state lives in storage)", () => {
  const bg = loadBackground();
  assert.deepEqual(bg.newGlobals, []);
});

test("an unknown message type is refused with an error", async () => {
  const bg = loadBackground();
  const reply = await bg.send({ type: "make-coffee" });
  assert.equal(reply.status, "error");
  assert.match(reply.error, /unknown message type: make-coffee/);
  const wrong = await bg.send({ type: T.REVEAL, runId: "r1" });
  assert.match(wrong.error, /not for the background/);
});

test("messages from other extensions are ignored", async () => {
  const bg = loadBackground();
  assert.equal(await bg.send({ type: T.GET_SETTINGS }, { id: "someone-else" }), undefined);
});

test("CLASSIFY pairs, asks the service and answers in order", async () => {
  const bg = loadBackground();
  const reply = await bg.send({ type: T.CLASSIFY, url: "https://news.example/a", blocks: [{ id: "0", text: "Please donate" }, { id: "1", text: "Story" }] });
  assert.equal(reply.status, "ok");
  assert.deepEqual(reply.results.map((r) => [r.id, r.hide, r.category]), [["0", true, "donation"], ["1", false, null]]);
  assert.deepEqual(bg.log.fetches, ["/v1/pair", "/v1/classify"]);
  assert.equal(bg.store.pairing.token, "t");
});

test("a site switched off is not sent to the service", async () => {
  const bg = loadBackground();
  const set = await bg.send({ type: T.SET_SITE_ENABLED, host: "www.news.example", enabled: false });
  assert.equal(set.status, "ok");
  assert.deepEqual(bg.store.settings.disabledSites, ["news.example"]);
  assert.deepEqual(bg.log.tabMessages.map((m) => [m.tabId, m.message.type, m.message.site]), [[1, T.SETTINGS_CHANGED, "news.example"], [2, T.SETTINGS_CHANGED, "news.example"]]);
  assert.deepEqual(await bg.send({ type: T.CLASSIFY, url: "https://news.example/a", blocks: [{ id: "0", text: "x" }] }), { status: "off" });
  assert.deepEqual(await bg.send({ type: T.PAGE_CONFIG, url: "https://live.news.example/" }), { status: "ok", enabled: false });
  assert.deepEqual(await bg.send({ type: T.PAGE_CONFIG, url: "https://other.example/" }), { status: "ok", enabled: true });
  assert.deepEqual(bg.log.fetches, []);
});

test("service down: CLASSIFY answers 'down' and the tab's badge says so", async () => {
  const bg = loadBackground({ serviceDown: true });
  const reply = await bg.send({ type: T.CLASSIFY, url: "https://news.example/a", blocks: [{ id: "0", text: "x" }] });
  assert.equal(reply.status, "down");
  assert.equal(bg.log.badges[7], "!");
  assert.equal(bg.log.titles[7], "badgeDown");
  const status = await bg.send({ type: T.GET_STATUS });
  assert.equal(status.service.service, "down");
});

test("REPORT_STATE sets the badge to the count of hidden blocks", async () => {
  const bg = loadBackground();
  await bg.send({ type: T.REPORT_STATE, status: "ok", total: 4, byCategory: { donation: 4 } });
  assert.equal(bg.log.badges[7], "4");
  assert.equal(bg.log.titles[7], "badgeCount:4");
  await bg.send({ type: T.REPORT_STATE, status: "ok", total: 0 });
  assert.equal(bg.log.badges[7], "");
});

test("settings are validated; a new service address forgets the pairing", async () => {
  const bg = loadBackground();
  await bg.send({ type: T.CLASSIFY, url: "https://a.example/", blocks: [{ id: "0", text: "x" }] });
  assert.ok(bg.store.pairing);
  const bad = await bg.send({ type: T.SET_SETTINGS, settings: { serviceUrl: "http://evil.example:80" } });
  assert.equal(bad.status, "error");
  assert.match(bad.message, /this machine/);
  const good = await bg.send({ type: T.SET_SETTINGS, settings: { serviceUrl: "http://localhost:9000", sensitivity: 0.8 } });
  assert.equal(good.status, "ok");
  assert.equal(bg.store.pairing, undefined);
  const got = await bg.send({ type: T.GET_SETTINGS });
  assert.equal(got.settings.serviceUrl, "http://localhost:9000");
  assert.equal(got.settings.sensitivity, 0.8);
  assert.equal(got.paired, false);
});

test("FEEDBACK stores every item", async () => {
  const bg = loadBackground();
  const reply = await bg.send({ type: T.FEEDBACK, url: "https://a.example/x", items: [{ text: "A", label: "content" }, { text: "B", label: "paywall" }] });
  assert.deepEqual(reply, { status: "ok", stored: 2 });
  assert.deepEqual(bg.log.fetches, ["/v1/pair", "/v1/feedback", "/v1/feedback"]);
});

test("the context menu: one entry per category, a click asks the page's top frame", async () => {
  const bg = loadBackground();
  for (const fn of bg.hooks.onInstalled) await fn({ reason: "install" });
  assert.equal(bg.log.menus.length, 1 + M.CATEGORIES.length);
  assert.equal(bg.log.menus[0].title, "menuHideLikeThis");
  bg.hooks.onClicked({ menuItemId: "appeal-hide-like-this:paywall", frameId: 0 }, { id: 3 });
  bg.hooks.onClicked({ menuItemId: "appeal-hide-like-this:paywall", frameId: 9 }, { id: 3 });
  assert.deepEqual(JSON.parse(JSON.stringify(bg.log.tabMessages)), [{ tabId: 3, message: { type: T.HIDE_LIKE_THIS, category: "paywall" }, options: { frameId: 0 } }]);
});
