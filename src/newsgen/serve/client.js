// newsgen serve: live reload and the error overlay. `newsgen serve` adds this script to the HTML
// it sends; it is never part of a built site. Messages come as Server-Sent Events:
//   reload  the page this tab shows changed (or was removed): load it again; with {"to": path}, its
//           article moved there (a new headline made a new address): go there instead
//   styles  only style sheets changed: swap them in place, no reload
//   errors  the last build failed: show its `path:line: message` lines over the page
//   ok      a build succeeded after errors: remove the overlay
(function () {
  "use strict";
  if (window.__newsgenServe || !window.EventSource) return;
  window.__newsgenServe = true;

  var script = document.currentScript;
  var build = (script && script.getAttribute("data-newsgen-build")) || "";
  var OVERLAY_ID = "newsgen-error-overlay";

  function connect() {
    var url = "/__newsgen/events?build=" + encodeURIComponent(build) +
      "&path=" + encodeURIComponent(location.pathname);
    var source = new EventSource(url);
    source.addEventListener("reload", function (event) {
      source.close();
      var data = event.data ? JSON.parse(event.data) : {};
      if (data.to && data.to.charAt(0) === "/" && data.to.charAt(1) !== "/") location.replace(data.to);
      else location.reload();
    });
    source.addEventListener("styles", refreshStyles);
    source.addEventListener("errors", function (event) {
      var data = JSON.parse(event.data);
      showOverlay(data.errors || [], data.lastGood !== false);
    });
    source.addEventListener("ok", hideOverlay);
    return source;
  }

  function refreshStyles() {
    var links = document.querySelectorAll('link[rel~="stylesheet"][href]');
    Array.prototype.forEach.call(links, function (link) {
      var href = new URL(link.getAttribute("href"), location.href);
      if (href.origin !== location.origin) return;
      href.searchParams.set("newsgen-reload", String(Date.now()));
      var fresh = link.cloneNode();
      fresh.href = href.toString();
      // keep the old sheet until the new one has loaded: no flash of unstyled page
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { fresh.remove(); });
      link.after(fresh);
    });
  }

  function hideOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  // Built with textContent only: a message quoting the editor's text (`<script>` in a title) is
  // shown as text, never parsed as HTML.
  function showOverlay(lines, lastGood) {
    hideOverlay();
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,24,.94);color:#f4f4f5;padding:2rem;" +
      "font:15px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left";
    var title = document.createElement("p");
    title.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#fca5a5;font-size:17px";
    title.textContent = "The site could not be rebuilt: " + lines.length +
      (lines.length === 1 ? " error" : " errors") +
      (lastGood ? ". Showing the last good version." : ". There is nothing to show until it builds.");
    var list = document.createElement("pre");
    list.className = "newsgen-errors";
    list.style.cssText = "margin:0;white-space:pre-wrap;word-break:break-word;color:inherit;background:none";
    list.textContent = lines.join("\n");
    var hint = document.createElement("p");
    hint.style.cssText = "margin:1rem 0 0;color:#a1a1aa";
    hint.textContent = "Save a fix and this goes away by itself.";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.style.cssText = "position:absolute;top:1rem;right:1rem;font:inherit;cursor:pointer";
    close.addEventListener("click", hideOverlay);
    box.appendChild(close);
    box.appendChild(title);
    box.appendChild(list);
    box.appendChild(hint);
    (document.body || document.documentElement).appendChild(box);
  }

  connect();
})();
