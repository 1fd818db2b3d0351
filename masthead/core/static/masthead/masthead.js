// Masthead's only script of its own: small behaviours around htmx swaps. Every page works
// without it; htmx and this file only save a page load.
(function () {
  "use strict";

  // A comment's Reply, Edit and Report links open their form in the comment's slot (htmx);
  // without JavaScript they lead to a page with the form.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-slot]");
    if (!link || !window.htmx || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    var comment = link.closest(".comment");
    var slot = comment && comment.querySelector(".comment-slot");
    if (!slot) return;
    event.preventDefault();
    window.htmx.ajax("GET", link.href, { target: slot, swap: "innerHTML" });
  });

  // A form opened in a comment's slot closes with its Cancel link, without leaving the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-close-slot]");
    if (!link) return;
    var slot = link.closest(".comment-slot");
    if (!slot) return;
    event.preventDefault();
    var comment = slot.closest(".comment");
    slot.replaceChildren();
    if (comment) comment.focus();
  });

  // Escape closes a form opened in a comment's slot, as its Cancel link does; words already
  // typed are kept unless the member says to drop them.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    var slot = event.target.closest && event.target.closest(".comment-slot");
    if (!slot || !slot.querySelector("form")) return;
    var typed = Array.prototype.some.call(slot.querySelectorAll("textarea"), function (box) {
      return box.value.trim() !== "" && box.value !== box.defaultValue;
    });
    if (typed && !window.confirm(slot.getAttribute("data-discard") || "Discard what you wrote?")) return;
    event.preventDefault();
    var comment = slot.closest(".comment");
    slot.replaceChildren();
    if (comment) comment.focus();
  });

  // A comment box's counter: characters left, or over the limit (the server refuses an
  // overlong comment and keeps the text; this says so before posting). Screen readers hear it
  // only near the limit.
  function count(box) {
    var counter = box.form && box.form.querySelector("[data-count-for='" + box.id + "']");
    if (!counter) return;
    // Characters as the server counts them (code points, not UTF-16 units).
    var left = Number(box.getAttribute("data-max-length")) - Array.from(box.value.trim()).length;
    var template = counter.getAttribute(left < 0 ? "data-over" : "data-left");
    counter.textContent = template.replace("%(count)s", Math.abs(left).toLocaleString("en"));
    counter.classList.toggle("char-count--over", left < 0);
    if (left <= 250) counter.setAttribute("aria-live", "polite");
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-max-length]")) count(event.target);
  });
  function countAll(root) {
    root.querySelectorAll("textarea[data-max-length]").forEach(count);
  }
  document.addEventListener("DOMContentLoaded", function () { countAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { countAll(event.detail.elt); });

  // "Select all" in a queue ticks every checkbox of the form's list.
  document.addEventListener("change", function (event) {
    var box = event.target.closest("input[data-select-all]");
    if (!box) return;
    var name = box.getAttribute("data-select-all");
    box.form.querySelectorAll("input[type=checkbox][name=" + name + "]").forEach(function (each) {
      each.checked = box.checked;
    });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    // A new comment or reply: bring it into view and give it focus for screen readers.
    if (target.id === "threads" || /^thread-\d+-comments$/.test(target.id)) {
      var comments = target.querySelectorAll(".comment");
      var last = comments[comments.length - 1];
      if (last) { last.focus({ preventScroll: true }); last.scrollIntoView({ block: "nearest" }); }
      return;
    }
    // A form opened in a slot: put the cursor in its first field.
    if (target.classList.contains("comment-slot")) {
      var field = target.querySelector("textarea, input:not([type=hidden])");
      if (field) field.focus();
    }
  });
})();
