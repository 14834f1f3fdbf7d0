// 评分试用: record an answer in the page (recorder.js) and attach it to the form's file input, so the
// trainer can speak instead of typing; the form then posts it like an uploaded WAV.
(function () {
  "use strict";
  const box = document.getElementById("try-record");
  if (!box || !window.TrainerRecorder || !window.DataTransfer) return;
  const start = document.getElementById("try-record-start");
  const stop = document.getElementById("try-record-stop");
  const note = document.getElementById("try-record-note");
  const input = document.querySelector("input[type=file][name=audio]");
  let recorder = null;
  box.hidden = false;

  start.addEventListener("click", async () => {
    try {
      if (!recorder) {
        recorder = new window.TrainerRecorder.Recorder({ workletUrl: box.dataset.workletUrl });
        await recorder.open();
      }
      recorder.start();
      start.disabled = true;
      stop.disabled = false;
      note.textContent = "正在录音…说完请点“停止”。";
    } catch (error) {
      note.textContent = "无法使用麦克风,请检查浏览器权限,或直接打字/上传录音。";
    }
  });

  stop.addEventListener("click", async () => {
    if (!recorder || !recorder.recording) return;
    const take = await recorder.stop();
    const files = new DataTransfer();
    files.items.add(new File([take.blob], "try.wav", { type: "audio/wav" }));
    input.files = files.files;
    start.disabled = false;
    stop.disabled = true;
    note.textContent = `已录音 ${take.seconds.toFixed(1)} 秒,点“评分”提交。`;
  });
})();
