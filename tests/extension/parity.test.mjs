// extension/segment.js against detector/segment.py itself, on pages built to hit the edge cases.
// Both parse the same UTF-8 text; only parser differences (lxml vs HTML5) may differ, and the
// cases here avoid malformed markup. Skipped when Python or lxml is not installed.
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Segment as S, makeDom, ROOT } from "./helpers.mjs";

const CASES = {
  nesting: '<div id="outer" class="a b">Lead <em>in</em><section><h2>Title</h2><p>One <a href="/x">link</a> two</p></section>after</div>',
  lists: '<ul class="menu" role="navigation"><li><a href="/">Home</a></li><li>Plain <b>bold</b></li></ul><ol><li>x<ul><li>y</li></ul></li></ol>',
  tables: '<table class="t"><tr><th>h</th><td>cell <span>inline</span></td></tr><tr><td><p>para in cell</p></td></tr></table>',
  skipped: '<p>a<script>s()</script>b<style>x{}</style>c<noscript>n</noscript>d<svg><text>t</text></svg>e<select><option>o</option></select>f</p>',
  hidden: '<p>keep <span hidden>gone</span>tail</p><div hidden><p>gone</p></div><p style="display:none">inline style is kept</p>',
  landmarks: '<header id="top"><nav aria-label="Main"><a href="/">Home</a></nav></header><aside class="promo"><form id="nl"><label>Email <input></label><button>Sign up</button></form></aside><footer><p>(c)</p></footer><dialog open><p>Modal</p></dialog>',
  whitespace: "<p>\n\t a\u00a0\u00a0b\u2003c \u3000 d </p><pre>  keep\n   lines  </pre><p>x<br>y<br/>z</p>",
  comments: "<p>a<!-- c -->b<a href='#'>l<!-- d -->m</a>n</p>",
  forms: "<form class='f'><fieldset><legend>Legend</legend><label>Name</label><button type='submit'>Go <b>now</b></button></fieldset></form>",
  details: "<details open><summary>More</summary><p>Hidden text</p></details><figure><img alt='i'><figcaption>Cap</figcaption></figure><blockquote>Q<address>A</address></blockquote>",
  attrs: '<div id="x" class="  c1\tc2 " role="region" aria-label="Support us"><div><span class="inl"><p>deep</p></span></div></div>',
  empty: "<div> <p> </p> <span> </span></div><p>last</p>",
  unicode: '<p>Привет, <a href="#">мир</a> 😀</p><p lang="de">Straße — „Zitat“</p>',
  links: '<div><a href="/a">whole link</a></div><p><a href="/b"> spaced </a> out</p><p>no link</p>',
};

const PY = `
import json, sys
from detector.segment import segment_html
cases = json.load(sys.stdin)
out = {}
for name, body in cases.items():
    blocks = segment_html("<!doctype html><html><head></head><body>" + body + "</body></html>")
    out[name] = [{"text": b.text, "tag": b.tag, "attrs": b.attrs, "ld": b.link_density, "pos": b.position} for b in blocks]
print(json.dumps(out))
`;

function python() {
  for (const exe of [process.env.PYTHON, "python3", "python"].filter(Boolean)) {
    const r = spawnSync(exe, ["-c", PY], { cwd: ROOT, input: JSON.stringify(CASES), encoding: "utf8" });
    if (r.status === 0) return JSON.parse(r.stdout);
  }
  return null;
}

const expected = python();

for (const [name, body] of Object.entries(CASES)) {
  test(`same blocks as detector/segment.py: ${name}`, { skip: expected ? false : "Python with detector and lxml not available" }, () => {
    const doc = makeDom(body).window.document;
    const got = S.segmentDocument(doc).map((b) => ({ text: b.text, tag: b.tag, attrs: b.attrs, ld: b.linkDensity, pos: b.position }));
    const want = expected[name];
    assert.deepEqual(got.map((b) => [b.text, b.tag, b.attrs]), want.map((b) => [b.text, b.tag, b.attrs]));
    got.forEach((b, i) => {
      assert.ok(Math.abs(b.ld - want[i].ld) < 1e-9, `link density of block ${i}: ${b.ld} vs ${want[i].ld}`);
      assert.ok(Math.abs(b.pos - want[i].pos) < 1e-9, `position of block ${i}`);
    });
  });
}
