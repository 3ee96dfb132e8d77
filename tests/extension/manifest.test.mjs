// The extension folder loads as it is: manifest, files it names, icons, and both locales.
import test from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { EXT, Messages } from "./helpers.mjs";

const manifest = JSON.parse(readFileSync(join(EXT, "manifest.json"), "utf8"));
const locale = (lang) => JSON.parse(readFileSync(join(EXT, "_locales", lang, "messages.json"), "utf8"));

test("one Manifest V3 file for Chrome and Firefox", () => {
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.background.service_worker, "background.js");
  assert.deepEqual(manifest.background.scripts.slice(-1), ["background.js"]);
  assert.match(manifest.browser_specific_settings.gecko.id, /^[\w.-]+@[\w.-]+$/);
  assert.deepEqual(manifest.host_permissions, ["http://127.0.0.1/*", "http://localhost/*"]);
  assert.deepEqual(manifest.permissions.sort(), ["contextMenus", "storage"]);
  const cs = manifest.content_scripts[0];
  assert.deepEqual(cs.js, ["segment.js", "collapse.js", "messages.js", "content.js"]);
  assert.equal(cs.all_frames, false);
});

test("every file the manifest and the pages name exists", () => {
  const files = [
    ...manifest.background.scripts,
    manifest.background.service_worker,
    ...manifest.content_scripts.flatMap((c) => c.js),
    manifest.action.default_popup,
    manifest.options_ui.page,
    ...Object.values(manifest.icons),
    ...Object.values(manifest.action.default_icon),
  ];
  for (const f of files) assert.ok(existsSync(join(EXT, f)), `missing ${f}`);
  for (const page of [manifest.action.default_popup, manifest.options_ui.page]) {
    const html = readFileSync(join(EXT, page), "utf8");
    const dir = join(EXT, page, "..");
    for (const [, src] of html.matchAll(/(?:src|href)="([^"#:]+)"/g)) assert.ok(existsSync(join(dir, src)), `${page} names missing ${src}`);
  }
  const bg = readFileSync(join(EXT, "background.js"), "utf8");
  const imported = /importScripts\(([^)]*)\)/.exec(bg)[1].match(/"([^"]+)"/g).map((s) => s.slice(1, -1));
  assert.deepEqual(imported, manifest.background.scripts.slice(0, -1), "Chrome's importScripts loads what Firefox's scripts list loads");
});

test("icons are PNGs of their declared size", () => {
  for (const [size, file] of Object.entries(manifest.icons)) {
    const buf = readFileSync(join(EXT, file));
    assert.equal(buf.toString("latin1", 1, 4), "PNG", file);
    assert.equal(buf.readUInt32BE(16), Number(size), `${file} width`);
    assert.equal(buf.readUInt32BE(20), Number(size), `${file} height`);
  }
});

test("English and Russian have the same keys and placeholders", () => {
  const en = locale("en");
  const ru = locale("ru");
  assert.deepEqual(Object.keys(ru).sort(), Object.keys(en).sort());
  for (const key of Object.keys(en)) {
    assert.deepEqual(Object.keys(ru[key].placeholders || {}), Object.keys(en[key].placeholders || {}), key);
    for (const name of Object.keys(en[key].placeholders || {})) {
      assert.ok(en[key].message.includes(`$${name.toUpperCase()}$`), `en ${key} uses $${name}$`);
      assert.ok(ru[key].message.includes(`$${name.toUpperCase()}$`), `ru ${key} uses $${name}$`);
    }
    assert.ok(ru[key].message.trim(), `ru ${key} is empty`);
  }
  assert.deepEqual(readdirSync(join(EXT, "_locales")).sort(), ["en", "ru"]);
});

test("every string the code asks for is in the locales", () => {
  const en = locale("en");
  const used = new Set();
  for (const m of JSON.stringify(manifest).matchAll(/__MSG_(\w+)__/g)) used.add(m[1]);
  const sources = ["content.js", "background.js", "collapse.js", "ui.js", "popup/popup.js", "popup/popup.html", "options/options.js", "options/options.html"];
  for (const file of sources) {
    const code = readFileSync(join(EXT, file), "utf8");
    for (const m of code.matchAll(/\bt\("(\w+)"\s*[,)]/g)) used.add(m[1]);
    for (const m of code.matchAll(/getMessage\("(\w+)"\s*[,)]/g)) used.add(m[1]);
    for (const m of code.matchAll(/data-i18n(?:-title|-placeholder)?="(\w+)"/g)) used.add(m[1]);
    for (const m of code.matchAll(/title: "(badge\w+)"/g)) used.add(m[1]);
  }
  for (const c of Messages.CATEGORIES) {
    used.add("cat_" + c);
    used.add("menuAs_" + c);
  }
  for (const key of used) assert.ok(en[key], `_locales/en lacks ${key}`);
});
