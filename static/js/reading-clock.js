// The reading clock of a module page: counts seconds only while the page is visible and the learner has given
// input (scroll, click, key, touch, pointer move) within data-idle-seconds, and reports them every
// data-beat-seconds. The server counts a report at most up to the wall-clock time since the previous one
// (trainer/records/reading_clock.py), so this file decides only what is *not* counted.
(() => {
  const root = document.getElementById("reading-clock");
  if (!root) return;
  const idleMs = Number(root.dataset.idleSeconds) * 1000;
  const beatMs = Number(root.dataset.beatSeconds) * 1000;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const TICK_MS = 1000;
  let lastInput = performance.now();
  let lastTick = lastInput;
  let pendingMs = 0;
  let sending = false;

  const noteInput = () => { lastInput = performance.now(); };
  for (const name of ["pointerdown", "pointermove", "keydown", "wheel", "scroll", "touchstart"]) {
    window.addEventListener(name, noteInput, { passive: true, capture: true });
  }

  const active = (now) => document.visibilityState === "visible" && now - lastInput < idleMs;

  function tick() {
    const now = performance.now();
    // A throttled or suspended timer must not turn a long gap into active time: at most two ticks' worth.
    if (active(now)) pendingMs += Math.min(now - lastTick, 2 * TICK_MS);
    lastTick = now;
  }

  function body(seconds) {
    const form = new FormData();
    form.append("csrf_token", csrf);
    form.append("token", root.dataset.token);
    form.append("seconds", String(seconds));
    return form;
  }

  function show(data) {
    root.dataset.seconds = data.seconds;
    root.dataset.status = data.status;
    const minutes = root.querySelector(".clock-minutes");
    if (minutes) minutes.textContent = String(Math.floor(data.seconds / 60));
    root.querySelectorAll("[data-state]").forEach((el) => { el.hidden = el.dataset.state !== data.status; });
  }

  async function beat(always = false) {
    tick();
    const seconds = Math.floor(pendingMs / 1000);
    if (sending || (seconds < 1 && !always)) return;
    sending = true;
    pendingMs -= seconds * 1000;
    try {
      const response = await fetch(root.dataset.beatUrl, {
        method: "POST", body: body(seconds), headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      if (response.ok) show(await response.json());
    } catch (error) {
      // Offline: those seconds are dropped, not resent; the server would cap them anyway.
    } finally {
      sending = false;
    }
  }

  // Leaving or hiding the page: report what was counted so far; sendBeacon survives the unload.
  function flush() {
    tick();
    const seconds = Math.floor(pendingMs / 1000);
    if (seconds < 1) return;
    pendingMs -= seconds * 1000;
    navigator.sendBeacon(root.dataset.beatUrl, body(seconds));
  }

  setInterval(tick, TICK_MS);
  setInterval(() => beat(), beatMs);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flush(); });
  window.addEventListener("pagehide", flush);
  // A section marked read may complete the module: report now so the credit shows without waiting.
  document.addEventListener("module:section-read", () => beat(true));
})();
