// Site behaviour that needs JavaScript. No inline scripts: the CSP forbids them.
// Loaded before the Bootstrap Italia bundle: the video player inside it (video.js) would add a
// <style> element to every page, which the CSP (style-src 'self') blocks with a console error.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;

document.addEventListener("DOMContentLoaded", () => {
  // Buttons with data-confirm ask before submitting their form.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
});
