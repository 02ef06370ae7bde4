// A live character count under each textarea marked data-counter (with maxlength):
// "已输入 120 / 3000 字", read out politely by screen readers; no dependency.
(function () {
  "use strict";
  function attach(area) {
    if (area.dataset.counterReady) return;
    area.dataset.counterReady = "1";
    var max = parseInt(area.getAttribute("maxlength"), 10);
    var note = document.createElement("div");
    note.className = "form-text text-end char-counter";
    note.id = area.id + "-counter";
    note.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", note);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    function update() {
      var n = area.value.length;
      note.textContent = "已输入 " + n + (max ? " / " + max : "") + " 字";
      note.classList.toggle("text-danger", Boolean(max) && n >= max);
    }
    area.addEventListener("input", update);
    update();
  }
  function init() {
    document.querySelectorAll("textarea[data-counter]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
