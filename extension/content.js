/*
 * Content script: segments the rendered page into blocks, sends them to the
 * background (which asks the local service), and collapses the flagged ones.
 * It never touches the network or extension storage itself, and nothing it
 * does may throw into the page.
 *
 * Work is cut into slices of a few milliseconds that yield to the page. Each
 * pass ends with data-appeal-detector="ready" on <html>; the pass's own
 * main-thread time is in data-appeal-detector-stats (JSON).
 *
 * Loaded after segment.js, collapse.js and messages.js (see manifest.json),
 * whose globals it uses.
 */
(() => {
  "use strict";
  if (globalThis.__appealDetectorLoaded) return; // injected twice (e.g. after an update)
  globalThis.__appealDetectorLoaded = true;

  const ext = globalThis.browser && globalThis.browser.runtime ? globalThis.browser : globalThis.chrome;
  const S = globalThis.AppealSegment;
  const C = globalThis.AppealCollapse;
  const M = globalThis.AppealMessages;
  const T = M.T;
  const doc = document;
  const root = doc.documentElement;
  if (!ext || !ext.runtime || !S || !C || !M || !root || root.namespaceURI !== "http://www.w3.org/1999/xhtml") return;

  const SLICE_MS = 8; // one slice of our work before the page gets the thread back
  const MAX_HIDDEN_WATCHED = 2000; // hidden elements remembered to recheck when the page shows them
  const FLUSH_MS = 100; // DOM changes are batched this long (late appeals: collapsed well within 0.5 s)
  const CONCURRENCY = 2; // classify batches in flight at once
  const MARKER = "data-appeal-detector";
  const now = () => performance.now();

  const isHidden = S.computedHidden(window, C.ATTR_HIDDEN);

  function t(key, subs) {
    try {
      const s = ext.i18n.getMessage(key, subs);
      if (s) return s;
    } catch {
      // no i18n here (extension reloaded): English
    }
    return C.englishT(key, subs);
  }

  const page = {
    status: "pending", // ok | off | down | unpaired | error
    generation: 0, // bumped by a reset: passes from before it stop
    passes: 0,
    queue: [],
    running: false,
    flushTimer: 0,
    dirty: new Set(), // elements added (or whose class/style changed) since the last flush
    dirtyText: new Set(), // elements whose own text nodes changed
    attrTargets: new Set(), // processed elements whose class/style changed (may show hidden ones)
    hiddenSkipped: new Set(), // elements skipped because not rendered, rechecked when an ancestor changes
    cache: new WeakMap(), // block element -> {text, decision}
    processed: new WeakSet(), // block elements already segmented
    content: new C.ContentIndex(),
    kept: new WeakSet(), // elements the user said are not appeals
    order: [], // block elements of the last full pass, in document order
    known: [], // every block element seen, for "hide blocks like this"
    lastContextTarget: null,
    lastStats: null,
  };

  const collapser = new C.Collapser(doc, {
    t,
    onNotAppeal: (run) => notAnAppeal(run),
    onChange: () => report(),
  });

  // ------------------------------------------------------------ helpers

  async function send(message) {
    if (!ext.runtime || !ext.runtime.id) {
      // The extension was updated or removed: this copy of the script is orphaned.
      observer.disconnect();
      return { status: "error", message: "the extension was reloaded" };
    }
    try {
      const reply = await ext.runtime.sendMessage(message);
      if (!reply) return { status: "error", message: "no answer from the background" };
      if (reply.error) return { status: "error", message: reply.error };
      return reply;
    } catch (err) {
      return { status: "error", message: String((err && err.message) || err) };
    }
  }

  function newClock() {
    return { start: now(), busy: 0, maxSlice: 0, phases: {}, marks: {} };
  }

  /** Wall-clock time since the pass started, noted under a name (for the stats). */
  function mark(clock, name) {
    clock.marks[name] = Math.round((now() - clock.start) * 10) / 10;
  }

  /** Run fn as one slice of our own main-thread work, and count its time (per phase too). */
  function timed(clock, phase, fn) {
    const t0 = now();
    try {
      return fn();
    } finally {
      const d = now() - t0;
      clock.busy += d;
      if (d > clock.maxSlice) clock.maxSlice = d;
      const p = clock.phases[phase] || (clock.phases[phase] = { ms: 0, max: 0 });
      p.ms += d;
      if (d > p.max) p.max = d;
    }
  }

  function yieldToPage() {
    const sched = globalThis.scheduler;
    if (sched && typeof sched.yield === "function") return sched.yield();
    return new Promise((resolve) => setTimeout(resolve, 0));
  }

  /**
   * Resolve after the browser's next rendering step (or 100 ms, in a tab that does not
   * render): the page's first style calculation then happens there, not inside our first
   * slice, where a heavy page's can take tens of milliseconds.
   */
  function afterNextFrame() {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        setTimeout(resolve, 0);
      };
      const timer = setTimeout(done, 100);
      requestAnimationFrame(done);
    });
  }

  class Cancelled extends Error {}

  async function segmentSliced(entries, clock, gen, stop) {
    const onHidden = (el) => {
      if (page.hiddenSkipped.size < MAX_HIDDEN_WATCHED) page.hiddenSkipped.add(el);
    };
    const seg = timed(clock, "segment", () => new S.Segmenter(entries, { isHidden, onHidden }));
    for (;;) {
      const done = timed(clock, "segment", () => seg.step(now() + SLICE_MS, now));
      if (done) return seg.blocks;
      await yieldToPage();
      if (gen !== page.generation) throw new Cancelled();
      if (stop && stop()) return null;
    }
  }

  function setMarker(state) {
    root.setAttribute(MARKER, state);
  }

  function finish(status, clock, extra) {
    page.status = status;
    page.passes += 1;
    const stats = Object.assign(
      {
        pass: page.passes,
        status,
        ms: Math.round(clock.busy * 100) / 100,
        slice: Math.round(clock.maxSlice * 100) / 100,
        phases: Object.fromEntries(
          Object.entries(clock.phases).map(([k, v]) => [k, { ms: Math.round(v.ms * 100) / 100, max: Math.round(v.max * 100) / 100 }])
        ),
        marks: clock.marks,
        serviceMs: clock.serviceMs,
        start: Math.round(clock.start * 10) / 10,
        at: Math.round(now() * 10) / 10,
      },
      extra || {}
    );
    page.lastStats = stats;
    root.setAttribute(MARKER + "-status", status);
    root.setAttribute(MARKER + "-stats", JSON.stringify(stats));
    setMarker("ready");
    report();
  }

  function report() {
    const { total, byCategory } = collapser.counts();
    send({ type: T.REPORT_STATE, status: page.status === "pending" ? "ok" : page.status, total, byCategory });
  }

  /** Forget every mark and everything learnt about the page. */
  function teardown() {
    page.generation += 1;
    page.queue = [];
    clearTimeout(page.flushTimer);
    page.flushTimer = 0;
    page.dirty.clear();
    page.dirtyText.clear();
    page.attrTargets.clear();
    page.hiddenSkipped.clear();
    collapser.reset();
    page.cache = new WeakMap();
    page.processed = new WeakSet();
    page.content = new C.ContentIndex();
    page.order = [];
    page.known = [];
  }

  /** Position of a late block among the page's blocks (binary search in document order). */
  function positionOf(el) {
    const order = page.order;
    if (order.length < 2) return 0.5;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order[mid] === el) {
        lo = mid;
        break;
      }
      if (order[mid].compareDocumentPosition(el) & 4) lo = mid + 1; // el follows order[mid]
      else hi = mid;
    }
    return Math.min(1, lo / (order.length - 1));
  }

  // ------------------------------------------------------------ classification

  /** Ask the background about blocks; returns {status, decisions}. */
  async function classify(blocks, clock, gen) {
    const decisions = new Array(blocks.length);
    const batches = M.batchRanges(blocks);
    let status = "ok";
    let message = "";
    let next = 0;
    async function worker() {
      while (next < batches.length && status === "ok") {
        const [from, to] = batches[next++];
        const pending = timed(clock, "send", () => {
          const payload = [];
          for (let i = from; i < to; i++) {
            const b = blocks[i];
            payload.push({
              id: String(i),
              text: M.clip(b.text),
              tag: b.tag,
              attrs: b.attrs,
              link_density: b.linkDensity,
              position: b.position,
            });
          }
          return send({ type: T.CLASSIFY, url: location.href, blocks: payload });
        });
        const reply = await pending;
        if (gen !== page.generation) throw new Cancelled();
        if (reply.status !== "ok" || !Array.isArray(reply.results) || reply.results.length !== to - from) {
          if (status === "ok") {
            status = reply.status && reply.status !== "ok" ? reply.status : "error";
            message = reply.message || "";
          }
          return;
        }
        for (let j = 0; j < reply.results.length; j++) decisions[from + j] = reply.results[j];
        if (typeof reply.serviceMs === "number") clock.serviceMs = (clock.serviceMs || 0) + reply.serviceMs;
      }
    }
    const workers = [];
    for (let k = 0; k < Math.min(CONCURRENCY, batches.length); k++) workers.push(worker());
    await Promise.all(workers);
    return { status, message, decisions };
  }

  function blockInfo(block, decision) {
    return {
      el: block.el,
      text: block.text,
      attrs: block.attrs,
      category: decision.category,
      why: decision.why || [],
    };
  }

  /** Record decisions, free runs that now hold content, plan and collapse. */
  async function applyDecisions(blocks, decisions, clock, gen) {
    const runs = timed(clock, "plan", () => {
      for (let i = 0; i < blocks.length; i++) {
        const el = blocks[i].el;
        if (page.kept.has(el) && decisions[i].hide) decisions[i] = Object.assign({}, decisions[i], { hide: false });
        if (!page.cache.has(el)) page.known.push(el);
        page.cache.set(el, { text: blocks[i].text, decision: decisions[i] });
        page.processed.add(el);
        if (!decisions[i].hide) {
          const run = collapser.runContaining(el);
          if (run) collapser.release(run.id); // never keep content collapsed
        }
      }
      collapser.prune();
      return C.plan(blocks, decisions, { content: page.content, kept: page.kept });
    });
    let sliceEnd = now() + SLICE_MS;
    for (const planned of runs) {
      if (now() >= sliceEnd) {
        await yieldToPage();
        if (gen !== page.generation) throw new Cancelled();
        sliceEnd = now() + SLICE_MS;
      }
      timed(clock, "collapse", () => collapser.apply(planned, planned.blocks.map((i) => blockInfo(blocks[i], decisions[i]))));
    }
    return runs.length;
  }

  // ------------------------------------------------------------ passes

  async function fullPass() {
    const gen = page.generation;
    const clock = newClock();
    setMarker("working");
    // The answer only saves work on a site that is off: nothing waits for it (CLASSIFY
    // answers "off" there too, and no page text goes further than the background).
    let config = null;
    send({ type: T.PAGE_CONFIG, url: location.href }).then((reply) => {
      config = reply;
    });
    const off = () => !!config && config.status === "ok" && config.enabled === false;
    if (page.passes === 0) await afterNextFrame();
    if (gen !== page.generation) throw new Cancelled();
    const blocks = await segmentSliced([{ el: doc.body || root, mode: "tree" }], clock, gen, off);
    mark(clock, "segmented");
    if (gen !== page.generation) throw new Cancelled();
    if (!blocks || off()) {
      finish("off", clock, { blocks: blocks ? blocks.length : 0 });
      return;
    }
    timed(clock, "segment", () => {
      S.numberBlocks(blocks);
      page.order = blocks.map((b) => b.el);
    });
    if (!blocks.length) {
      finish("ok", clock, { blocks: 0, sent: 0, hidden: 0 });
      return;
    }
    const result = await classify(blocks, clock, gen);
    mark(clock, "classified");
    if (result.status === "off") {
      finish("off", clock, { blocks: blocks.length });
      return;
    }
    if (result.status !== "ok") {
      finish(result.status, clock, { blocks: blocks.length, message: result.message });
      return;
    }
    await applyDecisions(blocks, result.decisions, clock, gen);
    mark(clock, "collapsed");
    finish("ok", clock, { blocks: blocks.length, sent: blocks.length, hidden: collapser.counts().total });
  }

  async function partialPass(entries) {
    if (page.status !== "ok") return; // off, down or unpaired: leave the page alone until a rescan
    const gen = page.generation;
    const clock = newClock();
    const blocks = await segmentSliced(entries, clock, gen);
    if (!blocks.length) return;
    const fresh = [];
    const decisions = new Array(blocks.length);
    timed(clock, "segment", () => {
      for (let i = 0; i < blocks.length; i++) {
        const cached = page.cache.get(blocks[i].el);
        if (cached && cached.text === blocks[i].text) decisions[i] = cached.decision;
        else {
          blocks[i].position = positionOf(blocks[i].el);
          fresh.push(blocks[i]);
        }
      }
    });
    if (!fresh.length) return; // nothing changed: no request, no marks
    const result = await classify(fresh, clock, gen);
    if (result.status !== "ok") return; // the page stays as it is
    let k = 0;
    for (let i = 0; i < blocks.length; i++) if (decisions[i] === undefined) decisions[i] = result.decisions[k++];
    await applyDecisions(blocks, decisions, clock, gen);
    finish("ok", clock, { blocks: blocks.length, sent: fresh.length, hidden: collapser.counts().total, late: true });
  }

  function enqueue(job) {
    if (job.kind === "full") page.queue = [job];
    else page.queue.push(job);
    pump();
  }

  async function pump() {
    if (page.running) return;
    page.running = true;
    try {
      while (page.queue.length) {
        const job = page.queue.shift();
        try {
          if (job.kind === "full") await fullPass();
          else await partialPass(job.entries);
        } catch (err) {
          if (!(err instanceof Cancelled)) {
            page.lastError = String((err && err.stack) || err);
            if (job.kind === "full") finish("error", newClock(), { message: String(err && err.message) });
          }
        }
      }
    } finally {
      page.running = false;
    }
  }

  // ------------------------------------------------------------ late changes

  function isOurs(node) {
    const el = node.nodeType === 1 ? node : node.parentElement;
    if (!el) return true;
    if (doc.head && (el === doc.head || doc.head.contains(el))) return true;
    return !!el.closest("[" + C.ATTR_PLACEHOLDER + "]");
  }

  /** Rendered, and not inside anything skipped (our own collapsing does not count). */
  function visibleRoot(el) {
    for (let n = el; n && n !== root; n = n.parentElement) {
      if (S.SKIP_TAGS.has(S.tagOf(n)) || n.hasAttribute("hidden") || n.hasAttribute(C.ATTR_PLACEHOLDER)) return false;
      if (n.hasAttribute(C.ATTR_HIDDEN)) continue;
      const cs = getComputedStyle(n);
      if (cs.display === "none" || (n === el && cs.visibility !== "visible")) return false;
    }
    return true;
  }

  function onMutations(records) {
    if (page.status !== "ok" && page.status !== "pending") return;
    let any = false;
    for (const r of records) {
      const target = r.target;
      if (r.type === "childList") {
        if (!r.addedNodes.length || isOurs(target)) continue;
        for (const n of r.addedNodes) {
          if (n.nodeType === 1) {
            if (n.hasAttribute(C.ATTR_PLACEHOLDER) || S.SKIP_TAGS.has(S.tagOf(n))) continue;
            if (!/\S/.test(n.textContent || "")) continue; // nothing to read (yet)
            page.dirty.add(n);
            any = true;
          } else if (n.nodeType === 3 && /\S/.test(n.data)) {
            page.dirtyText.add(target);
            any = true;
          }
        }
      } else if (r.type === "attributes") {
        if (target.nodeType !== 1 || isOurs(target)) continue;
        if (!page.processed.has(target)) page.dirty.add(target);
        else if (page.hiddenSkipped.size) page.attrTargets.add(target); // it may have shown a hidden descendant
        else continue;
        any = true;
      }
    }
    if (any && !page.flushTimer) page.flushTimer = setTimeout(flush, FLUSH_MS);
  }

  function flush() {
    page.flushTimer = 0;
    if (page.status !== "ok" && page.status !== "pending") return;
    const entries = [];
    for (const el of page.dirtyText) {
      const block = el.isConnected ? S.blockAncestor(el) : null;
      if (block && visibleRoot(block)) entries.push({ el: block, mode: "own" });
    }
    if (page.attrTargets.size) {
      // Elements skipped as hidden that a class/style change on an ancestor has shown.
      const targets = [...page.attrTargets];
      for (const el of page.hiddenSkipped) {
        if (!el.isConnected) {
          page.hiddenSkipped.delete(el);
          continue;
        }
        if (!targets.some((t) => t === el || t.contains(el))) continue;
        // checkVisibility() is the quick test; our own collapsing hides too, so then ask visibleRoot().
        let shown = typeof el.checkVisibility === "function" ? el.checkVisibility({ visibilityProperty: true }) : true;
        if (!shown && el.closest("[" + C.ATTR_HIDDEN + "]")) shown = true;
        if (!shown || !visibleRoot(el)) continue;
        page.hiddenSkipped.delete(el);
        page.dirty.add(el);
      }
    }
    for (const el of page.dirty) {
      if (!el.isConnected || !visibleRoot(el)) continue;
      if (S.isBlockTag(S.tagOf(el))) entries.push({ el, mode: "tree" });
      else {
        const block = S.blockAncestor(el.parentElement);
        if (block) entries.push({ el: block, mode: "own" });
        entries.push({ el, mode: "nested" });
      }
    }
    page.dirty.clear();
    page.dirtyText.clear();
    page.attrTargets.clear();
    if (entries.length) enqueue({ kind: "partial", entries: S.normalizeRoots(entries) });
  }

  const observer = new MutationObserver(onMutations);

  // ------------------------------------------------------------ corrections

  function notAnAppeal(run) {
    const items = [];
    for (const b of run.blocks) {
      page.kept.add(b.el);
      const cached = page.cache.get(b.el);
      if (cached) cached.decision = Object.assign({}, cached.decision, { hide: false, category: null });
      page.content.add(b.el);
      items.push({ text: M.clip(b.text), attrs: b.attrs, label: "content" });
    }
    for (const el of run.elements) page.kept.add(el);
    for (let i = 0; i < items.length; i += M.MAX_FEEDBACK_ITEMS) {
      send({ type: T.FEEDBACK, url: location.href, items: items.slice(i, i + M.MAX_FEEDBACK_ITEMS) });
    }
    report();
  }

  async function hideLikeThis(category) {
    const target = page.lastContextTarget;
    if (!target || !target.isConnected || isOurs(target)) return { status: "error", message: "no block under the pointer" };
    let el = S.blockAncestor(target);
    let block = null;
    while (el && !block) {
      block = S.ownBlock(el, { isHidden });
      if (!block) el = S.blockAncestor(el.parentElement);
    }
    if (!block) return { status: "error", message: "no text here" };
    const reply = await send({
      type: T.FEEDBACK,
      url: location.href,
      items: [{ text: M.clip(block.text), attrs: block.attrs, label: category }],
    });
    const decision = { hide: true, category, why: [{ cue: t("whyYourCorrection"), weight: 1 }], source: "feedback" };
    const same = [el];
    for (const other of page.known) {
      const cached = page.cache.get(other);
      if (other !== el && other.isConnected && cached && cached.text === block.text) same.push(other);
    }
    same.sort((a, b) => (a.compareDocumentPosition(b) & 4 ? -1 : 1));
    const blocks = same.map((node) => (node === el ? block : { el: node, text: block.text, attrs: S.attrsOf(node, null) }));
    const decisions = blocks.map(() => decision);
    for (const b of blocks) page.kept.delete(b.el);
    const clock = newClock();
    const runs = await applyDecisions(blocks, decisions, clock, page.generation);
    finish(page.status === "pending" ? "ok" : page.status, clock, { corrected: blocks.length });
    return { status: reply.status === "ok" ? "ok" : reply.status, hidden: runs, stored: reply.status === "ok" };
  }

  // ------------------------------------------------------------ messages from the popup / background

  /** Is this page on `site` (a host without "www.") or one of its subdomains? */
  function onSite(site) {
    const host = location.hostname.toLowerCase().replace(/^www\./, "");
    return host === site || host.endsWith("." + site);
  }

  function pageState() {
    const { total, byCategory } = collapser.counts();
    return {
      status: "ok",
      page: {
        host: location.hostname,
        url: location.href,
        state: page.status,
        passes: page.passes,
        total,
        byCategory,
        runs: collapser.summary(),
        stats: page.lastStats,
      },
    };
  }

  function handle(message) {
    switch (message.type) {
      case T.GET_PAGE_STATE:
        return pageState();
      case T.REVEAL:
        return { status: collapser.show(message.runId) ? "ok" : "error" };
      case T.REHIDE:
        return { status: collapser.hide(message.runId) ? "ok" : "error" };
      case T.SETTINGS_CHANGED:
        if (message.site && !onSite(message.site)) return { status: "ok", ignored: true };
        teardown();
        enqueue({ kind: "full" });
        return { status: "ok" };
      case T.RESCAN:
        teardown();
        enqueue({ kind: "full" });
        return { status: "ok" };
      case T.HIDE_LIKE_THIS:
        return hideLikeThis(message.category);
      default:
        throw new M.MessageError(`unknown message type: ${message.type}`);
    }
  }

  try {
    ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
      if (sender && sender.id && ext.runtime.id && sender.id !== ext.runtime.id) return false;
      let reply;
      try {
        M.validate(message, "content");
        reply = handle(message);
      } catch (err) {
        sendResponse({ status: "error", error: String((err && err.message) || err) });
        return false;
      }
      Promise.resolve(reply).then(sendResponse, (err) =>
        sendResponse({ status: "error", error: String((err && err.message) || err) })
      );
      return true;
    });
    doc.addEventListener(
      "contextmenu",
      (event) => {
        page.lastContextTarget = event.target;
      },
      { capture: true, passive: true }
    );
    observer.observe(root, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["class", "style", "hidden", "open"],
    });
    enqueue({ kind: "full" });
  } catch (err) {
    page.lastError = String(err);
  }
})();
