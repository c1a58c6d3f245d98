// Site behaviour that needs JavaScript. No inline scripts: the CSP forbids them.
// Loaded before the Bootstrap Italia bundle: the video player inside it (video.js) would add a
// <style> element to every page, which the CSP (style-src 'self') blocks with a console error.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;

document.addEventListener("DOMContentLoaded", () => {
  // "/" anywhere outside a field jumps to the header's search box.
  document.addEventListener("keydown", (event) => {
    const search = document.getElementById("header-search-q");
    const target = event.target;
    const typing = target.closest && target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && search && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      search.focus();
    }
  });
  // Buttons with data-confirm ask before submitting their form.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
});
