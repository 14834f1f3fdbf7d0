// Role-play practice page: play the customer's line, record the answer (recorder.js), upload it to
// POST /api/v1/roleplay/score with the session cookie and CSRF header, and show the scored result.
// Also wires "重新识别" buttons (data-retry-url) on the summary page.
(function () {
  "use strict";

  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      credentials: "same-origin",
    });
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = { error: `服务器返回 ${response.status}` };
    }
    return { ok: response.ok, status: response.status, data };
  }

  document.querySelectorAll("button[data-retry-url]").forEach((button) => {
    button.addEventListener("click", async () => {
      button.disabled = true;
      button.textContent = "正在识别…";
      try {
        await post(button.dataset.retryUrl);
      } finally {
        window.location.reload();
      }
    });
  });

  const root = document.getElementById("rp");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const customer = $("rp-customer");
  const maxSeconds = Number(root.dataset.maxSeconds) || 15;
  const maxBytes = Number(root.dataset.maxBytes) || 2 * 1024 * 1024;
  let recorder = null;
  let timer = null;
  let deadline = 0;
  let heardFrom = 0; // performance.now() when the customer's line ended (or recording began without it)
  let recordingStartedAt = 0;
  let lastUpload = null; // kept so a failed upload can be sent again without recording again
  let retryUrl = null;

  const setStatus = (text) => { $("rp-status").textContent = text; };

  async function ensureRecorder() {
    if (recorder) return recorder;
    const candidate = new window.TrainerRecorder.Recorder({
      workletUrl: root.dataset.workletUrl,
      onLevel: (level) => { $("rp-level").value = Math.min(1, level * 5); },
    });
    await candidate.open();
    recorder = candidate;
    root.dataset.recorderMode = recorder.mode;
    return recorder;
  }

  function playCustomer() {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (played) => {
        if (settled) return;
        settled = true;
        customer.removeEventListener("ended", onEnded);
        customer.removeEventListener("error", onError);
        resolve(played);
      };
      const onEnded = () => finish(true);
      const onError = () => { $("rp-voice-note").hidden = false; finish(false); };
      if (!customer || customer.error) { onError(); return; }
      customer.addEventListener("ended", onEnded);
      customer.addEventListener("error", onError);
      customer.currentTime = 0;
      const playing = customer.play();
      if (playing && playing.catch) playing.catch(onError);
    });
  }

  function tick() {
    const now = performance.now();
    $("rp-countdown").textContent = String(Math.max(0, Math.ceil((deadline - now) / 1000)));
    if (now >= deadline) stopTurn();
  }

  async function startTurn() {
    $("rp-start").disabled = true;
    $("rp-result").hidden = true;
    $("rp-countdown").textContent = String(maxSeconds);
    try {
      setStatus("正在打开麦克风…");
      await ensureRecorder();
    } catch (error) {
      setStatus("无法使用麦克风。请在浏览器中允许本网站使用麦克风(需通过 https 或本机访问),然后重试。");
      $("rp-start").disabled = false;
      return;
    }
    setStatus("请听客户说话…");
    await playCustomer();
    heardFrom = performance.now();
    recordingStartedAt = heardFrom;
    recorder.start();
    root.classList.add("recording");
    $("rp-stop").disabled = false;
    setStatus("正在录音,请回答。说完后点“回答完毕”。");
    deadline = recordingStartedAt + maxSeconds * 1000;
    timer = window.setInterval(tick, 200);
    tick();
  }

  async function stopTurn() {
    if (!recorder || !recorder.recording) return;
    window.clearInterval(timer);
    root.classList.remove("recording");
    $("rp-stop").disabled = true;
    setStatus("正在上传并评分,请稍候…");
    const take = await recorder.stop();
    const delay = take.firstVoiceSeconds === null
      ? "" : Math.max(0, (recordingStartedAt - heardFrom) / 1000 + take.firstVoiceSeconds).toFixed(2);
    if (take.blob.size > maxBytes) {
      setStatus("录音太长,超过上传上限,请缩短回答后再试一次。");
      $("rp-start").disabled = false;
      return;
    }
    lastUpload = { blob: take.blob, delay };
    await upload();
  }

  async function upload() {
    const form = new FormData();
    form.append("audio", lastUpload.blob, "answer.wav");
    form.append("scenario", root.dataset.scenario);
    form.append("turn", root.dataset.turn);
    form.append("session", root.dataset.session);
    form.append("response_delay", lastUpload.delay);
    let reply;
    try {
      reply = await post(root.dataset.uploadUrl, form);
    } catch (error) {
      setStatus("上传失败,请检查网络后点“重新上传”。录音还在本页。");
      retryUrl = null;
      $("rp-retry").textContent = "重新上传";
      $("rp-retry").hidden = false;
      $("rp-result").hidden = false;
      $("rp-scored").hidden = true;
      return;
    }
    if (!reply.data.attempt_id) {
      setStatus(reply.data.error || `提交失败(${reply.status})。`);
      $("rp-start").disabled = false;
      return;
    }
    lastUpload = null;
    show(reply.data);
    if (reply.data.status === "pending" && reply.data.queued) poll(reply.data.status_url, reply.data);
  }

  // The upload answers 202 when its answer is still queued (workers busy, or a class answering at once on
  // the one-machine default): ask until it is scored or rejected, for at most two minutes (then "重新识别"
  // stays offered), showing how many answers are ahead and how long it has waited. Each request may be
  // held up to two seconds and answers the moment the score is stored (?wait=2, one-machine default);
  // a reply that comes back sooner and still pending is followed by the next one a second after it was sent.
  function waiting(data) {
    const queue = data.queue || {};
    const waited = queue.waited_s != null ? `(已等待 ${Math.round(queue.waited_s)} 秒)` : "";
    if (queue.state === "waiting" && queue.ahead > 0) return `排队中:前面还有 ${queue.ahead} 段录音,请稍候…${waited}`;
    return `识别中…${queue.waited_s >= 3 ? waited : ""}`;
  }

  function pause(ms) {
    return new Promise((resolve) => window.setTimeout(resolve, Math.max(0, ms)));
  }

  async function poll(url, first) {
    const until = performance.now() + 120000;
    root.dataset.polling = "1";
    setStatus(waiting(first || {}));
    const held = url + (url.includes("?") ? "&" : "?") + "wait=2";
    while (performance.now() < until) {
      const sent = performance.now();
      let data;
      try {
        const response = await fetch(held, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (response.ok) data = await response.json();
      } catch (error) {
        data = undefined;
      }
      if (!data) {
        await pause(1000);
        continue;
      }
      if (data.status !== "pending" || !data.queued) {
        delete root.dataset.polling;
        show(data);
        return;
      }
      root.dataset.queueAhead = data.queue ? String(data.queue.ahead) : "";
      setStatus(waiting(data));
      await pause(1000 - (performance.now() - sent));
    }
    delete root.dataset.polling;
    setStatus("识别服务繁忙,稍后自动评分。您可以稍后回到本页查看结果。");
  }

  function fill(list, entries, render) {
    list.replaceChildren(...entries.map((entry) => {
      const li = document.createElement("li");
      render(li, entry);
      return li;
    }));
  }

  function show(data) {
    const scored = data.status === "scored";
    $("rp-result").hidden = false;
    $("rp-scored").hidden = !scored;
    root.dataset.attemptStatus = data.status;
    const verdict = $("rp-verdict");
    verdict.className = "badge";
    if (scored) {
      $("rp-score-value").textContent = `${data.score} 分`;
      verdict.textContent = data.passed ? "通过" : "未通过";
      verdict.classList.add(data.passed ? "pass" : "fail");
      setStatus(data.passed ? "本轮通过。" : "本轮未通过,可以再试一次。");
    } else {
      $("rp-score-value").textContent = "";
      verdict.textContent = data.status === "pending" ? "待识别" : "录音无效";
      setStatus(data.message || "");
    }
    $("rp-message").hidden = scored || !data.message;
    $("rp-message").textContent = data.message || "";
    const transcript = $("rp-transcript");
    transcript.replaceChildren(...(data.segments || []).map((segment) => {
      if (!segment.kind) return document.createTextNode(segment.text);
      const mark = document.createElement("mark");
      mark.className = segment.kind;
      mark.textContent = segment.text;
      return mark;
    }));
    if (!transcript.childNodes.length) transcript.textContent = "(没有识别出文字)";
    const items = (data.items || []).map((item) => ({ kind: item.hit ? "hit" : "miss", text: `${item.hit ? "✓" : "✗"} ${item.label}${item.evidence ? `(${item.evidence})` : ""}` }))
      .concat((data.forbidden_heard || []).map((hit) => ({ kind: "forbidden", text: `⚠ 服务禁语“${hit.phrase}”(听到:${hit.heard})` })));
    fill($("rp-items"), items, (li, entry) => { li.className = entry.kind; li.textContent = entry.text; });
    fill($("rp-feedback"), data.feedback || [], (li, line) => { li.textContent = line; });
    const pace = [];
    if (data.chars_per_second != null) pace.push(`语速 ${data.chars_per_second} 字/秒`);
    if (data.response_delay_seconds != null) pace.push(`开口用时 ${data.response_delay_seconds} 秒`);
    if (data.audio_seconds != null) pace.push(`录音 ${Number(data.audio_seconds).toFixed(1)} 秒`);
    $("rp-pace").textContent = pace.join(" · ");
    retryUrl = data.retry_url;
    $("rp-retry").textContent = "重新识别";
    $("rp-retry").hidden = !retryUrl;
    const session = data.session || {};
    const next = $("rp-next");
    if (session.next_url) next.href = session.next_url;
    next.textContent = session.next_url === session.summary_url ? "查看总结" : "下一轮";
    $("rp-start").disabled = false;
    $("rp-result").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  $("rp-start").addEventListener("click", startTurn);
  $("rp-stop").addEventListener("click", stopTurn);
  $("rp-again").addEventListener("click", startTurn);
  $("rp-retry").addEventListener("click", async () => {
    $("rp-retry").disabled = true;
    try {
      if (lastUpload) {
        setStatus("正在重新上传…");
        await upload();
      } else if (retryUrl) {
        setStatus("正在重新识别…");
        const reply = await post(retryUrl);
        if (reply.data.attempt_id) {
          show(reply.data);
          if (reply.data.status === "pending" && reply.data.queued) poll(reply.data.status_url, reply.data);
        }
        else setStatus(reply.data.error || "识别失败,请稍后再试。");
      }
    } catch (error) {
      setStatus("网络错误,请稍后再试。");
    } finally {
      $("rp-retry").disabled = false;
    }
  });
  if (customer) {
    customer.addEventListener("error", () => { $("rp-voice-note").hidden = false; });
    if (customer.error) $("rp-voice-note").hidden = false;
  }
})();
