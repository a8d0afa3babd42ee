// Progressive enhancements; every page works without them.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (!button) return;
  navigator.clipboard.writeText(button.dataset.copy).then(
    () => { button.textContent = "Copied"; },
    () => { button.previousElementSibling.select(); button.textContent = "Press Ctrl+C"; });
});
// A save that failed on the network says so where "Saved" would appear.
document.addEventListener("htmx:sendError", (event) => {
  const target = event.detail.target;
  if (target) target.textContent = "Not saved: no connection. Your answer will be saved with the page's button.";
});
// A report made in the background: when the page hears it is ready, the browser fetches the file
// (a download: the page stays). Only a report's address of this site is followed.
document.body.addEventListener("prodops:report-ready", (event) => {
  const file = event.detail && event.detail.file;
  if (typeof file === "string" && file.startsWith("/organization/report.")) window.location.assign(file);
});
