// Exams and practice quizzes, through the same /api/v1 endpoints other clients use.
// - Start buttons call POST …/attempts and open the attempt (without JS the form posts normally).
// - Every answer is saved as it is given (one small JSON POST per question, latest answer wins), shown as
//   "已保存"; a failed save is kept in localStorage and retried with backoff (1 s … 30 s) until it lands,
//   also after a reload. On reload the page shows the server's answers and re-sends anything unsent.
// - The countdown follows the server's remaining time; at zero the page submits (the server also
//   closes the attempt on its own, so a closed browser loses nothing).
// - The 答题卡 (answer card) shows every question as answered / unanswered / marked for review and jumps to
//   it; a mark is saved on the server (POST …/marks), so a reload keeps it. On a narrow screen the page shows
//   one question at a time with 上一题 / 下一题 and the card opens as a drawer.
// - 交卷 opens a dialog with the count of unanswered and marked questions before anything is submitted.
(function () {
  "use strict";
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  async function api(url, method, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { status: response.status, ok: response.ok, data };
  }

  // --- start buttons --------------------------------------------------------------------------------------
  document.querySelectorAll("form.start-attempt[data-api]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button");
      if (button) button.disabled = true;
      try {
        const result = await api(form.dataset.api, "POST");
        if (result.ok && result.data && result.data.url) { window.location.assign(result.data.url); return; }
        alert((result.data && result.data.error) || "无法开始,请稍后再试。");
      } catch (e) {
        alert("网络连接失败,请检查网络后重试。");
      }
      if (button) button.disabled = false;
    });
  });

  const root = document.getElementById("attempt");
  if (!root) return;

  const attemptUrl = root.dataset.api;
  const answersUrl = attemptUrl + "/answers";
  const submitUrl = attemptUrl + "/submit";
  const practice = root.dataset.mode === "practice";
  const storeKey = "attempt-" + root.dataset.attempt + "-pending";
  const connection = document.getElementById("connection");
  const answeredEl = document.getElementById("answered");
  let closed = false;

  const pending = loadPending();   // question id → {response, check}
  const inFlight = new Set();
  const failures = {};             // question id → consecutive failures
  const retryTimers = {};

  function loadPending() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function storePending() {
    try { localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* private mode: memory only */ }
  }

  const fieldsets = () => Array.from(root.querySelectorAll("fieldset.question"));
  const fieldsetFor = (qid) => root.querySelector(`fieldset.question[data-question="${qid}"]`);

  function readResponse(fs) {
    const type = fs.dataset.type;
    const inputs = Array.from(fs.querySelectorAll("input, select"));
    if (type === "single" || type === "multiple") {
      return inputs.filter((i) => i.checked).map((i) => Number(i.value));
    }
    if (type === "true_false") {
      const chosen = inputs.find((i) => i.checked);
      return chosen ? [chosen.value === "true"] : [];
    }
    if (type === "fill_blank" || type === "numerical") {  // typed text (a number is read on the server)
      const text = inputs[0].value.trim();
      return text ? [text] : [];
    }
    const values = inputs.map((s) => s.value);
    if (values.every((v) => v === "")) return [];
    if (values.some((v) => v === "") || new Set(values).size !== values.length) return null; // incomplete order
    return values.map(Number);
  }

  function showResponse(fs, response) {
    const type = fs.dataset.type;
    const inputs = Array.from(fs.querySelectorAll("input, select"));
    response = response || [];
    if (type === "single" || type === "multiple") inputs.forEach((i) => { i.checked = response.includes(Number(i.value)); });
    else if (type === "true_false") inputs.forEach((i) => { i.checked = response.length > 0 && String(response[0]) === i.value; });
    else if (type === "fill_blank" || type === "numerical") inputs[0].value = response.length ? String(response[0]) : "";
    else inputs.forEach((s, step) => { s.value = response.length ? String(response[step]) : ""; });
  }

  function setState(fs, text, kind) {
    const el = fs.querySelector(".save-state");
    if (el) { el.textContent = text; el.className = "save-state " + (kind || ""); }
  }

  const isAnswered = (fs) => { const r = readResponse(fs); return !!(r && r.length); };
  const isMarked = (fs) => fs.dataset.marked === "1";
  const cellFor = (qid) => document.querySelector(`#answer-card a.cell[data-question="${qid}"]`);
  const markedEl = document.getElementById("marked-count");

  function countAnswered() {  // also repaints the answer card
    const all = fieldsets();
    if (answeredEl) answeredEl.textContent = String(all.filter(isAnswered).length);
    if (markedEl) markedEl.textContent = String(all.filter(isMarked).length);
    all.forEach((fs, index) => {
      const cell = cellFor(fs.dataset.question);
      if (!cell) return;
      const answered = isAnswered(fs), marked = isMarked(fs);
      cell.classList.toggle("is-answered", answered);
      cell.classList.toggle("is-marked", marked);
      cell.title = `第 ${index + 1} 题:${answered ? "已答" : "未答"}${marked ? ",已标记" : ""}`;
    });
  }

  function showMark(fs, marked) {
    fs.dataset.marked = marked ? "1" : "";
    const button = fs.querySelector(".mark-toggle");
    if (button) { button.setAttribute("aria-pressed", marked ? "true" : "false"); button.textContent = marked ? "已标记待查" : "标记待查"; }
    countAnswered();
  }

  async function toggleMark(fs) {
    if (closed) return;
    const marked = !isMarked(fs);
    showMark(fs, marked);  // at once; put back if the server does not take it
    let result = null;
    try { result = await api(attemptUrl + "/marks", "POST", { question_id: Number(fs.dataset.question), marked }); } catch (e) { result = null; }
    if (result && result.ok) return;
    showMark(fs, !marked);
    if (result && result.status === 409) {
      lockAll((result.data && result.data.error) || "本次作答已结束。");
      setTimeout(() => window.location.assign(root.dataset.review), 2500);
      return;
    }
    setState(fs, (result && result.data && result.data.error) || "标记没有保存,请检查网络后再试", "is-error");
  }

  function lockAll(message) {
    closed = true;
    fieldsets().forEach((fs) => fs.querySelectorAll("input, select, button").forEach((i) => { i.disabled = true; }));
    const button = document.getElementById("submit-button");
    if (button) button.disabled = true;
    if (message && connection) { connection.textContent = message; connection.className = "connection is-error"; }
  }

  // One accepted entry of a 数值题 as templates/quiz/types/numerical.html writes it.
  function numericalEntry(a) {
    const text = "min" in a ? `${a.min} 到 ${a.max}` : `${a.value}${a.tolerance ? `(误差 ±${a.tolerance})` : ""}`;
    return a.credit < 1 ? `${text}(得 ${Math.round(a.credit * 1000) / 10}%)` : text;
  }

  function renderFeedback(fs, feedback) {
    const box = fs.querySelector(".feedback");
    if (!box) return;
    const selectOptions = Array.from(fs.querySelectorAll("select")).length
      ? Array.from(fs.querySelector("select").options).slice(1).map((o) => o.textContent) : [];
    const type = fs.dataset.type;
    let answer;
    if (type === "true_false") answer = feedback.answer[0] ? "对" : "错";
    else if (type === "fill_blank") answer = feedback.answer.join(" / ");
    else if (type === "numerical") answer = feedback.answer.map(numericalEntry).join(" 或 ");
    else if (type === "ordering") answer = feedback.answer.map((i) => selectOptions[i]).join(" → ");
    else answer = feedback.answer.map((i) => "ABCDEF"[i]).join("");
    const verdict = feedback.correct ? ["verdict-right", "回答正确"]
      : feedback.credit > 0 ? ["verdict-part", `部分正确(得 ${Math.round(feedback.credit * 100)}%)`] : ["verdict-wrong", "回答错误"];
    box.replaceChildren();
    const add = (cls, text) => { const p = document.createElement("p"); if (cls) p.className = cls; p.textContent = text; box.appendChild(p); };
    add(verdict[0], verdict[1]);
    add("", "正确答案:" + answer);
    if (feedback.explanation) add("explanation", "解析:" + (feedback.explanation_text || feedback.explanation));
    add("meta", "依据:" + (feedback.source_text || feedback.source));
    box.classList.remove("is-hidden");
  }

  function scheduleRetry(qid) {
    failures[qid] = (failures[qid] || 0) + 1;
    const delay = Math.min(30000, 1000 * 2 ** (failures[qid] - 1));
    clearTimeout(retryTimers[qid]);
    retryTimers[qid] = setTimeout(() => send(qid), delay);
    setState(fieldsetFor(qid), `未保存,${Math.round(delay / 1000)} 秒后重试…`, "is-error");
    if (connection) { connection.textContent = "网络不稳定,答案会自动重试保存"; connection.className = "connection is-error"; }
  }

  async function send(qid) {
    if (closed || inFlight.has(qid) || !pending[qid]) return;
    const fs = fieldsetFor(qid);
    const entry = pending[qid];
    inFlight.add(qid);
    setState(fs, "保存中…", "is-saving");
    let result;
    try {
      result = await api(answersUrl, "POST", { question_id: Number(qid), response: entry.response, check: !!entry.check });
    } catch (e) {
      result = null;
    }
    inFlight.delete(qid);
    if (result && result.ok) {
      failures[qid] = 0;
      if (pending[qid] === entry) { delete pending[qid]; storePending(); }
      setState(fs, "已保存", "is-saved");
      if (connection && !Object.keys(failures).some((k) => failures[k])) { connection.textContent = ""; connection.className = "connection"; }
      if (result.data && result.data.feedback) {
        renderFeedback(fs, result.data.feedback);
        fs.dataset.checked = "1";
        fs.querySelectorAll("input, select, button").forEach((i) => { i.disabled = true; });
      }
      if (pending[qid]) send(qid); // a newer answer arrived while this one was in flight
      return;
    }
    if (result && result.status === 409) {
      delete pending[qid]; storePending();
      setState(fs, "未保存", "is-error");
      lockAll((result.data && result.data.error) || "本次作答已结束。");
      setTimeout(() => window.location.assign(root.dataset.review), 2500);
      return;
    }
    if (result && (result.status === 400 || result.status === 403 || result.status === 404)) {
      // 403: the question is in the trainee's running exam, so it cannot be checked now (the answer was saved on change)
      delete pending[qid]; storePending();
      setState(fs, (result.data && result.data.error) || "答案无法保存", "is-error");
      return;
    }
    if (result && result.status === 401) {
      setState(fs, "登录已过期:答案暂存在本机,请在新窗口重新登录后回到本页", "is-error");
    }
    scheduleRetry(qid);
  }

  function queue(fs, check) {
    if (closed) return;
    const response = readResponse(fs);
    if (response === null) { setState(fs, "请为每一步选择不同的内容", "is-error"); return; }
    pending[fs.dataset.question] = { response, check: !!check };
    storePending();
    countAnswered();
    send(fs.dataset.question);
  }

  const debounce = {};
  fieldsets().forEach((fs) => {
    fs.addEventListener("change", () => { clearTimeout(debounce[fs.dataset.question]); queue(fs, false); });
    fs.querySelectorAll('input[type="text"]').forEach((input) => {
      input.addEventListener("input", () => {
        clearTimeout(debounce[fs.dataset.question]);
        debounce[fs.dataset.question] = setTimeout(() => queue(fs, false), 800);
      });
    });
    const mark = fs.querySelector(".mark-toggle");
    if (mark) mark.addEventListener("click", () => toggleMark(fs));
    const check = fs.querySelector(".check-answer");
    if (check) check.addEventListener("click", () => {
      const response = readResponse(fs);
      if (!response || !response.length) { setState(fs, "请先作答再核对", "is-error"); return; }
      queue(fs, true);
    });
  });
  window.addEventListener("online", () => Object.keys(pending).forEach((qid) => { clearTimeout(retryTimers[qid]); send(qid); }));

  // --- countdown ----------------------------------------------------------------------------------------
  const timer = document.getElementById("timer");
  let endsAt = null;
  function setRemaining(seconds) {
    if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return;
    endsAt = Date.now() + Number(seconds) * 1000;
  }
  function tick() {
    if (!timer || endsAt === null) return;
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    timer.textContent = `${String(Math.floor(left / 60)).padStart(2, "0")}:${String(left % 60).padStart(2, "0")}`;
    timer.classList.toggle("is-low", left <= 300);
    if (left === 0 && !closed) finish(true);
  }
  if (timer) { setRemaining(timer.dataset.remaining); setInterval(tick, 1000); tick(); }

  // --- restore from the server, then re-send what this browser had not delivered ---------------------------
  (async () => {
    try {
      const state = await api(attemptUrl, "GET");
      if (state.ok && state.data) {
        if (state.data.status !== "open") { window.location.assign(root.dataset.review); return; }
        setRemaining(state.data.remaining_seconds);
        state.data.items.forEach((item) => {
          const fs = fieldsetFor(item.question_id);
          if (fs && !pending[item.question_id] && fs.dataset.checked !== "1") showResponse(fs, item.response);
          if (fs) showMark(fs, !!item.marked);
        });
      }
    } catch (e) { /* offline: the server-rendered answers stand */ }
    Object.keys(pending).forEach((qid) => {
      const fs = fieldsetFor(qid);
      if (!fs) { delete pending[qid]; return; }
      showResponse(fs, pending[qid].response);
      send(qid);
    });
    storePending();
    countAnswered();
  })();

  // --- submit ---------------------------------------------------------------------------------------------
  async function flush(timeoutMs) {
    const started = Date.now();
    Object.keys(pending).forEach((qid) => { clearTimeout(retryTimers[qid]); send(qid); });
    while ((Object.keys(pending).length || inFlight.size) && Date.now() - started < timeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return Object.keys(pending).length === 0;
  }

  async function finish(timeUp) {
    if (closed && !timeUp) return;
    const saved = await flush(timeUp ? 4000 : 10000);
    if (!saved && !timeUp) {
      alert("还有答案没有保存成功,请检查网络后再交卷。");
      return;
    }
    lockAll(timeUp ? "时间到,正在交卷…" : "正在交卷…");
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const result = await api(submitUrl, "POST");
        if (result.ok) { try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ } window.location.assign(result.data.review_url); return; }
        if (result.status === 403) {  // a practice quiz sharing questions with a running exam waits for the exam
          alert((result.data && result.data.error) || "暂时不能交卷。");
          window.location.reload();
          return;
        }
        if (result.status >= 400 && result.status < 500) { window.location.assign(root.dataset.review); return; }
      } catch (e) { /* retry */ }
      await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
    }
    if (connection) connection.textContent = "交卷请求没有送达;到时间后系统会自动交卷,您的已保存答案不会丢失。";
  }

  // --- one question per screen on a phone; the answer card as a drawer ---------------------------------------
  const layout = document.querySelector(".exam-layout");
  const card = document.getElementById("answer-card");
  const toggle = document.getElementById("card-toggle");
  const closeCard = document.getElementById("card-close");
  const pager = document.getElementById("pager");
  const narrow = window.matchMedia("(max-width: 760px)");
  let current = 0;

  function openDrawer(open) {
    if (!card || !layout || !layout.classList.contains("has-drawer")) return;
    card.classList.toggle("is-open", open);
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function show(index, scroll) {
    const all = fieldsets();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((fs, i) => fs.classList.toggle("is-current", i === current));
    document.querySelectorAll("#answer-card a.cell").forEach((cell) => cell.classList.toggle("is-current", cell.dataset.question === all[current].dataset.question));
    const position = document.getElementById("pager-position");
    if (position) position.textContent = `第 ${current + 1} / ${all.length} 题`;
    const prev = document.getElementById("prev-question"), next = document.getElementById("next-question");
    if (prev) prev.disabled = current === 0;
    if (next) next.disabled = current === all.length - 1;
    if (scroll) all[current].scrollIntoView({ block: "start" });
  }

  function applyLayout() {
    const paged = narrow.matches;
    root.classList.toggle("is-paged", paged);
    if (layout) layout.classList.toggle("has-drawer", paged);
    if (pager) pager.hidden = !paged;
    if (closeCard) closeCard.hidden = !paged;
    if (!paged) openDrawer(false);
    show(current, false);
  }

  if (card) card.addEventListener("click", (event) => {
    const cell = event.target.closest("a.cell");
    if (!cell) return;
    const index = fieldsets().findIndex((fs) => fs.dataset.question === cell.dataset.question);
    if (index < 0) return;
    event.preventDefault();
    openDrawer(false);
    show(index, true);
    const first = fieldsets()[index].querySelector("input, select");
    if (first) first.focus({ preventScroll: true });
    history.replaceState(null, "", cell.getAttribute("href"));
  });
  if (toggle) toggle.addEventListener("click", (event) => {
    if (!layout || !layout.classList.contains("has-drawer")) return;
    event.preventDefault();
    openDrawer(!card.classList.contains("is-open"));
  });
  if (closeCard) closeCard.addEventListener("click", () => openDrawer(false));
  const prevButton = document.getElementById("prev-question"), nextButton = document.getElementById("next-question");
  if (prevButton) prevButton.addEventListener("click", () => show(current - 1, true));
  if (nextButton) nextButton.addEventListener("click", () => show(current + 1, true));
  if (narrow.addEventListener) narrow.addEventListener("change", applyLayout);
  const start = fieldsets().findIndex((fs) => "#" + fs.id === window.location.hash);
  current = start >= 0 ? start : 0;
  applyLayout();
  countAnswered();

  // --- submit: a dialog with what is left to check ----------------------------------------------------------
  const form = document.getElementById("submit-form");
  const dialog = document.getElementById("submit-dialog");
  function summary() {
    const all = fieldsets();
    const unanswered = all.filter((fs) => !isAnswered(fs)).length;
    const marked = all.filter(isMarked).length;
    const parts = [];
    if (unanswered) parts.push(`还有 ${unanswered} 题未作答`);
    if (marked) parts.push(`${marked} 题标记待查`);
    return parts.length ? parts.join(",") + ",确定交卷吗?" : `${all.length} 题都已作答,确定交卷吗?`;
  }
  if (form) form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (closed) return;
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(summary())) finish(false);
      return;
    }
    document.getElementById("submit-summary").textContent = summary();
    dialog.showModal();
  });
  if (dialog) {
    document.getElementById("submit-cancel").addEventListener("click", () => {
      dialog.close();
      const first = fieldsets().findIndex((fs) => !isAnswered(fs) || isMarked(fs));
      if (first >= 0) show(first, true);
    });
    document.getElementById("submit-confirm").addEventListener("click", () => { dialog.close(); finish(false); });
  }
})();
