/*
 * Shared by the popup and the options page: interface strings from _locales
 * (elements with a data-i18n attribute naming the key) and messages to the background.
 */
(function (root) {
  "use strict";
  const ext = root.browser && root.browser.runtime ? root.browser : root.chrome;

  function t(key, subs) {
    return ext.i18n.getMessage(key, subs) || key;
  }

  /** Fill [data-i18n] text and [data-i18n-title] / [data-i18n-placeholder] attributes. */
  function localize(doc) {
    doc.documentElement.lang = ext.i18n.getUILanguage().split("-")[0] || "en";
    for (const el of doc.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of doc.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
    for (const el of doc.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  }

  /** A message to the background; never throws (an error comes back as {status: "error"}). */
  async function toBackground(message) {
    try {
      const reply = await ext.runtime.sendMessage(message);
      if (!reply) return { status: "error", message: "no answer" };
      if (reply.error) return { status: "error", message: reply.error };
      return reply;
    } catch (err) {
      return { status: "error", message: String((err && err.message) || err) };
    }
  }

  /** A message to the content script of a tab; null when there is none. */
  async function toTab(tabId, message) {
    try {
      const reply = await ext.tabs.sendMessage(tabId, message, { frameId: 0 });
      return reply && !reply.error ? reply : null;
    } catch {
      return null;
    }
  }

  function el(doc, tag, props, children) {
    const node = doc.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else if (k.startsWith("data-") || k.startsWith("aria-")) node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }

  root.AppealUI = Object.freeze({ ext, t, localize, toBackground, toTab, el });
})(globalThis);
