// Shared by the extension's Node tests: load the extension's plain scripts and make jsdom pages.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { JSDOM, VirtualConsole } from "jsdom";

const require = createRequire(import.meta.url);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const EXT = join(ROOT, "extension");

export const Segment = require(join(EXT, "segment.js"));
export const Collapse = require(join(EXT, "collapse.js"));
export const Messages = require(join(EXT, "messages.js"));
export const Settings = require(join(EXT, "settings.js"));
export const Service = require(join(EXT, "service.js"));

/** A jsdom window for some HTML (body content or a whole document). */
export function makeDom(html, options = {}) {
  const markup = /<html[\s>]/i.test(html) ? html : `<!doctype html><html><head></head><body>${html}</body></html>`;
  return new JSDOM(markup, {
    url: options.url || "https://news.example/story",
    pretendToBeVisual: true,
    runScripts: options.runScripts,
    virtualConsole: new VirtualConsole(),
  });
}

export function readText(path) {
  return readFileSync(path, "utf8");
}

/** Run an extension script in a jsdom window (as a content script would run). */
export function runInWindow(window, file) {
  const code = readFileSync(join(EXT, file), "utf8");
  vm.runInContext(code, window.getInternalVMContext ? window.getInternalVMContext() : window, { filename: file });
}

/** Blocks as plain objects (for deepEqual). */
export function plain(blocks) {
  return blocks.map((b) => ({ text: b.text, tag: b.tag, attrs: b.attrs }));
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(cond, { timeout = 3000, step = 10 } = {}) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const v = cond();
    if (v) return v;
    await tick(step);
  }
  throw new Error("timed out waiting for a condition");
}
