// Segmentation rules of extension/segment.js (the twin of detector/segment.py).
import test from "node:test";
import assert from "node:assert/strict";
import { Segment as S, makeDom, plain } from "./helpers.mjs";

const seg = (html, options) => S.segmentDocument(makeDom(html).window.document, options);
const texts = (html, options) => seg(html, options).map((b) => b.text);

test("a block is an element's own text; nested blocks follow it in pre-order", () => {
  const blocks = seg('<div id="a">Intro <b>bold</b><p>Inner para</p> tail <span>end</span></div><p>Next</p>');
  assert.deepEqual(plain(blocks), [
    { text: "Intro bold tail end", tag: "div", attrs: "a" },
    { text: "Inner para", tag: "p", attrs: "a" },
    { text: "Next", tag: "p", attrs: "" },
  ]);
});

test("body text outside any block is the body's own block, first", () => {
  assert.deepEqual(texts("loose <i>words</i><p>para</p> more"), ["loose words more", "para"]);
});

test("<br> is a space, inline elements fold in without one", () => {
  assert.deepEqual(texts("<p>one<br>two<b>three</b>four</p>"), ["one twothreefour"]);
});

test("skipped elements take their whole subtree with them, but not the text after them", () => {
  const html =
    "<p>a<script>var x = 'script';</script>b<style>.c{}</style>c<noscript>no</noscript>d" +
    "<template><p>tpl</p></template>e<svg><text>svg</text></svg>f<select><option>opt</option></select>g" +
    "<textarea>area</textarea>h<iframe>frame</iframe>i<object>obj</object>j<canvas>cv</canvas>k<math><mi>m</mi></math>l</p>";
  assert.deepEqual(texts(html), ["abcdefghijkl"]);
});

test("the hidden attribute drops an element and its subtree; the tail stays", () => {
  assert.deepEqual(texts('<p>keep <span hidden>gone</span>this</p><div hidden><p>gone too</p></div><p>last</p>'),
    ["keep this", "last"]);
});

test("Python parity: an inline display:none is kept (only `hidden` counts by default)", () => {
  assert.deepEqual(texts('<p>a <span style="display:none">b</span> c</p>'), ["a b c"]);
});

test("in the browser, computed display:none and visibility:hidden are skipped", () => {
  const dom = makeDom(
    '<style>.gone{display:none}.ghost{visibility:hidden}</style>' +
    '<p>a <span class="gone">b</span> c</p><div class="ghost"><p>invisible</p></div><p style="display:none">x</p><p>z</p>'
  );
  const isHidden = S.computedHidden(dom.window, "data-appeal-hidden");
  assert.deepEqual(S.segmentDocument(dom.window.document, { isHidden }).map((b) => b.text), ["a c", "z"]);
});

test("our own collapsing does not count as hidden", () => {
  const dom = makeDom('<style>[data-appeal-hidden]{display:none}</style><div data-appeal-hidden="donation"><p>in</p></div>');
  const isHidden = S.computedHidden(dom.window, "data-appeal-hidden");
  assert.deepEqual(S.segmentDocument(dom.window.document, { isHidden }).map((b) => b.text), ["in"]);
});

test("whitespace collapses the way Python's \\s does", () => {
  // nbsp, em space, ideographic space and \x1c-\x1f collapse; a zero-width no-break space does not
  assert.deepEqual(texts("<p>\n a\u00a0\u00a0b\u2003c\u3000d\u001ce \t</p>"), ["a b c d e"]);
  assert.deepEqual(texts("<p>a\ufeffb</p>"), ["a\ufeffb"]);
  assert.deepEqual(texts("<p> \u00a0 </p><p>x</p>"), ["x"]);
});

test("empty blocks are dropped", () => {
  assert.deepEqual(texts("<div><p> </p><p><img alt='x'></p><p>only</p></div>"), ["only"]);
});

test("attrs: id, classes, role, aria-label and landmarks, from the element outwards to body", () => {
  const blocks = seg(
    '<main id="m" class="site"><aside class="promo box" role="complementary">' +
    '<form id="f" aria-label="Sign up"><p class=" x  y ">Join</p></form></aside></main>'
  );
  assert.equal(blocks.length, 1);
  assert.equal(blocks[0].attrs, "x y f Sign up _form promo box complementary _aside m site");
  const landmarks = seg("<header><nav><footer><dialog open><p>t</p></dialog></footer></nav></header>");
  assert.equal(landmarks[0].attrs, "_dialog _footer _nav _header");
});

test("attrs are cut at 600 characters", () => {
  const cls = Array.from({ length: 200 }, (_, i) => `c${i}`).join(" ");
  const [block] = seg(`<div class="${cls}"><p>t</p></div>`);
  assert.equal(block.attrs.length, 600);
  assert.ok(cls.startsWith(block.attrs.slice(0, 590)));
});

test("link density: characters of own text inside <a> over characters of own text", () => {
  const [p] = seg('<p>Read <a href="/x">more here</a></p>');
  assert.equal(p.linkDensity, "more here".length / "Read more here".length);
  const [nav] = seg('<li><a href="/a"> Home </a></li>');
  assert.equal(nav.linkDensity, 1);
  const [outer] = seg('<div><a href="/"><p>block inside a link</p> tail</a></div>');
  assert.equal(outer.text, "tail");
  assert.equal(outer.linkDensity, 1);
});

test("position is index / (blocks - 1) over the page", () => {
  const blocks = seg("<p>a</p><p>b</p><p>c</p><p>d</p><p>e</p>");
  assert.deepEqual(blocks.map((b) => b.position), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(seg("<p>only</p>").map((b) => b.position), [0]);
});

test("tags are lower case; every block tag of the Python list is a block", () => {
  const tags = [...S.BLOCK_TAGS].filter((t) => !["body", "table", "tr", "td", "th", "li", "dd", "dt", "summary", "html"].includes(t));
  const html = tags.map((t) => `<${t.toUpperCase()}>x-${t}</${t.toUpperCase()}>`).join("");
  const blocks = seg(html);
  for (const t of tags) assert.ok(blocks.some((b) => b.tag === t && b.text === `x-${t}`), `missing block for <${t}>`);
});

test("tables: rows and cells are blocks", () => {
  assert.deepEqual(plain(seg("<table><tr><td>a</td><th>b</th></tr></table>")).map((b) => `${b.tag}:${b.text}`),
    ["td:a", "th:b"]);
});

test("placeholders of the extension are never segmented", () => {
  assert.deepEqual(texts('<p>a</p><div data-appeal-placeholder="r1">Show</div><p>b</p>'), ["a", "b"]);
});

test("the incremental segmenter gives the same blocks in slices", () => {
  const html = Array.from({ length: 300 }, (_, i) => `<div class="d${i % 7}"><p>para ${i} <a href="#">x</a></p>text ${i}</div>`).join("");
  const doc = makeDom(html).window.document;
  const whole = S.segmentDocument(doc);
  let clock = 0;
  const now = () => (clock += 1);
  const seg2 = new S.Segmenter([{ el: doc.body, mode: "tree" }], {});
  let slices = 0;
  while (!seg2.step(clock + 5, now)) slices++;
  assert.ok(slices > 5, "the work was cut into slices");
  S.numberBlocks(seg2.blocks);
  assert.deepEqual(seg2.blocks.map((b) => [b.text, b.attrs, b.position]), whole.map((b) => [b.text, b.attrs, b.position]));
});

test("roots: own-only and nested modes, and roots covered by another root are dropped", () => {
  const doc = makeDom('<div id="d">Lead <span id="s">inline<p id="inner">inner p</p></span><p id="q">q</p></div><p id="z">z</p>').window.document;
  const $ = (id) => doc.getElementById(id);
  const roots = S.normalizeRoots([
    { el: $("z"), mode: "tree" },
    { el: $("d"), mode: "own" },
    { el: $("s"), mode: "nested" },
    { el: $("q"), mode: "tree" },
    { el: $("z"), mode: "own" },
  ]);
  assert.deepEqual(roots.map((r) => `${r.el.id}:${r.mode}`), ["d:own", "s:nested", "q:tree", "z:tree"]);
  const seg2 = new S.Segmenter(roots, {});
  seg2.step(Infinity, null);
  assert.deepEqual(seg2.blocks.map((b) => b.text), ["Lead inline", "inner p", "q", "z"]);
  const nested = S.normalizeRoots([{ el: $("inner"), mode: "tree" }, { el: $("d"), mode: "tree" }]);
  assert.deepEqual(nested.map((r) => r.el.id), ["d"]);
});

test("ownBlock and blockAncestor", () => {
  const doc = makeDom('<div id="d">Lead <b id="b">bold</b><p>para</p></div>').window.document;
  assert.equal(S.blockAncestor(doc.getElementById("b")).id, "d");
  assert.equal(S.blockAncestor(doc.getElementById("b").firstChild).id, "d");
  const own = S.ownBlock(doc.getElementById("d"));
  assert.equal(own.text, "Lead bold");
  assert.equal(own.attrs, "d");
  assert.equal(S.ownBlock(doc.createElement("p")), null);
});

test("code points are counted as Python counts them", () => {
  assert.equal(S.codePointLength("a😀b"), 3);
  const [p] = seg('<p><a href="#">😀😀</a>ab</p>');
  assert.equal(p.linkDensity, 2 / 4);
});

test("elements skipped as hidden are reported (so the page showing them later can be noticed)", () => {
  const dom = makeDom('<style>.gone{display:none}</style><p>a <span class="gone" id="s">b</span></p><div class="gone" id="d"><p>x</p></div><p hidden id="h">y</p>');
  const seen = [];
  const isHidden = S.computedHidden(dom.window, "data-appeal-hidden");
  S.segmentDocument(dom.window.document, { isHidden, onHidden: (el) => seen.push(el.id) });
  assert.deepEqual(seen.sort(), ["d", "h", "s"]);
});

test("attrs with the per-pass cache equal attrs read afresh, for every element of nested wrappers", () => {
  const doc = makeDom(
    '<main id="m" class="site  main"><div class="wrap"><section role="region" aria-label="Support  us">' +
      '<p class="a">one</p><div class="inner"><p>two</p><form class="f"><p>three</p></form></div></section>' +
      '<aside><p class="late">four</p></aside></div></main><p class="top">five</p>'
  ).window.document;
  const cache = new Map();
  const elements = [...doc.body.querySelectorAll("*")];
  const cached = elements.map((el) => S.attrsOf(el, cache));
  const fresh = elements.map((el) => S.attrsOf(el, null));
  assert.deepEqual(cached, fresh);
  assert.equal(S.attrsOf(doc.querySelector("form p"), cache), "f _form inner region Support us wrap m site main");
  const once = new Map();
  S.attrsOf(doc.querySelector("form p"), once);
  assert.equal(once.get(doc.querySelector(".wrap")), "wrap m site main", "wrappers are remembered, not only blocks");
});
