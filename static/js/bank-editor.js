// Question form of the bank editor: show only the option fields the chosen type uses and its answer hint.
// Without JavaScript every field and hint stays visible; the server checks the question either way.
(function () {
  "use strict";
  var form = document.getElementById("question-form");
  if (!form) return;
  var type = form.querySelector("select[name=type]");
  var hints = document.querySelectorAll("#answer-hints li");
  var fields = document.querySelectorAll("#option-fields .field");
  var box = document.getElementById("option-fields");

  function update() {
    var options = 0;
    hints.forEach(function (hint) {
      var chosen = hint.dataset.type === type.value;
      hint.hidden = !chosen;
      if (chosen) options = parseInt(hint.dataset.options, 10);
    });
    box.hidden = options === 0;
    fields.forEach(function (field, index) {
      var input = field.querySelector("input");
      // A filled field stays visible, so changing the type never hides text that will be refused.
      field.hidden = index >= options && !input.value;
    });
  }

  type.addEventListener("change", update);
  update();
})();
