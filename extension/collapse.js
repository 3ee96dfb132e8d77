/*
 * Collapsing: which elements to hide for a set of classified blocks, and a
 * reversible way to hide them.
 *
 * plan() picks "units" (elements to collapse) and merges adjacent units of one
 * category into runs. The rule that matters most: an element is collapsed only
 * when no block in its subtree was left unflagged, so article text is never
 * hidden; a flagged block that wraps content stays visible and its flagged
 * children are collapsed instead. A unit grows to an ancestor that holds
 * nothing else (no content, no large media), so an appeal box goes as a whole.
 *
 * Collapser marks units with data-appeal-hidden="<category>", which one
 * injected stylesheet hides, puts one placeholder before each run ("Show" /
 * "Hide" / "Not an appeal"), keeps every marked node in a Set, and reset()
 * undoes all of it. Nodes are never removed or rewritten.
 *
 * Plain script with a CommonJS guard (global `AppealCollapse` in the extension).
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.AppealCollapse = api;
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  const ATTR_HIDDEN = "data-appeal-hidden";
  const ATTR_REVEALED = "data-appeal-revealed";
  const ATTR_PLACEHOLDER = "data-appeal-placeholder";
  const STYLE_ID = "appeal-detector-style";
  const MARKED_SELECTOR = `[${ATTR_HIDDEN}],[${ATTR_REVEALED}]`;
  const OURS_SELECTOR = `[${ATTR_HIDDEN}],[${ATTR_REVEALED}],[${ATTR_PLACEHOLDER}]`;
  // Never a unit: the page itself, and table parts whose loss breaks the table's grid.
  const NEVER_UNIT = new Set(["html", "body", "head", "td", "th", "thead", "tbody", "tfoot", "caption", "colgroup", "col", "summary"]);
  const CELLS = new Set(["td", "th"]);
  const HEAVY_MEDIA = "video,audio,iframe,embed,object,canvas";
  const BIG_IMAGE_WIDTH = 240;
  const BIG_IMAGE_HEIGHT = 180;
  const MAX_CLIMB = 8;

  const DOC_CSS =
    `[${ATTR_HIDDEN}]{display:none!important}` +
    `[${ATTR_PLACEHOLDER}]{display:block!important;visibility:visible!important;opacity:1!important;` +
    "float:none!important;position:static!important;transform:none!important;clip-path:none!important;" +
    "width:auto!important;max-width:100%!important;height:auto!important;min-height:0!important;" +
    "margin:6px 0!important;padding:0!important;border:0!important;background:none!important}" +
    `li[${ATTR_PLACEHOLDER}]{display:list-item!important;list-style:none!important}` +
    `tr[${ATTR_PLACEHOLDER}]{display:table-row!important}`;

  const UI_CSS =
    ":host{all:initial;display:block}" +
    ".bar{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px;box-sizing:border-box;margin:0;" +
    "padding:5px 10px;border:1px dashed #9aa4b2;border-radius:6px;background:#f5f7fa;color:#364152;" +
    'font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;text-align:start}' +
    ".label{flex:1 1 12em;min-width:0}" +
    "button{font:inherit;margin:0;padding:2px 10px;border:1px solid #9aa4b2;border-radius:4px;" +
    "background:#fff;color:#1f2937;cursor:pointer}" +
    "button:hover{background:#e9eef5}button:focus-visible{outline:2px solid #2563eb;outline-offset:1px}" +
    "button.not{border-color:transparent;background:transparent;color:#4b5563;text-decoration:underline}" +
    "@media (prefers-color-scheme:dark){.bar{background:#1f2430;color:#cbd5e1;border-color:#4b5563}" +
    "button{background:#2b3240;color:#e5e7eb;border-color:#4b5563}button.not{color:#9ca3af}}";

  const ENGLISH = {
    extName: "Appeal Detector",
    show: "Show",
    hide: "Hide",
    notAnAppeal: "Not an appeal",
    placeholderLabel: "$1 hidden · blocks: $2",
    placeholderLabelShown: "$1 · blocks: $2",
    cat_donation: "Donation appeal",
    cat_paywall: "Paywall",
    cat_newsletter: "Newsletter sign-up",
    cat_adblock: "Ad-blocker appeal",
    cat_foreign_agent: "Foreign-agent notice",
  };

  /** English strings for Node and for keys the locale lacks; chrome.i18n.getMessage in the extension. */
  function englishT(key, subs) {
    let s = ENGLISH[key] || key;
    (subs || []).forEach((v, i) => {
      s = s.split("$" + (i + 1)).join(String(v));
    });
    return s;
  }

  function tagOf(el) {
    return (el.localName || "").toLowerCase();
  }

  /**
   * Which elements hold content: for each element, how many content blocks
   * sit in its subtree (itself included). Kept across passes, and a block
   * that changes from content to appeal is taken out again.
   */
  class ContentIndex {
    constructor() {
      this.counts = new WeakMap();
      this.blocks = new WeakSet();
    }

    add(el) {
      if (this.blocks.has(el)) return;
      this.blocks.add(el);
      for (let n = el; n; n = n.parentElement) this.counts.set(n, (this.counts.get(n) || 0) + 1);
    }

    remove(el) {
      if (!this.blocks.has(el)) return;
      this.blocks.delete(el);
      for (let n = el; n; n = n.parentElement) {
        const c = (this.counts.get(n) || 0) - 1;
        if (c > 0) this.counts.set(n, c);
        else this.counts.delete(n);
      }
    }

    /** True when the element is, or holds, a content block. */
    has(el) {
      return (this.counts.get(el) || 0) > 0;
    }
  }

  function hasBigMedia(el) {
    if (el.querySelector(HEAVY_MEDIA)) return true;
    for (const img of el.querySelectorAll("img")) {
      let w = Number(img.getAttribute("width")) || 0;
      let h = Number(img.getAttribute("height")) || 0;
      if (typeof img.getBoundingClientRect === "function") {
        const r = img.getBoundingClientRect();
        w = Math.max(w, r.width);
        h = Math.max(h, r.height);
      }
      if (w >= BIG_IMAGE_WIDTH || h >= BIG_IMAGE_HEIGHT) return true;
    }
    return false;
  }

  function isMarked(el) {
    return !!el.closest(MARKED_SELECTOR);
  }

  function rowOf(cell) {
    for (let p = cell.parentElement; p; p = p.parentElement) {
      const tag = tagOf(p);
      if (tag === "tr") return p;
      if (tag === "table") return null;
    }
    return null;
  }

  function canClimbTo(p, ctx) {
    if (!p.parentElement || NEVER_UNIT.has(tagOf(p))) return false;
    if (ctx.content.has(p) || (ctx.kept && ctx.kept.has(p))) return false;
    if (p.matches(OURS_SELECTOR) || p.querySelector(OURS_SELECTOR)) return false;
    return !hasBigMedia(p);
  }

  /**
   * blocks: [{el}] in document order; decisions: [{hide, category}] (same order).
   * ctx.content: a ContentIndex kept across passes (updated here with these
   * decisions); ctx.kept: a Set/WeakSet of elements the user said are not appeals.
   * Returns runs: [{category, elements: [unit elements], blocks: [block indices]}].
   */
  function plan(blocks, decisions, ctx) {
    const content = ctx.content;
    for (let i = 0; i < blocks.length; i++) {
      if (decisions[i].hide) content.remove(blocks[i].el);
      else content.add(blocks[i].el);
    }
    const units = new Map();
    for (let i = 0; i < blocks.length; i++) {
      const d = decisions[i];
      if (!d.hide) continue;
      let u = blocks[i].el;
      if (!u.isConnected || content.has(u) || isMarked(u)) continue;
      if (CELLS.has(tagOf(u))) {
        u = rowOf(u);
        if (!u || content.has(u) || isMarked(u)) continue;
      }
      if (NEVER_UNIT.has(tagOf(u))) continue;
      for (let p = u.parentElement, n = 0; p && n < MAX_CLIMB && canClimbTo(p, ctx); p = p.parentElement, n++) u = p;
      if (!units.has(u)) units.set(u, { el: u, category: d.category, blocks: [] });
    }
    for (const el of [...units.keys()]) {
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (units.has(p)) {
          units.delete(el);
          break;
        }
      }
    }
    const runs = [];
    let run = null;
    for (let i = 0; i < blocks.length; i++) {
      if (!decisions[i].hide) {
        run = null;
        continue;
      }
      let unit = null;
      for (let n = blocks[i].el; n && !unit; n = n.parentElement) unit = units.get(n) || null;
      if (!unit) {
        run = null; // a flagged block left visible splits runs like content does
        continue;
      }
      unit.blocks.push(i);
      if (run && run.units[run.units.length - 1] === unit) continue;
      if (run && run.category === unit.category) {
        run.units.push(unit);
        continue;
      }
      run = { category: unit.category, units: [unit] };
      runs.push(run);
    }
    return runs.map((r) => ({
      category: r.category,
      elements: r.units.map((u) => u.el),
      blocks: r.units.flatMap((u) => u.blocks),
    }));
  }

  /** Merge the reasons of a run's blocks: unique cues, strongest first. */
  function reasonsOf(blocks, limit) {
    const best = new Map();
    for (const b of blocks) {
      for (const w of b.why || []) {
        const weight = typeof w.weight === "number" ? Math.abs(w.weight) : 0;
        if (!best.has(w.cue) || best.get(w.cue) < weight) best.set(w.cue, weight);
      }
    }
    return [...best.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit || 5).map(([cue]) => cue);
  }

  class Collapser {
    /**
     * options.t(key, subs): strings; options.onNotAppeal(run): the user's
     * correction; options.onChange(): after any show/hide/release.
     */
    constructor(doc, options) {
      const opts = options || {};
      this.doc = doc;
      this.t = opts.t || englishT;
      this.onNotAppeal = opts.onNotAppeal || null;
      this.onChange = opts.onChange || null;
      this.marked = new Set(); // every element that carries our attribute
      this.runs = new Map(); // run id -> run
      this.runOf = new Map(); // unit element -> run id
      this.nextId = 1;
      this.styleEl = null;
      this.docSheet = null;
      this.uiSheet = null;
    }

    /** Insert the one stylesheet (again, if the page dropped it). */
    ensureStyle() {
      const doc = this.doc;
      if (this.docSheet && Array.from(doc.adoptedStyleSheets || []).includes(this.docSheet)) return;
      if (this.styleEl && this.styleEl.isConnected) return;
      const win = doc.defaultView;
      try {
        if (win && typeof win.CSSStyleSheet === "function" && "adoptedStyleSheets" in doc) {
          const sheet = this.docSheet || new win.CSSStyleSheet();
          if (!this.docSheet) sheet.replaceSync(DOC_CSS);
          doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
          this.docSheet = sheet;
          return;
        }
      } catch {
        this.docSheet = null; // constructable sheets unavailable here: fall back to a <style>
      }
      const style = this.styleEl || doc.createElement("style");
      style.id = STYLE_ID;
      style.textContent = DOC_CSS;
      (doc.head || doc.documentElement).appendChild(style);
      this.styleEl = style;
    }

    styleShadow(shadow) {
      const win = this.doc.defaultView;
      try {
        if (win && typeof win.CSSStyleSheet === "function" && "adoptedStyleSheets" in shadow) {
          if (!this.uiSheet) {
            const sheet = new win.CSSStyleSheet();
            sheet.replaceSync(UI_CSS);
            this.uiSheet = sheet;
          }
          shadow.adoptedStyleSheets = [this.uiSheet];
          return;
        }
      } catch {
        // fall through to a <style> inside the shadow root
      }
      const style = this.doc.createElement("style");
      style.textContent = UI_CSS;
      shadow.appendChild(style);
    }

    label(run) {
      const name = this.t("cat_" + run.category);
      const key = run.shown ? "placeholderLabelShown" : "placeholderLabel";
      return this.t(key, [name, String(run.blocks.length)]);
    }

    buildPlaceholder(run, first) {
      const doc = this.doc;
      const firstTag = tagOf(first);
      const parentTag = first.parentElement ? tagOf(first.parentElement) : "";
      let outer;
      let host;
      if (firstTag === "tr") {
        outer = doc.createElement("tr");
        const cell = doc.createElement("td");
        cell.colSpan = 1000;
        host = doc.createElement("div");
        cell.appendChild(host);
        outer.appendChild(cell);
      } else if (firstTag === "li" || parentTag === "ul" || parentTag === "ol") {
        outer = doc.createElement("li");
        host = doc.createElement("div");
        outer.appendChild(host);
      } else {
        outer = host = doc.createElement("div");
      }
      outer.setAttribute(ATTR_PLACEHOLDER, run.id);
      const shadow = host.attachShadow({ mode: "open" });
      this.styleShadow(shadow);
      const bar = doc.createElement("div");
      bar.className = "bar";
      bar.setAttribute("role", "group");
      bar.setAttribute("aria-label", this.t("extName"));
      const label = doc.createElement("span");
      label.className = "label";
      const toggle = doc.createElement("button");
      toggle.type = "button";
      toggle.className = "toggle";
      const not = doc.createElement("button");
      not.type = "button";
      not.className = "not";
      not.textContent = this.t("notAnAppeal");
      bar.append(label, toggle, not);
      shadow.appendChild(bar);
      shadow.addEventListener("click", (event) => this.onClick(event, run.id));
      run.ui = { label, toggle };
      return outer;
    }

    onClick(event, id) {
      const button = event.target && event.target.closest ? event.target.closest("button") : null;
      if (!button) return;
      event.preventDefault(); // the placeholder may sit inside a link
      event.stopPropagation(); // and page handlers must not see our clicks
      const run = this.runs.get(id);
      if (!run) return;
      if (button.classList.contains("toggle")) {
        if (run.shown) this.hide(id);
        else this.show(id);
      } else if (button.classList.contains("not")) {
        const released = this.release(id);
        if (released && this.onNotAppeal) this.onNotAppeal(released);
      }
    }

    refresh(run) {
      run.ui.label.textContent = this.label(run);
      run.ui.toggle.textContent = this.t(run.shown ? "hide" : "show");
      run.ui.toggle.setAttribute("aria-expanded", String(run.shown));
    }

    /**
     * Collapse one planned run. blocks: [{text, attrs, category, why}] of the
     * flagged blocks inside it. Returns the run record, or null when nothing
     * was left to collapse.
     */
    apply(planned, blocks) {
      const elements = planned.elements.filter((el) => el.isConnected && !this.marked.has(el) && el.parentNode);
      if (!elements.length) return null;
      this.ensureStyle();
      const run = {
        id: "r" + this.nextId++,
        category: planned.category,
        elements,
        blocks: blocks || [],
        shown: false,
        placeholder: null,
        ui: null,
      };
      run.placeholder = this.buildPlaceholder(run, elements[0]);
      elements[0].parentNode.insertBefore(run.placeholder, elements[0]);
      for (const el of elements) {
        el.setAttribute(ATTR_HIDDEN, run.category);
        this.marked.add(el);
        this.runOf.set(el, run.id);
      }
      this.runs.set(run.id, run);
      this.refresh(run);
      return run;
    }

    show(id) {
      const run = this.runs.get(id);
      if (!run || run.shown) return false;
      for (const el of run.elements) {
        el.removeAttribute(ATTR_HIDDEN);
        el.setAttribute(ATTR_REVEALED, run.category);
      }
      run.shown = true;
      this.refresh(run);
      if (this.onChange) this.onChange();
      return true;
    }

    hide(id) {
      const run = this.runs.get(id);
      if (!run || !run.shown) return false;
      for (const el of run.elements) {
        el.removeAttribute(ATTR_REVEALED);
        el.setAttribute(ATTR_HIDDEN, run.category);
      }
      run.shown = false;
      this.refresh(run);
      if (this.onChange) this.onChange();
      return true;
    }

    /** Undo one run for good (a correction, or content found inside it). Returns the run. */
    release(id) {
      const run = this.runs.get(id);
      if (!run) return null;
      for (const el of run.elements) {
        el.removeAttribute(ATTR_HIDDEN);
        el.removeAttribute(ATTR_REVEALED);
        this.marked.delete(el);
        this.runOf.delete(el);
      }
      run.placeholder.remove();
      this.runs.delete(id);
      if (this.onChange) this.onChange();
      return run;
    }

    /** The run whose unit is `el` or holds it, if any. */
    runContaining(el) {
      for (let n = el; n; n = n.parentElement) {
        const id = this.runOf.get(n);
        if (id) return this.runs.get(id) || null;
      }
      return null;
    }

    /** Drop runs whose elements the page removed. Returns how many. */
    prune() {
      let n = 0;
      for (const run of [...this.runs.values()]) {
        if (run.elements.every((el) => !el.isConnected)) {
          this.release(run.id);
          n++;
        }
      }
      return n;
    }

    /** Undo everything: attributes, placeholders, the stylesheet. */
    reset() {
      for (const id of [...this.runs.keys()]) {
        const run = this.runs.get(id);
        run.placeholder.remove();
        this.runs.delete(id);
      }
      for (const el of this.marked) {
        el.removeAttribute(ATTR_HIDDEN);
        el.removeAttribute(ATTR_REVEALED);
      }
      this.marked.clear();
      this.runOf.clear();
      if (this.styleEl) this.styleEl.remove();
      this.styleEl = null;
      if (this.docSheet) {
        try {
          this.doc.adoptedStyleSheets = Array.from(this.doc.adoptedStyleSheets).filter((s) => s !== this.docSheet);
        } catch {
          // nothing adopted, nothing to undo
        }
      }
    }

    /** Hidden blocks by category (runs the user revealed are not counted). */
    counts() {
      const byCategory = {};
      let total = 0;
      for (const run of this.runs.values()) {
        if (run.shown) continue;
        byCategory[run.category] = (byCategory[run.category] || 0) + run.blocks.length;
        total += run.blocks.length;
      }
      return { total, byCategory };
    }

    /** What the popup lists. */
    summary() {
      return [...this.runs.values()].map((run) => ({
        id: run.id,
        category: run.category,
        count: run.blocks.length,
        shown: run.shown,
        text: run.blocks.length ? run.blocks[0].text.slice(0, 160) : "",
        why: reasonsOf(run.blocks, 4),
      }));
    }
  }

  return Object.freeze({
    ATTR_HIDDEN,
    ATTR_REVEALED,
    ATTR_PLACEHOLDER,
    STYLE_ID,
    DOC_CSS,
    englishT,
    ContentIndex,
    plan,
    reasonsOf,
    Collapser,
  });
});
