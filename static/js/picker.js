// People picker on the assignment form: filter the list by text (name, username, 工号) and by 岗位, hide unit
// groups left empty, and count the ticked people (ticked ones stay ticked while hidden: filters only show).
(function () {
  "use strict";
  document.querySelectorAll("[data-picker]").forEach((picker) => {
    const search = picker.querySelector("[data-picker-search]");
    const position = picker.querySelector("[data-picker-position]");
    const count = picker.querySelector("[data-picker-count]");
    const rows = Array.from(picker.querySelectorAll("label[data-search]"));

    function filter() {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      const wanted = position.value;
      rows.forEach((row) => {
        const text = row.dataset.search.toLowerCase();
        row.hidden = !(words.every((w) => text.includes(w)) && (!wanted || row.dataset.position === wanted));
      });
      picker.querySelectorAll("[data-picker-group]").forEach((group) => {
        group.hidden = !group.querySelector("label[data-search]:not([hidden])");
      });
    }

    function tally() {
      count.textContent = `已选 ${picker.querySelectorAll("input[type=checkbox]:checked").length} 人`;
    }

    search.addEventListener("input", filter);
    position.addEventListener("change", filter);
    picker.addEventListener("change", tally);
  });
})();
