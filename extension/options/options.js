/*
 * The options page: categories, sensitivity, sites where the extension is off,
 * the service address, and the pairing state with a connection test. Settings
 * are read and written through the background, which validates them.
 */
(async () => {
  "use strict";
  const { t, localize, toBackground, el } = globalThis.AppealUI;
  const M = globalThis.AppealMessages;
  const T = M.T;
  const $ = (id) => document.getElementById(id);
  localize(document);

  function renderCategories(settings) {
    const box = $("categories");
    box.replaceChildren();
    for (const category of M.CATEGORIES) {
      const input = el(document, "input", { type: "checkbox", name: category, checked: !!settings.categories[category] });
      box.append(el(document, "label", {}, [input, " " + t("cat_" + category)]));
    }
  }

  function renderPairing(reply) {
    $("pairing").textContent = reply.paired ? t("optionsPaired") : t("optionsNotPaired");
  }

  async function load() {
    const reply = await toBackground({ type: T.GET_SETTINGS });
    if (reply.status !== "ok") {
      $("save-status").textContent = reply.message || "";
      return;
    }
    const s = reply.settings;
    renderCategories(s);
    $("sensitivity").value = String(s.sensitivity);
    $("sensitivity-value").textContent = s.sensitivity.toFixed(2);
    $("sites").value = s.disabledSites.join("\n");
    $("service-url").value = s.serviceUrl;
    renderPairing(reply);
    document.body.dataset.ready = "true";
  }

  $("sensitivity").addEventListener("input", () => {
    $("sensitivity-value").textContent = Number($("sensitivity").value).toFixed(2);
  });

  $("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const categories = {};
    for (const input of $("categories").querySelectorAll("input")) categories[input.name] = input.checked;
    const settings = {
      categories,
      sensitivity: Number($("sensitivity").value),
      disabledSites: $("sites").value.split(/[\s,]+/).filter(Boolean),
      serviceUrl: $("service-url").value.trim(),
    };
    const reply = await toBackground({ type: T.SET_SETTINGS, settings });
    $("save-status").textContent = reply.status === "ok" ? t("optionsSaved") : t("optionsError", [reply.message || ""]);
    if (reply.status === "ok") load();
  });

  async function test(type) {
    $("test-status").textContent = t("optionsTesting");
    const reply = await toBackground({ type });
    const service = reply.service;
    if (reply.status !== "ok" || !service) {
      $("test-status").textContent = t("optionsError", [reply.message || ""]);
    } else if (service.service !== "up") {
      $("test-status").textContent = t("optionsTestDown");
    } else if (!service.paired) {
      $("test-status").textContent = t("optionsTestUnpaired", [service.version || "?", service.error || ""]);
    } else {
      $("test-status").textContent = t("optionsTestOk", [service.version || "?"]);
    }
    $("test-status").dataset.state = service ? (service.service !== "up" ? "down" : service.paired ? "ok" : "unpaired") : "error";
    const settings = await toBackground({ type: T.GET_SETTINGS });
    if (settings.status === "ok") renderPairing(settings);
  }

  $("test").addEventListener("click", () => test(T.GET_STATUS));
  $("pair").addEventListener("click", () => test(T.PAIR));

  load();
})();
