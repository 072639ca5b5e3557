/* Actions that cannot be undone ask once more in a dialog before they are sent (forms with data-confirm).
   Without JavaScript the server asks on a page of its own: the form simply posts, and the answer comes back
   with confirmed=1. */
(function () {
  "use strict";
  function ask(form) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-text");
    var text = document.createElement("p");
    text.id = "confirm-dialog-text";
    text.textContent = form.getAttribute("data-confirm");
    var actions = document.createElement("div");
    actions.className = "actions";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "button primary";
    yes.textContent = form.getAttribute("data-confirm-yes");
    var no = document.createElement("button");
    no.type = "button";
    no.className = "button";
    no.textContent = form.getAttribute("data-confirm-no");
    actions.appendChild(yes);
    actions.appendChild(no);
    dialog.appendChild(text);
    dialog.appendChild(actions);
    document.body.appendChild(dialog);
    no.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { dialog.remove(); });
    yes.addEventListener("click", function () {
      var confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      confirmed.value = "1";
      form.appendChild(confirmed);
      dialog.close();
      form.submit();
    });
    dialog.showModal();
    no.focus();
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-confirm")) return;
    if (form.querySelector("input[name=confirmed]")) return;
    if (typeof HTMLDialogElement !== "function") return;   // an old browser: the server asks instead
    event.preventDefault();
    ask(form);
  });
})();
