/*
 * The messages between the extension's parts: plain objects with a named
 * `type`. Every receiver switches on the type and throws on an unknown one;
 * validate() checks the fields before a handler sees them.
 *
 *   content  -> background : CLASSIFY, PAGE_CONFIG, REPORT_STATE, FEEDBACK
 *   popup    -> background : GET_STATUS, SET_SITE_ENABLED
 *   options  -> background : GET_SETTINGS, SET_SETTINGS, GET_STATUS, PAIR
 *   popup/background -> content : GET_PAGE_STATE, REVEAL, REHIDE, RESCAN,
 *                                 SETTINGS_CHANGED, HIDE_LIKE_THIS
 *
 * Plain script with a CommonJS guard (global `AppealMessages` in the extension).
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.AppealMessages = api;
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  const CATEGORIES = Object.freeze(["donation", "paywall", "newsletter", "adblock", "foreign_agent"]);
  const LABELS = Object.freeze([...CATEGORIES, "content"]);
  // Blocks per CLASSIFY message (and per request to the service, which takes 5,000 at most).
  const BATCH_SIZE = 500;
  const MAX_FEEDBACK_ITEMS = 200;
  // The service reads the first 4,000 characters of a block (and looks corrections up by
  // them): send no more, for classifying and for corrections alike.
  const MAX_TEXT_CHARS = 4000;
  // Keeps one request well under the service's 4 MB body limit whatever the script.
  const MAX_BATCH_CHARS = 1000000;

  const T = Object.freeze({
    // to the background
    CLASSIFY: "classify",
    PAGE_CONFIG: "page-config",
    REPORT_STATE: "report-state",
    FEEDBACK: "feedback",
    GET_STATUS: "get-status",
    GET_SETTINGS: "get-settings",
    SET_SETTINGS: "set-settings",
    SET_SITE_ENABLED: "set-site-enabled",
    PAIR: "pair",
    // to a content script
    GET_PAGE_STATE: "get-page-state",
    REVEAL: "reveal",
    REHIDE: "rehide",
    RESCAN: "rescan",
    SETTINGS_CHANGED: "settings-changed",
    HIDE_LIKE_THIS: "hide-like-this",
  });

  const TO_BACKGROUND = new Set([
    T.CLASSIFY, T.PAGE_CONFIG, T.REPORT_STATE, T.FEEDBACK, T.GET_STATUS,
    T.GET_SETTINGS, T.SET_SETTINGS, T.SET_SITE_ENABLED, T.PAIR,
  ]);
  const TO_CONTENT = new Set([
    T.GET_PAGE_STATE, T.REVEAL, T.REHIDE, T.RESCAN, T.SETTINGS_CHANGED, T.HIDE_LIKE_THIS,
  ]);

  class MessageError extends Error {
    constructor(message) {
      super(message);
      this.name = "MessageError";
    }
  }

  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const isString = (v, max) => typeof v === "string" && v.length <= (max || MAX_TEXT_CHARS);
  const isNumber = (v, lo, hi) => typeof v === "number" && Number.isFinite(v) && v >= lo && v <= hi;

  function need(cond, what) {
    if (!cond) throw new MessageError(what);
  }

  function checkBlock(b, i) {
    const at = `blocks[${i}]`;
    need(isObject(b), `${at} must be an object`);
    need(isString(b.id, 64) && b.id, `${at}.id must be a non-empty string`);
    need(isString(b.text) && b.text, `${at}.text must be a non-empty string of at most ${MAX_TEXT_CHARS} characters`);
    need(b.tag === undefined || isString(b.tag, 32), `${at}.tag must be a short string`);
    need(b.attrs === undefined || isString(b.attrs, 4096), `${at}.attrs must be a string`);
    need(b.link_density === undefined || isNumber(b.link_density, 0, 1), `${at}.link_density must be in 0..1`);
    need(b.position === undefined || isNumber(b.position, 0, 1), `${at}.position must be in 0..1`);
  }

  function checkFeedbackItem(item, i) {
    const at = `items[${i}]`;
    need(isObject(item), `${at} must be an object`);
    need(isString(item.text) && item.text, `${at}.text must be a non-empty string`);
    need(item.attrs === undefined || isString(item.attrs, 4096), `${at}.attrs must be a string`);
    need(LABELS.includes(item.label), `${at}.label must be one of ${LABELS.join(", ")}`);
  }

  const CHECKS = {
    [T.CLASSIFY](m) {
      need(isString(m.url, 8192), "url must be a string");
      need(Array.isArray(m.blocks) && m.blocks.length >= 1 && m.blocks.length <= BATCH_SIZE,
        `blocks must be an array of 1..${BATCH_SIZE} blocks`);
      m.blocks.forEach(checkBlock);
    },
    [T.PAGE_CONFIG](m) {
      need(isString(m.url, 8192), "url must be a string");
    },
    [T.REPORT_STATE](m) {
      need(["ok", "off", "down", "unpaired", "error"].includes(m.status), "status is not a known state");
      need(Number.isInteger(m.total) && m.total >= 0, "total must be a count");
    },
    [T.FEEDBACK](m) {
      need(isString(m.url, 8192) && m.url, "url must be a non-empty string");
      need(Array.isArray(m.items) && m.items.length >= 1 && m.items.length <= MAX_FEEDBACK_ITEMS,
        `items must be an array of 1..${MAX_FEEDBACK_ITEMS} items`);
      m.items.forEach(checkFeedbackItem);
    },
    [T.GET_STATUS]() {},
    [T.GET_SETTINGS]() {},
    [T.SET_SETTINGS](m) {
      need(isObject(m.settings), "settings must be an object");
    },
    [T.SET_SITE_ENABLED](m) {
      need(isString(m.host, 255) && m.host, "host must be a host name");
      need(typeof m.enabled === "boolean", "enabled must be true or false");
    },
    [T.PAIR]() {},
    [T.GET_PAGE_STATE]() {},
    [T.REVEAL](m) {
      need(isString(m.runId, 64) && m.runId, "runId must be a string");
    },
    [T.REHIDE](m) {
      need(isString(m.runId, 64) && m.runId, "runId must be a string");
    },
    [T.RESCAN]() {},
    [T.SETTINGS_CHANGED](m) {
      need(m.site === undefined || (isString(m.site, 255) && m.site), "site must be a host name");
    },
    [T.HIDE_LIKE_THIS](m) {
      need(CATEGORIES.includes(m.category), `category must be one of ${CATEGORIES.join(", ")}`);
    },
  };

  /**
   * Check a message for a receiver ("background" or "content"); returns it or
   * throws MessageError naming what is wrong. An unknown type always throws.
   */
  function validate(message, receiver) {
    need(isObject(message), "a message must be an object");
    const type = message.type;
    need(typeof type === "string" && Object.prototype.hasOwnProperty.call(CHECKS, type),
      `unknown message type: ${String(type)}`);
    const allowed = receiver === "content" ? TO_CONTENT : receiver === "background" ? TO_BACKGROUND : null;
    need(!allowed || allowed.has(type), `message type ${type} is not for the ${receiver}`);
    CHECKS[type](message);
    return message;
  }

  /** Build a message: make(T.REVEAL, {runId}) -> {type: "reveal", runId}. */
  function make(type, fields) {
    return Object.assign({ type }, fields || {});
  }

  /** Cut a block's text to what the service reads. */
  function clip(text) {
    return text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
  }

  /**
   * [from, to) ranges over blocks ({text, attrs}): at most BATCH_SIZE blocks and
   * about MAX_BATCH_CHARS characters each (a single huge block still gets a batch).
   */
  function batchRanges(blocks, size, maxChars) {
    const n = size || BATCH_SIZE;
    const limit = maxChars || MAX_BATCH_CHARS;
    const out = [];
    let from = 0;
    let chars = 0;
    for (let i = 0; i < blocks.length; i++) {
      const c = Math.min(blocks[i].text.length, MAX_TEXT_CHARS) + (blocks[i].attrs ? blocks[i].attrs.length : 0);
      if (i > from && (i - from >= n || chars + c > limit)) {
        out.push([from, i]);
        from = i;
        chars = 0;
      }
      chars += c;
    }
    if (from < blocks.length) out.push([from, blocks.length]);
    return out;
  }

  /** Split a list into batches of at most `size`. */
  function batches(list, size) {
    const n = size || BATCH_SIZE;
    const out = [];
    for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
    return out;
  }

  return Object.freeze({
    T,
    CATEGORIES,
    LABELS,
    BATCH_SIZE,
    MAX_FEEDBACK_ITEMS,
    MAX_TEXT_CHARS,
    MAX_BATCH_CHARS,
    MessageError,
    validate,
    make,
    clip,
    batchRanges,
    batches,
  });
});
