// Settings: defaults, validation, the per-site switch.
import test from "node:test";
import assert from "node:assert/strict";
import { Settings as S } from "./helpers.mjs";

test("defaults: every category on, sensitivity 0.5, the default address, no site off", () => {
  const s = S.normalize(undefined);
  assert.deepEqual(s, {
    serviceUrl: "http://127.0.0.1:8765",
    categories: { donation: true, paywall: true, newsletter: true, adblock: true, foreign_agent: true },
    sensitivity: 0.5,
    disabledSites: [],
  });
  assert.deepEqual(S.enabledCategories(S.normalize({ categories: { paywall: false } })), ["donation", "newsletter", "adblock", "foreign_agent"]);
});

test("the service address must be http on this machine", () => {
  assert.equal(S.normalizeServiceUrl("http://localhost:9000/"), "http://localhost:9000");
  assert.equal(S.normalizeServiceUrl(" http://127.0.0.1:8765 "), "http://127.0.0.1:8765");
  assert.equal(S.normalizeServiceUrl("http://[::1]:8765"), "http://[::1]:8765");
  assert.throws(() => S.normalizeServiceUrl("https://127.0.0.1:8765"), /http:\/\//);
  assert.throws(() => S.normalizeServiceUrl("http://example.com:8765"), /this machine/);
  assert.throws(() => S.normalizeServiceUrl("http://192.168.1.5:8765"), /this machine/);
  assert.throws(() => S.normalizeServiceUrl("http://127.0.0.1:8765/v1"), /scheme, host and port/);
  assert.throws(() => S.normalizeServiceUrl("not a url"), /not a URL/);
});

test("bad values are refused with what is allowed", () => {
  assert.throws(() => S.normalize({ sensitivity: 1.5 }), /from 0 to 1/);
  assert.throws(() => S.normalize({ sensitivity: "high" }), /from 0 to 1/);
  assert.throws(() => S.normalize({ categories: { ads: true } }), /unknown category ads/);
  assert.throws(() => S.normalize({ disabledSites: "a.com" }), /list/);
  assert.equal(S.normalize({ sensitivity: "0.734" }).sensitivity, 0.73);
  assert.deepEqual(Object.keys(S.normalize({ extra: 1 })).sort(), ["categories", "disabledSites", "sensitivity", "serviceUrl"]);
});

test("site keys drop www. and case; a site off covers its subdomains", () => {
  assert.equal(S.siteKey("WWW.News.Example"), "news.example");
  assert.equal(S.siteKey("https://www.news.example/a?b"), "news.example");
  const s = S.normalize({ disabledSites: ["news.example", "www.other.example", "NEWS.example", ""] });
  assert.deepEqual(s.disabledSites, ["news.example", "other.example"]);
  assert.ok(S.isSiteDisabled(s, "www.news.example"));
  assert.ok(S.isSiteDisabled(s, "live.news.example"));
  assert.ok(!S.isSiteDisabled(s, "badnews.example"));
  assert.ok(!S.isSiteDisabled(s, ""));
});

test("switching a site off and on again", () => {
  let s = S.normalize({});
  s = S.withSiteEnabled(s, "www.news.example", false);
  assert.deepEqual(s.disabledSites, ["news.example"]);
  s = S.withSiteEnabled(s, "live.news.example", true);
  assert.deepEqual(s.disabledSites, [], "switching on a subdomain lifts the parent that covered it");
  assert.throws(() => S.withSiteEnabled(s, "", false), /not a site/);
});
