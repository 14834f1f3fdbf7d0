// "全选" on the classroom-session form: ticks every attendee checkbox of the named field.
document.querySelectorAll("[data-check-all]").forEach((button) => {
  button.addEventListener("click", () => {
    const boxes = document.querySelectorAll(`input[type=checkbox][name="${button.dataset.checkAll}"]`);
    const tick = Array.from(boxes).some((box) => !box.checked);
    boxes.forEach((box) => { box.checked = tick; });
    button.textContent = tick ? "全不选" : "全选";
  });
});
