/*
 * Segmentation of a live DOM into blocks: the browser twin of detector/segment.py.
 *
 * A block is the own text of a block-level element: the text of its inline
 * descendants is folded in (<br> is a space), nested block-level elements
 * become blocks of their own, whitespace is collapsed. Blocks come in
 * pre-order. `attrs` is the id/class/role/aria-label tokens of the element
 * and of each ancestor outwards (plus "_form", "_aside", ... for landmarks).
 * Keep the rules in step with the Python module: the model learned from it.
 *
 * Plain script with a CommonJS guard: in the extension it defines the global
 * `AppealSegment` (content scripts cannot be ES modules without exposing
 * files to every web page); under Node `require`/`import` returns the API.
 * No DOM globals are used: everything works on the nodes it is given, so the
 * same code runs on jsdom in the unit tests.
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.AppealSegment = api;
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  const words = (s) => new Set(s.split(" "));
  // Elements whose own text is a block (detector/segment.py BLOCK_TAGS).
  const BLOCK_TAGS = words(
    "p div li section aside article header footer h1 h2 h3 h4 h5 h6 blockquote td th " +
      "figcaption form ul ol dl dd dt table tr main nav figure pre address fieldset center " +
      "body details summary dialog label button"
  );
  // Elements skipped with everything inside them (SKIP_TAGS).
  const SKIP_TAGS = words(
    "script style template svg head iframe object canvas math select option input " +
      "textarea noscript title meta link"
  );
  // Elements that add a marker token ("_form", ...) to attrs (LANDMARK_TAGS).
  const LANDMARK_TAGS = words("form aside footer header nav dialog");
  const MAX_ATTRS_CHARS = 600;
  // Our own placeholders carry this attribute; they are never segmented.
  const PLACEHOLDER_ATTR = "data-appeal-placeholder";
  // What Python's str.isspace() / re "\s" call whitespace (JS's \s differs:
  // it lacks \x1c-\x1f and \x85 and adds \ufeff).
  const WS_CLASS = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  const WS_RUN = new RegExp("[" + WS_CLASS + "]+", "g");
  const WS_EDGES = new RegExp("^[" + WS_CLASS + "]+|[" + WS_CLASS + "]+$", "g");
  const SURROGATE = /[\ud800-\udfff]/;

  function normalizeSpace(text) {
    const s = text.replace(WS_RUN, " ");
    const start = s.charCodeAt(0) === 32 ? 1 : 0;
    const end = s.length > start && s.charCodeAt(s.length - 1) === 32 ? s.length - 1 : s.length;
    return start === 0 && end === s.length ? s : s.slice(start, end);
  }

  function strip(text) {
    return text.replace(WS_EDGES, "");
  }

  /** Length in code points, as Python's len() counts. */
  function codePointLength(text) {
    if (!SURROGATE.test(text)) return text.length;
    let n = 0;
    for (const _ of text) n++; // eslint-disable-line no-unused-vars
    return n;
  }

  function cutCodePoints(text, limit) {
    if (text.length <= limit) return text;
    if (!SURROGATE.test(text)) return text.slice(0, limit);
    return Array.from(text).slice(0, limit).join("");
  }

  function tagOf(el) {
    return (el.localName || "").toLowerCase();
  }

  function isBlockTag(tag) {
    return BLOCK_TAGS.has(tag);
  }

  /**
   * What Python sees: only the `hidden` attribute (an inline display:none is
   * often a modal the page shows later, so the offline segmenter keeps it).
   */
  function attributeHidden(el) {
    return el.hasAttribute("hidden");
  }

  /**
   * What the browser renders: the `hidden` attribute or a computed
   * display:none / visibility:hidden. Our own collapsing (an element that
   * carries `ignoreAttr`) does not count as hidden, so content that appears
   * inside a collapsed element is still seen.
   */
  function computedHidden(win, ignoreAttr) {
    return function isHidden(el) {
      if (el.hasAttribute("hidden")) return true;
      if (ignoreAttr && el.hasAttribute(ignoreAttr)) return false;
      const cs = win.getComputedStyle(el);
      return cs.display === "none" || cs.visibility === "hidden" || cs.visibility === "collapse";
    };
  }

  function ownTokens(el, tag) {
    let s = "";
    const id = el.getAttribute("id");
    if (id) s += id + " ";
    const cls = el.getAttribute("class");
    if (cls) s += cls + " ";
    const role = el.getAttribute("role");
    if (role) s += role + " ";
    const label = el.getAttribute("aria-label");
    if (label) s += label + " ";
    if (LANDMARK_TAGS.has(tag)) s += "_" + tag;
    return s;
  }

  /**
   * Tokens of the element, then of each ancestor outwards, up to (excluding) body/html.
   * With a cache, every element of the chain is remembered: the blocks inside one
   * wrapper share the wrapper's tokens, so each element's are read once per pass.
   */
  function attrsOf(el, cache) {
    const chain = []; // the element and its ancestors up to the first whose string is known
    let text = "";
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const tag = tagOf(node);
      if (tag === "body" || tag === "html") break;
      const hit = cache ? cache.get(node) : undefined;
      if (hit !== undefined) {
        text = hit;
        break;
      }
      chain.push(node);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      text = normalizeSpace(ownTokens(chain[i], tagOf(chain[i])) + " " + text);
      if (cache) cache.set(chain[i], text);
    }
    return cutCodePoints(text, MAX_ATTRS_CHARS);
  }

  /**
   * Fold the inline content of `el` into `acc.text` (and count link text into
   * `acc.links`); queue nested block-level elements into `out`.
   */
  function collect(el, acc, inLink, out, isHidden, onHidden) {
    for (let child = el.firstChild; child; child = child.nextSibling) {
      const type = child.nodeType;
      if (type === 3 || type === 4) {
        const data = child.data;
        acc.text += data;
        if (inLink) acc.links += codePointLength(strip(data));
        continue;
      }
      if (type !== 1) continue; // comments, processing instructions
      const tag = tagOf(child);
      if (SKIP_TAGS.has(tag) || child.hasAttribute(PLACEHOLDER_ATTR)) continue;
      if (isHidden(child)) {
        if (onHidden) onHidden(child);
        continue;
      }
      if (BLOCK_TAGS.has(tag)) {
        out.push(child);
        acc.text += " ";
      } else if (tag === "br") {
        acc.text += " ";
      } else {
        collect(child, acc, inLink || tag === "a", out, isHidden, onHidden);
      }
    }
  }

  /**
   * The own block of one element (no nested blocks), or null when its own text
   * is empty. Used for single elements (context menu, changed paragraphs).
   */
  function ownBlock(el, options) {
    const isHidden = (options && options.isHidden) || attributeHidden;
    const acc = { text: "", links: 0 };
    const tag = tagOf(el);
    collect(el, acc, tag === "a", [], isHidden);
    const text = normalizeSpace(acc.text);
    if (!text) return null;
    return makeBlock(el, tag, text, acc.links, (options && options.attrsCache) || null);
  }

  function makeBlock(el, tag, text, links, attrsCache) {
    return {
      el,
      text,
      tag,
      attrs: attrsOf(el, attrsCache),
      linkDensity: Math.min(1, links / Math.max(1, codePointLength(text))),
      position: 0,
    };
  }

  /**
   * Put segmentation roots in document order and drop what another root
   * already covers. An entry is {el, mode}: "tree" = the element and all the
   * blocks nested in it; "own" = only the element's own block; "nested" = only
   * the blocks nested in an inline element (its text belongs to its block).
   */
  function normalizeRoots(entries) {
    const trees = new Set();
    for (const e of entries) if ((e.mode || "tree") === "tree") trees.add(e.el);
    const modesOf = new Map();
    const kept = [];
    for (const e of entries) {
      const mode = e.mode || "tree";
      if (mode !== "tree" && trees.has(e.el)) continue; // the tree root covers it
      let modes = modesOf.get(e.el);
      if (modes && modes.has(mode)) continue;
      let covered = false;
      for (let p = e.el.parentElement; p && !covered; p = p.parentElement) covered = trees.has(p);
      if (covered) continue;
      if (!modes) modesOf.set(e.el, (modes = new Set()));
      modes.add(mode);
      kept.push({ el: e.el, mode });
    }
    // Document order; DOCUMENT_POSITION_FOLLOWING (4) means b comes after a.
    kept.sort((a, b) => (a.el === b.el ? 0 : a.el.compareDocumentPosition(b.el) & 4 ? -1 : 1));
    return kept;
  }

  /**
   * Incremental segmenter: call step() with a deadline until done, so a page
   * of thousands of blocks is cut into slices that leave the main thread to
   * the page in between.
   */
  class Segmenter {
    /** options.isHidden(el): skip el; options.onHidden(el): told of each element skipped as hidden. */
    constructor(entries, options) {
      const opts = options || {};
      this.isHidden = opts.isHidden || attributeHidden;
      this.onHidden = opts.onHidden || null;
      this.attrsCache = new Map();
      this.emitted = new Set();
      this.blocks = [];
      this.stack = [];
      for (let i = entries.length - 1; i >= 0; i--) {
        const e = entries[i];
        this.stack.push({ el: e.el, mode: e.mode || "tree", root: true });
      }
    }

    get done() {
      return this.stack.length === 0;
    }

    /** Work until `now() >= deadline` (checked every few elements) or done. Returns done. */
    step(deadline, now) {
      let n = 0;
      while (this.stack.length) {
        if (now && (++n & 7) === 0 && now() >= deadline) return false;
        const item = this.stack.pop();
        const el = item.el || item;
        const mode = item.mode || "tree";
        if (mode !== "nested") {
          if (this.emitted.has(el)) continue;
          if (item.root && (el.hasAttribute(PLACEHOLDER_ATTR) || this.isHidden(el))) {
            if (this.onHidden && !el.hasAttribute(PLACEHOLDER_ATTR)) this.onHidden(el);
            continue;
          }
          this.emitted.add(el);
        }
        const tag = tagOf(el);
        const nested = [];
        const acc = { text: "", links: 0 };
        collect(el, acc, tag === "a", nested, this.isHidden, this.onHidden);
        if (mode !== "nested") {
          const text = normalizeSpace(acc.text);
          if (text) this.blocks.push(makeBlock(el, tag, text, acc.links, this.attrsCache));
        }
        if (mode !== "own") for (let i = nested.length - 1; i >= 0; i--) this.stack.push(nested[i]);
      }
      return true;
    }
  }

  /** position = index / (number of blocks - 1), as over a whole page. */
  function numberBlocks(blocks) {
    const last = Math.max(1, blocks.length - 1);
    for (let i = 0; i < blocks.length; i++) blocks[i].position = i / last;
    return blocks;
  }

  /** Segment a whole document in one go (Node tests, small pages). */
  function segmentDocument(doc, options) {
    const body = doc.body || doc.documentElement;
    const seg = new Segmenter([{ el: body, mode: "tree" }], options);
    seg.step(Infinity, null);
    return numberBlocks(seg.blocks);
  }

  /** Segment the subtree of one element (Node tests). */
  function segmentElement(el, options) {
    const seg = new Segmenter([{ el, mode: "tree" }], options);
    seg.step(Infinity, null);
    return numberBlocks(seg.blocks);
  }

  /** The nearest block-level ancestor-or-self of a node (body at worst). */
  function blockAncestor(node) {
    let el = node && node.nodeType === 1 ? node : node && node.parentElement;
    while (el && !BLOCK_TAGS.has(tagOf(el))) el = el.parentElement;
    return el;
  }

  return Object.freeze({
    BLOCK_TAGS,
    SKIP_TAGS,
    LANDMARK_TAGS,
    MAX_ATTRS_CHARS,
    PLACEHOLDER_ATTR,
    normalizeSpace,
    codePointLength,
    tagOf,
    isBlockTag,
    attributeHidden,
    computedHidden,
    attrsOf,
    ownBlock,
    normalizeRoots,
    Segmenter,
    numberBlocks,
    segmentDocument,
    segmentElement,
    blockAncestor,
  });
});
