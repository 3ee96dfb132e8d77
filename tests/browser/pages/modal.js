// The site's metering script: after a moment, it decides this reader is over the limit.
window.addEventListener("load", () => {
  setTimeout(() => {
    document.body.classList.add("regwall-active");
    document.documentElement.dataset.shownAt = String(performance.now());
  }, 1000);
});
