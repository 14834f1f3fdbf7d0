// The top menu on a phone: a 菜单 button opens and closes it (the CSS hides it on narrow screens only once
// this script has marked the bar). The 管理 drop-down (<details>) closes on a click elsewhere or Escape.
(function () {
  "use strict";
  var bar = document.querySelector(".topbar");
  var toggle = bar && bar.querySelector(".menu-toggle");
  if (!toggle) return;
  bar.classList.add("has-toggle");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = bar.classList.toggle("is-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  var group = bar.querySelector(".menu-group");
  if (!group) return;
  document.addEventListener("click", function (event) {
    if (group.open && !group.contains(event.target)) group.open = false;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && group.open) {
      group.open = false;
      group.querySelector("summary").focus();
    }
  });
})();
