/* The evidence lightbox: a link to a full image (a[data-lightbox]) opens it in a dialog instead, with previous and
   next across every image of the page (the case's files, or all the requests of an order), in page order.
   Keyboard: Esc closes, ← and → move (round), Home and End go to the first and the last; focus returns to
   the link. On a touch screen a swipe moves.
   Without this script the links still open the image itself. No inline styles or scripts (the CSP forbids them). */
(function () {
  "use strict";
  if (window.evidenceLightbox) {
    return;   // the macro may be on a page more than once
  }

  var dialog = null;
  var image = null;
  var caption = null;
  var counter = null;
  var items = [];
  var index = 0;
  var opener = null;
  var touchX = null;

  function gallery() {
    var seen = {};
    var found = [];
    document.querySelectorAll("a[data-lightbox]").forEach(function (link) {
      var key = link.getAttribute("href");
      if (!seen[key]) {
        seen[key] = true;
        found.push({href: key, caption: link.getAttribute("data-caption") || ""});
      }
    });
    return found;
  }

  function button(className, label, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.setAttribute("aria-label", label);
    b.title = label;
    b.textContent = text;
    return b;
  }

  function build(labels) {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", labels.dialog);
    var figure = document.createElement("figure");
    image = document.createElement("img");
    image.className = "lightbox-image";
    caption = document.createElement("figcaption");
    caption.className = "lightbox-caption";
    counter = document.createElement("span");
    counter.className = "lightbox-count";
    var name = document.createElement("span");
    name.className = "lightbox-name";
    caption.appendChild(name);
    caption.appendChild(counter);
    figure.appendChild(image);
    figure.appendChild(caption);
    var close = button("lightbox-close", labels.close, "\u00d7");
    var previous = button("lightbox-previous", labels.previous, "\u2039");
    var next = button("lightbox-next", labels.next, "\u203a");
    close.addEventListener("click", function () { dialog.close(); });
    previous.addEventListener("click", function () { move(-1); });
    next.addEventListener("click", function () { move(1); });
    dialog.appendChild(figure);
    dialog.appendChild(previous);
    dialog.appendChild(next);
    dialog.appendChild(close);
    dialog.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || items.length < 2) {
        return;
      }
      var to = {ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: items.length - 1}[event.key];
      if (to !== undefined) {
        event.preventDefault();
        show((to + items.length) % items.length);
      }
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) {   // the backdrop, around the picture
        dialog.close();
      }
    });
    dialog.addEventListener("touchstart", function (event) {
      touchX = event.changedTouches[0].clientX;
    }, {passive: true});
    dialog.addEventListener("touchend", function (event) {
      if (touchX === null) {
        return;
      }
      var dx = event.changedTouches[0].clientX - touchX;
      touchX = null;
      if (Math.abs(dx) > 50) {
        move(dx < 0 ? 1 : -1);
      }
    });
    dialog.addEventListener("close", function () {
      image.removeAttribute("src");
      if (opener && document.contains(opener)) {
        opener.focus();
      }
    });
    document.body.appendChild(dialog);
  }

  function show(i) {
    index = i;
    var item = items[index];
    image.src = item.href;
    image.alt = item.caption;
    caption.querySelector(".lightbox-name").textContent = item.caption;
    counter.textContent = items.length > 1 ? (index + 1) + " / " + items.length : "";
    dialog.classList.toggle("single", items.length < 2);
    if (items.length > 1) {   // the neighbours load while this one is looked at
      new Image().src = items[(index + 1) % items.length].href;
    }
  }

  function move(step) {   // the arrows wrap around: after the last comes the first
    if (items.length > 1) {
      show((index + step + items.length) % items.length);
    }
  }

  function open(link) {
    var list = link.closest("[data-label-close]") || document.querySelector("[data-label-close]");
    if (!dialog) {
      build({close: list.getAttribute("data-label-close"), previous: list.getAttribute("data-label-previous"),
             next: list.getAttribute("data-label-next"), dialog: list.getAttribute("data-label-dialog")});
    }
    items = gallery();
    var href = link.getAttribute("href");
    var at = 0;
    items.forEach(function (item, i) {
      if (item.href === href) {
        at = i;
      }
    });
    opener = link.classList.contains("evidence-thumb") ? link.closest("li").querySelector(".evidence-name") : link;
    show(at);
    dialog.showModal();
    dialog.querySelector(".lightbox-close").focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-lightbox]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey || typeof HTMLDialogElement !== "function") {
      return;   // a new tab, a download, or an old browser: the plain link does it
    }
    event.preventDefault();
    open(link);
  });

  window.evidenceLightbox = {open: open};
}());
