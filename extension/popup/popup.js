/*
 * The toolbar popup: what was hidden on this page and why, a way to show each,
 * the per-site switch, and help when the service is not running. It reads the
 * page from the tab's content script and everything else from the background.
 * (Tests open popup.html?tab=<id> to point it at a given tab.)
 */
(async () => {
  "use strict";
  const { ext, t, localize, toBackground, toTab, el } = globalThis.AppealUI;
  const T = globalThis.AppealMessages.T;
  const $ = (id) => document.getElementById(id);
  localize(document);

  $("open-options").addEventListener("click", (event) => {
    event.preventDefault();
    ext.runtime.openOptionsPage();
  });

  async function targetTab() {
    const fromQuery = Number(new URLSearchParams(location.search).get("tab"));
    if (Number.isInteger(fromQuery) && fromQuery > 0) return fromQuery;
    const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
    return tab ? tab.id : null;
  }

  const tabId = await targetTab();

  function show(id, on) {
    $(id).hidden = !on;
  }

  function renderService(service) {
    show("service", false);
    show("service-ok", false);
    if (!service) return;
    if (service.service !== "up") {
      $("service-text").textContent = t("popupServiceDown") + " " + t("popupStartHint");
      $("service-command").textContent = "detector serve";
      show("service", true);
    } else if (!service.paired) {
      $("service-text").textContent = t("popupUnpaired");
      $("service-command").textContent = `detector pair --pin ${ext.runtime.id}`;
      show("service", true);
    } else {
      $("service-ok").textContent = `${t("popupServiceUp")} · ${service.version || ""}`;
      show("service-ok", true);
    }
  }

  function renderSite(page, settings) {
    if (!page) return show("site", false);
    const disabled = globalThis.AppealSettings
      ? globalThis.AppealSettings.isSiteDisabled(settings, page.host)
      : page.state === "off";
    $("site-enabled").checked = !disabled;
    $("site-label").textContent = t("popupSiteSwitch", [page.host]);
    show("site-off", disabled);
    show("site", true);
  }

  function renderRuns(page) {
    const counts = $("counts");
    const runs = $("runs");
    counts.replaceChildren();
    runs.replaceChildren();
    if (!page) return show("summary", false);
    show("summary", true);
    $("total").textContent = page.total ? t("popupHiddenTotal", [String(page.total)]) : t("popupNothingHidden");
    for (const [category, n] of Object.entries(page.byCategory || {})) {
      counts.append(el(document, "li", { text: `${t("cat_" + category)}: ${n}`, "data-category": category }));
    }
    for (const run of page.runs || []) {
      const button = el(document, "button", {
        type: "button",
        text: run.shown ? t("hide") : t("show"),
        "data-run": run.id,
      });
      button.addEventListener("click", async () => {
        await toTab(tabId, { type: run.shown ? T.REHIDE : T.REVEAL, runId: run.id });
        refresh();
      });
      const why = run.why && run.why.length ? t("popupHiddenBecause", [run.why.join(", ")]) : "";
      runs.append(
        el(document, "li", { "data-run": run.id, "data-category": run.category }, [
          el(document, "div", { class: "run-head" }, [
            el(document, "strong", { text: `${t("cat_" + run.category)} · ${t("popupBlocks", [String(run.count)])}` }),
            button,
          ]),
          el(document, "p", { class: "run-text", text: run.text }),
          why ? el(document, "p", { class: "run-why", text: why }) : null,
        ])
      );
    }
  }

  async function refresh() {
    const [state, status, settings] = await Promise.all([
      tabId ? toTab(tabId, { type: T.GET_PAGE_STATE }) : null,
      toBackground({ type: T.GET_STATUS }),
      toBackground({ type: T.GET_SETTINGS }),
    ]);
    const page = state && state.page;
    show("unavailable", !page);
    renderService(status.status === "ok" ? status.service : null);
    renderSite(page, settings.settings || { disabledSites: [] });
    renderRuns(page && page.state === "ok" ? page : null);
    document.body.dataset.ready = "true";
    return page;
  }

  /** After asking the page to redo its pass, wait (briefly) for the pass to finish. */
  async function refreshAfterPass(before) {
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const state = await toTab(tabId, { type: T.GET_PAGE_STATE });
      if (state && state.page && state.page.passes > before) break;
    }
    return refresh();
  }

  $("site-enabled").addEventListener("change", async (event) => {
    const state = await toTab(tabId, { type: T.GET_PAGE_STATE });
    if (!state) return;
    await toBackground({ type: T.SET_SITE_ENABLED, host: state.page.host, enabled: event.target.checked });
    refreshAfterPass(state.page.passes);
  });

  $("retry").addEventListener("click", async () => {
    const state = await toTab(tabId, { type: T.GET_PAGE_STATE });
    await toBackground({ type: T.PAIR });
    if (state) {
      await toTab(tabId, { type: T.RESCAN });
      refreshAfterPass(state.page.passes);
    } else refresh();
  });

  refresh();
})();
