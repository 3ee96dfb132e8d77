/*
 * Background (an MV3 service worker in Chrome, an event page in Firefox).
 * Owns every request to the local service and all extension storage. It keeps
 * no state in globals: the browser may stop it at any moment, so settings and
 * the pairing live in chrome.storage.local and per-tab counts live in the
 * toolbar badge.
 *
 * Messages are plain objects with a `type` from messages.js; handle() switches
 * on it and throws on anything it does not know.
 */
/* global importScripts */
if (typeof importScripts === "function" && !globalThis.AppealMessages) {
  // Chrome: a classic service worker. Firefox loads these through background.scripts.
  importScripts("messages.js", "settings.js", "service.js");
}

(() => {
  "use strict";
  const ext = globalThis.browser && globalThis.browser.runtime ? globalThis.browser : globalThis.chrome;
  const M = globalThis.AppealMessages;
  const Settings = globalThis.AppealSettings;
  const Service = globalThis.AppealService;
  const T = M.T;
  const MENU_PARENT = "appeal-hide-like-this";

  // ------------------------------------------------------------ storage

  async function loadSettings() {
    const { settings } = await ext.storage.local.get("settings");
    try {
      return Settings.normalize(settings);
    } catch {
      return Settings.normalize({}); // stored settings from an older version: start over
    }
  }

  async function saveSettings(settings) {
    const clean = Settings.normalize(settings);
    await ext.storage.local.set({ settings: clean });
    return clean;
  }

  const pairingStore = {
    async getPairing() {
      const { pairing } = await ext.storage.local.get("pairing");
      return pairing || null;
    },
    async setPairing(pairing) {
      await ext.storage.local.set({ pairing });
    },
    async clearPairing() {
      await ext.storage.local.remove("pairing");
    },
  };

  function client() {
    return Service.createClient({ fetch: (...args) => fetch(...args), store: pairingStore });
  }

  // ------------------------------------------------------------ badge

  const BADGE = {
    ok: { color: "#4b5563" },
    off: { text: "", title: "badgeOff" },
    down: { text: "!", color: "#b91c1c", title: "badgeDown" },
    unpaired: { text: "!", color: "#b45309", title: "badgeUnpaired" },
    error: { text: "!", color: "#b45309", title: "badgeError" },
  };

  async function setBadge(tabId, status, total) {
    if (tabId === undefined || tabId < 0) return;
    const look = BADGE[status] || BADGE.error;
    const text = status === "ok" ? (total > 0 ? String(Math.min(total, 999)) : "") : look.text;
    const title = status === "ok"
      ? ext.i18n.getMessage("badgeCount", [String(total)])
      : ext.i18n.getMessage(look.title);
    try {
      await ext.action.setBadgeText({ tabId, text });
      if (look.color) await ext.action.setBadgeBackgroundColor({ tabId, color: look.color });
      await ext.action.setTitle({ tabId, title: title || ext.i18n.getMessage("extName") });
    } catch {
      // the tab closed meanwhile
    }
  }

  async function broadcast(message) {
    const tabs = await ext.tabs.query({});
    await Promise.all(tabs.map((tab) => ext.tabs.sendMessage(tab.id, message).catch(() => null)));
  }

  // ------------------------------------------------------------ handlers

  async function classify(message, sender) {
    const settings = await loadSettings();
    const host = hostOf(message.url);
    if (Settings.isSiteDisabled(settings, host)) return { status: "off" };
    const categories = Settings.enabledCategories(settings);
    if (!categories.length) return { status: "off" };
    try {
      const t0 = performance.now();
      const results = await client().classify(settings, message.url, message.blocks, categories);
      return { status: "ok", results, serviceMs: Math.round((performance.now() - t0) * 10) / 10 };
    } catch (err) {
      const status = Service.statusOf(err);
      await setBadge(sender.tab && sender.tab.id, status, 0);
      return { status, message: err.message };
    }
  }

  async function feedback(message) {
    const settings = await loadSettings();
    const c = client();
    let stored = 0;
    try {
      for (const item of message.items) {
        await c.feedback(settings, { url: message.url, text: item.text, attrs: item.attrs || "", label: item.label });
        stored++;
      }
      return { status: "ok", stored };
    } catch (err) {
      return { status: Service.statusOf(err), stored, message: err.message };
    }
  }

  function hostOf(url) {
    try {
      return new URL(url).hostname;
    } catch {
      return "";
    }
  }

  async function handle(message, sender) {
    switch (message.type) {
      case T.CLASSIFY:
        return classify(message, sender);
      case T.PAGE_CONFIG: {
        const settings = await loadSettings();
        const off = Settings.isSiteDisabled(settings, hostOf(message.url)) || !Settings.enabledCategories(settings).length;
        return { status: "ok", enabled: !off };
      }
      case T.REPORT_STATE:
        await setBadge(sender.tab && sender.tab.id, message.status, message.total);
        return { status: "ok" };
      case T.FEEDBACK:
        return feedback(message);
      case T.GET_SETTINGS: {
        const settings = await loadSettings();
        const pairing = await pairingStore.getPairing();
        const paired = !!(pairing && pairing.serviceUrl === settings.serviceUrl && pairing.token);
        return { status: "ok", settings, paired, pairedAt: paired ? pairing.pairedAt : null };
      }
      case T.SET_SETTINGS: {
        const before = await loadSettings();
        let settings;
        try {
          settings = await saveSettings({ ...before, ...message.settings });
        } catch (err) {
          if (err instanceof Settings.SettingsError) return { status: "error", message: err.message };
          throw err;
        }
        if (settings.serviceUrl !== before.serviceUrl) await pairingStore.clearPairing();
        await broadcast({ type: T.SETTINGS_CHANGED });
        return { status: "ok", settings };
      }
      case T.SET_SITE_ENABLED: {
        const settings = await saveSettings(Settings.withSiteEnabled(await loadSettings(), message.host, message.enabled));
        await broadcast({ type: T.SETTINGS_CHANGED, site: Settings.siteKey(message.host) }); // only that site's tabs redo their pass
        return { status: "ok", settings };
      }
      case T.GET_STATUS: {
        const settings = await loadSettings();
        return { status: "ok", service: await client().status(settings) };
      }
      case T.PAIR: {
        const settings = await loadSettings();
        return { status: "ok", service: await client().status(settings, { repair: true }) };
      }
      default:
        throw new M.MessageError(`unknown message type: ${message.type}`);
    }
  }

  ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== ext.runtime.id) return false; // only our own pages and content scripts
    let reply;
    try {
      M.validate(message, "background");
      reply = handle(message, sender);
    } catch (err) {
      sendResponse({ status: "error", error: String((err && err.message) || err) });
      return false;
    }
    reply.then(sendResponse, (err) => sendResponse({ status: "error", error: String((err && err.message) || err) }));
    return true; // answered asynchronously
  });

  // ------------------------------------------------------------ context menu

  async function createMenus() {
    try {
      await ext.contextMenus.removeAll();
      ext.contextMenus.create({
        id: MENU_PARENT,
        title: ext.i18n.getMessage("menuHideLikeThis"),
        contexts: ["page", "selection", "link", "image"],
        documentUrlPatterns: ["http://*/*", "https://*/*"],
      });
      for (const category of M.CATEGORIES) {
        ext.contextMenus.create({
          id: `${MENU_PARENT}:${category}`,
          parentId: MENU_PARENT,
          title: ext.i18n.getMessage("menuAs_" + category),
          contexts: ["page", "selection", "link", "image"],
          documentUrlPatterns: ["http://*/*", "https://*/*"],
        });
      }
    } catch {
      // menus are a convenience: the popup and the placeholders still work
    }
  }

  ext.runtime.onInstalled.addListener(createMenus);
  if (ext.runtime.onStartup) ext.runtime.onStartup.addListener(createMenus);

  ext.contextMenus.onClicked.addListener((info, tab) => {
    const id = String(info.menuItemId);
    if (!tab || tab.id === undefined || !id.startsWith(MENU_PARENT + ":")) return;
    if (info.frameId) return; // the content script runs in the top frame only
    const category = id.slice(MENU_PARENT.length + 1);
    ext.tabs.sendMessage(tab.id, M.make(T.HIDE_LIKE_THIS, { category }), { frameId: 0 }).catch(() => null);
  });
})();
