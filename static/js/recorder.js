// Microphone → 16 kHz mono 16-bit PCM WAV, made in the page so the server needs no ffmpeg.
//
// getUserMedia → AudioContext → AudioWorklet (recorder-worklet.js) or, where worklets are missing, a
// ScriptProcessorNode → Float32 chunks at the context's rate (usually 48 kHz) → resampled to 16 kHz by an
// OfflineAudioContext (the browser's own band-limited resampler; a box filter where that is missing) →
// a RIFF/WAVE file. Each chunk's RMS drives the level meter and finds the first voiced frame, from which
// the page measures the response delay.
(function () {
  "use strict";

  const TARGET_RATE = 16000;
  const VOICE_RMS = 0.02; // about -34 dBFS: above room noise with noise suppression on, below quiet speech

  function rms(samples) {
    let sum = 0;
    for (let i = 0; i < samples.length; i += 1) sum += samples[i] * samples[i];
    return samples.length ? Math.sqrt(sum / samples.length) : 0;
  }

  function boxResample(samples, rate, target) {
    const ratio = rate / target;
    const out = new Float32Array(Math.floor(samples.length / ratio));
    for (let i = 0; i < out.length; i += 1) {
      const start = Math.floor(i * ratio);
      const end = Math.min(samples.length, Math.max(start + 1, Math.floor((i + 1) * ratio)));
      let sum = 0;
      for (let j = start; j < end; j += 1) sum += samples[j];
      out[i] = sum / (end - start);
    }
    return out;
  }

  async function resample(samples, rate, target = TARGET_RATE) {
    if (rate === target || samples.length === 0) return samples;
    const Offline = window.OfflineAudioContext || window.webkitOfflineAudioContext;
    if (Offline) {
      try {
        const frames = Math.max(1, Math.round((samples.length * target) / rate));
        const offline = new Offline(1, frames, target);
        const buffer = offline.createBuffer(1, samples.length, rate);
        buffer.getChannelData(0).set(samples);
        const source = offline.createBufferSource();
        source.buffer = buffer;
        source.connect(offline.destination);
        source.start();
        const rendered = await offline.startRendering();
        return rendered.getChannelData(0);
      } catch (error) {
        console.warn("OfflineAudioContext resampling failed; using a box filter", error);
      }
    }
    return boxResample(samples, rate, target);
  }

  function encodeWav(samples, rate = TARGET_RATE) {
    const buffer = new ArrayBuffer(44 + samples.length * 2);
    const view = new DataView(buffer);
    const text = (offset, value) => { for (let i = 0; i < value.length; i += 1) view.setUint8(offset + i, value.charCodeAt(i)); };
    text(0, "RIFF");
    view.setUint32(4, 36 + samples.length * 2, true);
    text(8, "WAVE");
    text(12, "fmt ");
    view.setUint32(16, 16, true); // fmt chunk size
    view.setUint16(20, 1, true); // PCM
    view.setUint16(22, 1, true); // mono
    view.setUint32(24, rate, true);
    view.setUint32(28, rate * 2, true); // byte rate
    view.setUint16(32, 2, true); // block align
    view.setUint16(34, 16, true); // bits per sample
    text(36, "data");
    view.setUint32(40, samples.length * 2, true);
    for (let i = 0; i < samples.length; i += 1) {
      const s = Math.max(-1, Math.min(1, samples[i]));
      view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
    }
    return new Blob([buffer], { type: "audio/wav" });
  }

  class Recorder {
    constructor({ workletUrl, onLevel } = {}) {
      this.workletUrl = workletUrl;
      this.onLevel = onLevel || (() => {});
      this.recording = false;
      this.chunks = [];
      this.frames = 0;
      this.firstVoiceFrame = null;
    }

    /** Ask for the microphone and start listening (the meter moves; nothing is kept until start()). */
    async open() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error("getUserMedia unavailable");
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
      const Context = window.AudioContext || window.webkitAudioContext;
      this.context = new Context();
      if (this.context.state === "suspended") await this.context.resume();
      this.rate = this.context.sampleRate;
      this.source = this.context.createMediaStreamSource(this.stream);
      // Processing nodes only run when connected to the output: route them through a silent gain.
      this.mute = this.context.createGain();
      this.mute.gain.value = 0;
      this.mute.connect(this.context.destination);
      if (this.context.audioWorklet && window.AudioWorkletNode && this.workletUrl) {
        try {
          await this.context.audioWorklet.addModule(this.workletUrl);
          this.node = new AudioWorkletNode(this.context, "pcm-capture");
          this.node.port.onmessage = (event) => this.take(event.data);
          this.source.connect(this.node).connect(this.mute);
          this.mode = "worklet";
          return this;
        } catch (error) {
          console.warn("AudioWorklet unavailable; using ScriptProcessorNode", error);
        }
      }
      this.node = this.context.createScriptProcessor(4096, 1, 1);
      this.node.onaudioprocess = (event) => this.take(new Float32Array(event.inputBuffer.getChannelData(0)));
      this.source.connect(this.node).connect(this.mute);
      this.mode = "script-processor";
      return this;
    }

    take(samples) {
      const level = rms(samples);
      this.onLevel(level);
      if (!this.recording) return;
      if (this.firstVoiceFrame === null && level >= VOICE_RMS) this.firstVoiceFrame = this.frames;
      this.chunks.push(samples);
      this.frames += samples.length;
    }

    start() {
      this.chunks = [];
      this.frames = 0;
      this.firstVoiceFrame = null;
      this.recording = true;
    }

    get seconds() {
      return this.rate ? this.frames / this.rate : 0;
    }

    /** Stop keeping samples; resolves to {blob, seconds, firstVoiceSeconds (null if never loud enough)}. */
    async stop() {
      this.recording = false;
      const merged = new Float32Array(this.frames);
      let offset = 0;
      for (const chunk of this.chunks) {
        merged.set(chunk, offset);
        offset += chunk.length;
      }
      this.chunks = [];
      const resampled = await resample(merged, this.rate, TARGET_RATE);
      return {
        blob: encodeWav(resampled, TARGET_RATE),
        seconds: resampled.length / TARGET_RATE,
        firstVoiceSeconds: this.firstVoiceFrame === null ? null : this.firstVoiceFrame / this.rate,
      };
    }

    close() {
      this.recording = false;
      if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
      if (this.context) this.context.close();
    }
  }

  window.TrainerRecorder = { Recorder, encodeWav, resample, boxResample, rms, TARGET_RATE, VOICE_RMS };
})();
