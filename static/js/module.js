// Marks a section read without reloading the page; without JavaScript the form posts normally.
document.querySelectorAll("form.mark-read").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      form.innerHTML = '<span class="done">✓ 已读</span>';
      form.closest("section").classList.add("is-read");
      const bar = document.querySelector("#module-progress progress");
      const text = document.querySelector("#module-progress .progress-text");
      if (bar) bar.value = data.percent;
      if (text) text.textContent = `${data.done}/${data.total}(${data.percent}%)`;
      document.dispatchEvent(new CustomEvent("module:section-read"));  // reading-clock.js refreshes the credit state
    } catch (error) {
      if (button) button.disabled = false;
      alert("保存失败,请检查网络后重试。");
    }
  });
});
