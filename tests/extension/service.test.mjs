// The background's client of the local service: pairing, re-pairing on 401, batches, a service that is down.
import test from "node:test";
import assert from "node:assert/strict";
import { Service as Svc, Settings } from "./helpers.mjs";

const settings = Settings.normalize({ serviceUrl: "http://127.0.0.1:9999" });

/** A fake service: records requests, answers like detector serve. */
function fakeService({ token = "tok-1", pairStatus = 200, down = false, classify } = {}) {
  const calls = [];
  const state = { token };
  const fetch = async (url, init) => {
    const path = new URL(url).pathname;
    const body = init.body ? JSON.parse(init.body) : null;
    calls.push({ path, method: init.method, token: init.headers["X-Detector-Token"], body });
    if (down) throw new TypeError("Failed to fetch");
    const reply = (status, data) => ({ status, json: async () => data });
    if (path === "/v1/health") return reply(200, { status: "ok", version: "0.1.0", model: { file: "m" } });
    if (path === "/v1/pair") return pairStatus === 200 ? reply(200, { token: state.token }) : reply(pairStatus, { detail: "forbidden" });
    if (init.headers["X-Detector-Token"] !== state.token) return reply(401, { detail: "missing or wrong X-Detector-Token" });
    if (path === "/v1/classify") {
      if (classify) return reply(200, classify(body));
      return reply(200, {
        blocks: body.blocks.map((b) => ({
          id: b.id, hide: /donate/i.test(b.text), category: /donate/i.test(b.text) ? "donation" : null,
          scores: {}, why: [{ cue: "word 'donate'", weight: 1.2 }], source: "model",
        })),
      });
    }
    if (path === "/v1/feedback") return reply(200, { stored: true, id: calls.length });
    return reply(404, { detail: "not found" });
  };
  return { fetch, calls, state };
}

function memoryStore(initial = null) {
  let pairing = initial;
  return {
    getPairing: async () => pairing,
    setPairing: async (p) => { pairing = p; },
    clearPairing: async () => { pairing = null; },
    get value() { return pairing; },
  };
}

const blocks = (n) => Array.from({ length: n }, (_, i) => ({ id: String(i), text: i % 3 ? `story ${i}` : `please donate ${i}` }));

test("the first request pairs, the token is kept and reused", async () => {
  const svc = fakeService();
  const store = memoryStore();
  const client = Svc.createClient({ fetch: svc.fetch, store });
  const results = await client.classify(settings, "https://news.example/a", blocks(3), ["donation"]);
  assert.deepEqual(results.map((r) => r.hide), [true, false, false]);
  assert.equal(results[0].category, "donation");
  assert.deepEqual(results[0].why, [{ cue: "word 'donate'", weight: 1.2 }]);
  assert.deepEqual(svc.calls.map((c) => c.path), ["/v1/pair", "/v1/classify"]);
  assert.deepEqual(svc.calls[0].body, {});
  assert.equal(store.value.token, "tok-1");
  assert.equal(store.value.serviceUrl, settings.serviceUrl);
  await client.classify(settings, "https://news.example/a", blocks(1), ["donation"]);
  assert.deepEqual(svc.calls.map((c) => c.path), ["/v1/pair", "/v1/classify", "/v1/classify"]);
  assert.deepEqual(svc.calls[1].body.categories, ["donation"]);
  assert.equal(svc.calls[1].body.sensitivity, 0.5);
});

test("a 401 re-pairs once and retries", async () => {
  const svc = fakeService({ token: "new" });
  const store = memoryStore({ serviceUrl: settings.serviceUrl, token: "stale" });
  const client = Svc.createClient({ fetch: svc.fetch, store });
  await client.feedback(settings, { url: "https://a/", text: "Donate", label: "donation" });
  assert.deepEqual(svc.calls.map((c) => `${c.path}:${c.token || ""}`), ["/v1/feedback:stale", "/v1/pair:", "/v1/feedback:new"]);
  assert.equal(store.value.token, "new");
});

test("a 401 after re-pairing is an error, not a loop", async () => {
  const svc = fakeService();
  const store = memoryStore();
  const client = Svc.createClient({
    fetch: async (url, init) => (new URL(url).pathname === "/v1/pair" ? svc.fetch(url, init) : { status: 401, json: async () => ({ detail: "no" }) }),
    store,
  });
  await assert.rejects(client.classify(settings, "https://a/", blocks(1), []), (err) => err.status === "error" && err.httpStatus === 401);
});

test("a token for another address is not sent", async () => {
  const svc = fakeService();
  const store = memoryStore({ serviceUrl: "http://127.0.0.1:1111", token: "other" });
  await Svc.createClient({ fetch: svc.fetch, store }).classify(settings, "https://a/", blocks(1), []);
  assert.deepEqual(svc.calls.map((c) => c.path), ["/v1/pair", "/v1/classify"]);
});

test("pairing refused (another extension pinned) is 'unpaired'", async () => {
  const svc = fakeService({ pairStatus: 403 });
  const client = Svc.createClient({ fetch: svc.fetch, store: memoryStore() });
  await assert.rejects(client.classify(settings, "https://a/", blocks(1), []), (err) => {
    assert.equal(err.name, "PairingRefused");
    assert.equal(Svc.statusOf(err), "unpaired");
    return true;
  });
});

test("a service that is not running is 'down'", async () => {
  const svc = fakeService({ down: true });
  const client = Svc.createClient({ fetch: svc.fetch, store: memoryStore() });
  await assert.rejects(client.classify(settings, "https://a/", blocks(1), []), (err) => Svc.statusOf(err) === "down");
  const status = await client.status(settings);
  assert.equal(status.service, "down");
  assert.equal(status.paired, false);
});

test("a request that hangs times out as 'down'", async () => {
  const client = Svc.createClient({
    fetch: (url, init) => new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })))),
    store: memoryStore(),
    healthTimeoutMs: 30,
  });
  await assert.rejects(client.health(settings), (err) => err.status === "down" && /timed out/.test(err.message));
});

test("many blocks go in batches of 500, answers keep request order", async () => {
  const svc = fakeService();
  const client = Svc.createClient({ fetch: svc.fetch, store: memoryStore() });
  const results = await client.classify(settings, "https://a/", blocks(1234), []);
  assert.equal(results.length, 1234);
  assert.deepEqual(results.map((r) => r.id), blocks(1234).map((b) => b.id));
  assert.deepEqual(svc.calls.filter((c) => c.path === "/v1/classify").map((c) => c.body.blocks.length), [500, 500, 234]);
});

test("an answer that does not match the blocks sent is refused", async () => {
  const svc = fakeService({ classify: (body) => ({ blocks: body.blocks.slice(1) }) });
  const client = Svc.createClient({ fetch: svc.fetch, store: memoryStore() });
  await assert.rejects(client.classify(settings, "https://a/", blocks(2), []), /does not match/);
});

test("status: up and paired, with the version; repair asks for a new token", async () => {
  const svc = fakeService();
  const store = memoryStore();
  const client = Svc.createClient({ fetch: svc.fetch, store });
  const status = await client.status(settings);
  assert.deepEqual({ service: status.service, paired: status.paired, version: status.version }, { service: "up", paired: true, version: "0.1.0" });
  svc.state.token = "rotated";
  await client.status(settings, { repair: true });
  assert.equal(store.value.token, "rotated");
});
