// Golden pages: tests/pages/<slug>/source.html segmented by extension/segment.js under jsdom must give
// the blocks that detector/segment.py wrote to expected.json (text, tag and attrs, block by block).
// A page jsdom cannot parse the way lxml does is listed in golden-skips.json with the reason.
import test from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Segment as S, makeDom, ROOT } from "./helpers.mjs";

const PAGES = join(ROOT, "tests", "pages");
const SKIPS = JSON.parse(readFileSync(new URL("./golden-skips.json", import.meta.url), "utf8"));

const slugs = existsSync(PAGES)
  ? readdirSync(PAGES).filter((s) => existsSync(join(PAGES, s, "source.html")) && existsSync(join(PAGES, s, "expected.json"))).sort()
  : [];

if (!slugs.length) {
  test("golden pages", { skip: "no golden pages in tests/pages/ yet" }, () => {});
}

for (const slug of slugs) {
  const reason = SKIPS[slug];
  test(`golden page ${slug}`, { skip: reason ? `jsdom cannot match lxml here: ${reason}` : false }, () => {
    const html = readFileSync(join(PAGES, slug, "source.html"), "utf8");
    const expected = JSON.parse(readFileSync(join(PAGES, slug, "expected.json"), "utf8")).blocks;
    const got = S.segmentDocument(makeDom(html).window.document);
    const n = Math.min(got.length, expected.length);
    for (let i = 0; i < n; i++) {
      const want = expected[i];
      const have = { text: got[i].text, tag: got[i].tag, attrs: got[i].attrs };
      assert.deepEqual(have, { text: want.text, tag: want.tag, attrs: want.attrs }, `block ${i} of ${slug}`);
    }
    assert.equal(got.length, expected.length, `number of blocks of ${slug}`);
  });
}
