// Message objects between the extension's parts: named types, checked fields, unknown types refused.
import test from "node:test";
import assert from "node:assert/strict";
import { Messages as M } from "./helpers.mjs";

const block = (i) => ({ id: String(i), text: `block ${i}`, tag: "p", attrs: "a b", link_density: 0, position: 0.5 });

test("every type has a unique name", () => {
  const names = Object.values(M.T);
  assert.equal(new Set(names).size, names.length);
});

test("an unknown or missing type throws", () => {
  assert.throws(() => M.validate({ type: "do-something" }, "background"), /unknown message type: do-something/);
  assert.throws(() => M.validate({}, "background"), /unknown message type/);
  assert.throws(() => M.validate(null, "background"), /must be an object/);
  assert.throws(() => M.validate("classify", "content"), /must be an object/);
  assert.throws(() => M.validate({ type: "toString" }, "content"), /unknown message type/);
});

test("a message sent to the wrong part throws", () => {
  assert.throws(() => M.validate({ type: M.T.REVEAL, runId: "r1" }, "background"), /not for the background/);
  assert.throws(() => M.validate({ type: M.T.CLASSIFY, url: "https://a/", blocks: [block(1)] }, "content"), /not for the content/);
});

test("CLASSIFY: 1..500 well-formed blocks", () => {
  const ok = M.make(M.T.CLASSIFY, { url: "https://news.example/a", blocks: [block(1), block(2)] });
  assert.equal(M.validate(ok, "background"), ok);
  assert.throws(() => M.validate({ ...ok, blocks: [] }, "background"), /1\.\.500/);
  assert.throws(() => M.validate({ ...ok, blocks: Array.from({ length: 501 }, (_, i) => block(i)) }, "background"), /1\.\.500/);
  assert.throws(() => M.validate({ ...ok, blocks: [{ ...block(1), text: "" }] }, "background"), /blocks\[0\]\.text/);
  assert.throws(() => M.validate({ ...ok, blocks: [{ ...block(1), position: 2 }] }, "background"), /position/);
  assert.throws(() => M.validate({ ...ok, blocks: [{ ...block(1), link_density: NaN }] }, "background"), /link_density/);
  assert.throws(() => M.validate({ ...ok, blocks: [{ ...block(1), id: 7 }] }, "background"), /id/);
  assert.throws(() => M.validate({ ...ok, url: 5 }, "background"), /url/);
});

test("FEEDBACK: known labels only, bounded item count", () => {
  const ok = { type: M.T.FEEDBACK, url: "https://news.example/a", items: [{ text: "Donate", label: "donation" }, { text: "Story", label: "content" }] };
  assert.equal(M.validate(ok, "background"), ok);
  assert.throws(() => M.validate({ ...ok, items: [{ text: "x", label: "spam" }] }, "background"), /label must be one of/);
  assert.throws(() => M.validate({ ...ok, items: [] }, "background"), /items/);
  assert.throws(() => M.validate({ ...ok, url: "" }, "background"), /url/);
});

test("the rest: site switch, page messages, menu category", () => {
  assert.ok(M.validate({ type: M.T.SET_SITE_ENABLED, host: "news.example", enabled: false }, "background"));
  assert.throws(() => M.validate({ type: M.T.SET_SITE_ENABLED, host: "news.example", enabled: "no" }, "background"), /enabled/);
  assert.ok(M.validate({ type: M.T.REPORT_STATE, status: "down", total: 0 }, "background"));
  assert.throws(() => M.validate({ type: M.T.REPORT_STATE, status: "sleepy", total: 0 }, "background"), /status/);
  assert.ok(M.validate({ type: M.T.HIDE_LIKE_THIS, category: "paywall" }, "content"));
  assert.throws(() => M.validate({ type: M.T.HIDE_LIKE_THIS, category: "content" }, "content"), /category/);
  assert.throws(() => M.validate({ type: M.T.REVEAL }, "content"), /runId/);
  assert.ok(M.validate({ type: M.T.SET_SETTINGS, settings: {} }, "background"));
  assert.throws(() => M.validate({ type: M.T.SET_SETTINGS, settings: [] }, "background"), /settings/);
});

test("batches of at most 500", () => {
  const list = Array.from({ length: 1201 }, (_, i) => i);
  assert.deepEqual(M.batches(list).map((b) => b.length), [500, 500, 201]);
  assert.deepEqual(M.batches([], 500), []);
});

test("batch ranges stay under the block count and the character budget", () => {
  const blocks = (n, len) => Array.from({ length: n }, () => ({ text: "x".repeat(len), attrs: "" }));
  assert.deepEqual(M.batchRanges(blocks(1200, 10)), [[0, 500], [500, 1000], [1000, 1200]]);
  assert.deepEqual(M.batchRanges(blocks(10, 100), 500, 250), [[0, 2], [2, 4], [4, 6], [6, 8], [8, 10]]);
  // a block longer than the service reads counts only for what is sent
  assert.deepEqual(M.batchRanges(blocks(600, 50000)), [[0, 250], [250, 500], [500, 600]]);
  assert.deepEqual(M.batchRanges([]), []);
  assert.equal(M.clip("y".repeat(5000)).length, M.MAX_TEXT_CHARS);
  assert.equal(M.clip("short"), "short");
});
