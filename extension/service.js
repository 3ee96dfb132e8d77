/*
 * Client of the local service (`detector serve`). Used by the background only:
 * every request to the service goes through here. fetch and the pairing store
 * are handed in, so the pairing rules are unit-tested under Node.
 *
 * Pairing: POST /v1/pair from the background carries the extension's Origin
 * (chrome-extension://<id> or moz-extension://<uuid>), which no web page can
 * send; the service answers with its token only then. The token is kept in
 * extension storage with the address it belongs to; a 401 re-pairs once.
 *
 * Plain script with a CommonJS guard (global `AppealService` in the extension).
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.AppealService = api;
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  const BATCH_SIZE = 500; // the service takes 5,000 blocks per request; smaller requests answer sooner
  const TIMEOUT_MS = 20000;
  const HEALTH_TIMEOUT_MS = 2500;

  class ServiceDown extends Error {
    constructor(message) {
      super(message);
      this.name = "ServiceDown";
      this.status = "down";
    }
  }

  class ServiceError extends Error {
    constructor(httpStatus, detail) {
      super(`service answered ${httpStatus}: ${detail}`);
      this.name = "ServiceError";
      this.status = "error";
      this.httpStatus = httpStatus;
      this.detail = detail;
    }
  }

  class PairingRefused extends Error {
    constructor(detail) {
      super(`the service refused to pair with this extension (${detail})`);
      this.name = "PairingRefused";
      this.status = "unpaired";
      this.detail = detail;
    }
  }

  /** "down" | "unpaired" | "error" for an error thrown here. */
  function statusOf(err) {
    return (err && (err.status === "down" || err.status === "unpaired") && err.status) || "error";
  }

  function createClient(deps) {
    const fetchImpl = deps.fetch;
    const store = deps.store; // {getPairing(), setPairing(p), clearPairing()}
    const timeoutMs = deps.timeoutMs || TIMEOUT_MS;
    const healthTimeoutMs = deps.healthTimeoutMs || HEALTH_TIMEOUT_MS;

    async function request(base, path, options) {
      const opts = options || {};
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), opts.timeout || timeoutMs);
      const headers = { Accept: "application/json" };
      if (opts.body !== undefined) headers["Content-Type"] = "application/json";
      if (opts.token) headers["X-Detector-Token"] = opts.token;
      let response;
      try {
        response = await fetchImpl(base + path, {
          method: opts.method || "GET",
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          signal: controller.signal,
          credentials: "omit",
          cache: "no-store",
        });
      } catch (err) {
        const why = err && err.name === "AbortError" ? "timed out" : "not reachable";
        throw new ServiceDown(`the service at ${base} is ${why}`);
      } finally {
        clearTimeout(timer);
      }
      let data = null;
      try {
        data = await response.json();
      } catch {
        throw new ServiceError(response.status, "the answer is not JSON");
      }
      return { status: response.status, data };
    }

    const detailOf = (r) => (r.data && typeof r.data.detail === "string" ? r.data.detail : `HTTP ${r.status}`);

    async function pair(base) {
      const r = await request(base, "/v1/pair", { method: "POST", body: {} });
      if (r.status === 403) throw new PairingRefused(detailOf(r));
      if (r.status !== 200 || !r.data || typeof r.data.token !== "string" || !r.data.token) {
        throw new ServiceError(r.status, detailOf(r));
      }
      const pairing = { serviceUrl: base, token: r.data.token, pairedAt: Date.now() };
      await store.setPairing(pairing);
      return pairing.token;
    }

    async function tokenFor(base, force) {
      if (!force) {
        const p = await store.getPairing();
        if (p && p.serviceUrl === base && p.token) return p.token;
      }
      return pair(base);
    }

    /** A POST with the token; on 401 pair again once and retry. */
    async function authed(base, path, body) {
      let token = await tokenFor(base, false);
      let r = await request(base, path, { method: "POST", body, token });
      if (r.status === 401) {
        await store.clearPairing();
        token = await tokenFor(base, true);
        r = await request(base, path, { method: "POST", body, token });
      }
      if (r.status !== 200) throw new ServiceError(r.status, detailOf(r));
      return r.data;
    }

    /**
     * Classify blocks ({id, text, tag, attrs, link_density, position}) in
     * batches; results come back in request order.
     */
    async function classify(settings, url, blocks, categories) {
      const results = [];
      for (let i = 0; i < blocks.length; i += BATCH_SIZE) {
        const batch = blocks.slice(i, i + BATCH_SIZE);
        const data = await authed(settings.serviceUrl, "/v1/classify", {
          url,
          blocks: batch,
          categories,
          sensitivity: settings.sensitivity,
        });
        const got = data && Array.isArray(data.blocks) ? data.blocks : null;
        if (!got || got.length !== batch.length || got.some((b, j) => !b || b.id !== batch[j].id)) {
          throw new ServiceError(200, "the answer does not match the blocks sent");
        }
        for (const b of got) {
          results.push({
            id: b.id,
            hide: b.hide === true,
            category: typeof b.category === "string" ? b.category : null,
            scores: b.scores && typeof b.scores === "object" ? b.scores : {},
            why: Array.isArray(b.why) ? b.why.filter((w) => w && typeof w.cue === "string").slice(0, 8) : [],
            source: b.source === "feedback" ? "feedback" : "model",
          });
        }
      }
      return results;
    }

    async function feedback(settings, item) {
      const data = await authed(settings.serviceUrl, "/v1/feedback", item);
      return data;
    }

    async function health(settings) {
      const r = await request(settings.serviceUrl, "/v1/health", { timeout: healthTimeoutMs });
      if (r.status !== 200 || !r.data || r.data.status !== "ok") throw new ServiceError(r.status, detailOf(r));
      return r.data;
    }

    /** What the popup and the options page show: is the service up, are we paired. */
    async function status(settings, options) {
      const force = !!(options && options.repair);
      const out = { serviceUrl: settings.serviceUrl, service: "down", paired: false };
      try {
        const h = await health(settings);
        out.service = "up";
        out.version = h.version;
        out.model = h.model || {};
      } catch (err) {
        out.error = err.message;
        out.service = statusOf(err) === "down" ? "down" : "error";
        return out;
      }
      try {
        if (force) await store.clearPairing();
        await tokenFor(settings.serviceUrl, force);
        out.paired = true;
      } catch (err) {
        out.error = err.message;
        out.pairing = statusOf(err);
      }
      return out;
    }

    return Object.freeze({ request, pair, classify, feedback, health, status });
  }

  return Object.freeze({
    BATCH_SIZE,
    ServiceDown,
    ServiceError,
    PairingRefused,
    statusOf,
    createClient,
  });
});
