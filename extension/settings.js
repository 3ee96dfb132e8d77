/*
 * The user's settings: defaults, validation and the per-site switch. Pure
 * functions; the background reads and writes chrome.storage with them.
 *
 * Plain script with a CommonJS guard (global `AppealSettings` in the extension).
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.AppealSettings = api;
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  const CATEGORIES = Object.freeze(["donation", "paywall", "newsletter", "adblock", "foreign_agent"]);
  const DEFAULT_SERVICE_URL = "http://127.0.0.1:8765";
  const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
  const MAX_SITES = 1000;

  const DEFAULTS = Object.freeze({
    serviceUrl: DEFAULT_SERVICE_URL,
    categories: Object.freeze(Object.fromEntries(CATEGORIES.map((c) => [c, true]))),
    sensitivity: 0.5,
    disabledSites: Object.freeze([]),
  });

  class SettingsError extends Error {
    constructor(message) {
      super(message);
      this.name = "SettingsError";
    }
  }

  /**
   * The service address as an origin ("http://127.0.0.1:8765"). Only http on
   * a loopback host: the extension has host permission for nothing else and
   * page text must not leave the machine.
   */
  function normalizeServiceUrl(value) {
    let url;
    try {
      url = new URL(String(value).trim());
    } catch {
      throw new SettingsError(`service address is not a URL: ${value}`);
    }
    if (url.protocol !== "http:") throw new SettingsError("service address must start with http://");
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      throw new SettingsError("service address must be on this machine (127.0.0.1 or localhost)");
    }
    if (url.username || url.password || (url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
      throw new SettingsError("service address is only scheme, host and port, e.g. " + DEFAULT_SERVICE_URL);
    }
    return url.origin;
  }

  /** The key a site is switched off by: the host name without "www.", lower case. */
  function siteKey(host) {
    let h = String(host || "").trim().toLowerCase();
    if (h.includes("://")) {
      try {
        h = new URL(h).hostname;
      } catch {
        return "";
      }
    }
    h = h.replace(/\.$/, "");
    return h.startsWith("www.") ? h.slice(4) : h;
  }

  /** A site is off when its key or any parent domain of it is listed. */
  function isSiteDisabled(settings, host) {
    const key = siteKey(host);
    if (!key) return false;
    return settings.disabledSites.some((s) => key === s || key.endsWith("." + s));
  }

  function withSiteEnabled(settings, host, enabled) {
    const key = siteKey(host);
    if (!key) throw new SettingsError(`not a site: ${host}`);
    // Switching on removes the site and any parent domain that covers it.
    let sites = settings.disabledSites.filter((s) => !(key === s || key.endsWith("." + s)));
    if (!enabled) sites = [...sites, key];
    return normalize({ ...settings, disabledSites: sites });
  }

  /**
   * Merge stored (or user-supplied) values over the defaults and check them.
   * Unknown keys are dropped; a bad value throws SettingsError with what is allowed.
   */
  function normalize(raw) {
    const src = raw && typeof raw === "object" ? raw : {};
    const out = {
      serviceUrl: DEFAULTS.serviceUrl,
      categories: { ...DEFAULTS.categories },
      sensitivity: DEFAULTS.sensitivity,
      disabledSites: [],
    };
    if (src.serviceUrl !== undefined) out.serviceUrl = normalizeServiceUrl(src.serviceUrl);
    if (src.categories !== undefined) {
      if (!src.categories || typeof src.categories !== "object") throw new SettingsError("categories must be an object");
      for (const [name, on] of Object.entries(src.categories)) {
        if (!CATEGORIES.includes(name)) throw new SettingsError(`unknown category ${name}; known: ${CATEGORIES.join(", ")}`);
        out.categories[name] = !!on;
      }
    }
    if (src.sensitivity !== undefined) {
      const s = Number(src.sensitivity);
      if (!Number.isFinite(s) || s < 0 || s > 1) throw new SettingsError("sensitivity must be a number from 0 to 1");
      out.sensitivity = Math.round(s * 100) / 100;
    }
    if (src.disabledSites !== undefined) {
      if (!Array.isArray(src.disabledSites)) throw new SettingsError("disabledSites must be a list of host names");
      const seen = new Set();
      for (const site of src.disabledSites) {
        const key = siteKey(site);
        if (key && !seen.has(key)) seen.add(key);
      }
      if (seen.size > MAX_SITES) throw new SettingsError(`at most ${MAX_SITES} sites can be switched off`);
      out.disabledSites = [...seen].sort();
    }
    return out;
  }

  function enabledCategories(settings) {
    return CATEGORIES.filter((c) => settings.categories[c]);
  }

  return Object.freeze({
    CATEGORIES,
    DEFAULTS,
    DEFAULT_SERVICE_URL,
    SettingsError,
    normalize,
    normalizeServiceUrl,
    siteKey,
    isSiteDisabled,
    withSiteEnabled,
    enabledCategories,
  });
});
