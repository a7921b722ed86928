// Pagefind's search box, served from this site (no third-party requests; works offline).
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search_box");
  if (!box || !window.PagefindUI) return;
  box.textContent = "";
  new PagefindUI({ element: "#search_box", bundlePath: box.getAttribute("data-bundle"), showImages: false });
});
