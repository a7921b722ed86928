// Refresh the "Latest News" list of an article page from the one shared file, so that publishing
// an article does not have to rewrite every archived page. The list in the HTML stays for readers
// without JavaScript.
(function () {
  var box = document.querySelector("[data-latest]");
  if (!box || !window.fetch) return;
  fetch(box.getAttribute("data-latest"), { cache: "no-cache" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.items) return;
      var list = document.createElement("ol");
      list.className = "latest-list";
      data.items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.title;
        var t = document.createElement("time");
        t.dateTime = item.date;
        t.textContent = item.when;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        if (item.badge) { // the preview (newsgen serve): a draft or a scheduled story says so
          var badge = document.createElement("span");
          badge.className = "badge badge-" + item.status;
          badge.textContent = item.badge;
          li.appendChild(badge);
          li.appendChild(document.createTextNode(" "));
        }
        li.appendChild(t);
        list.appendChild(li);
      });
      var old = box.querySelector(".latest-list");
      if (old) old.replaceWith(list);
    })
    .catch(function () {});
})();
