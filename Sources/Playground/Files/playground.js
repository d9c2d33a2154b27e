// The logitd playground: reads the form, asks this server's /sigmoid, /softmax and /classify, and
// draws their answers. No framework, no other origin, no inline code (the page runs under
// Content-Security-Policy: default-src 'self').
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  const form = $("controls");
  const fields = {
    logits: $("logits"),
    labels: $("labels"),
    temperature: $("temperature"),
    threshold: $("threshold"),
    topK: $("top-k"),
  };
  const view = {
    results: $("results"),
    summary: $("summary"),
    problem: $("problem"),
    classification: $("classification"),
    rows: $("bars").tBodies[0],
    probabilityHeading: $("probability-heading"),
    curve: $("curve"),
    temperature: $("temperature-value"),
    threshold: $("threshold-value"),
  };

  // --- Reading the form ---------------------------------------------------------------------

  /** The logits field as the text of a JSON array: a JSON array as typed, or numbers separated by
   *  commas or spaces put between brackets. The server judges it (and names what is wrong). */
  function logitsText(text) {
    const trimmed = text.trim();
    if (trimmed.startsWith("[")) return trimmed;
    return "[" + trimmed.split(/[\s,]+/).filter(Boolean).join(",") + "]";
  }

  function readForm() {
    const raw = logitsText(fields.logits.value);
    let values = null;
    try {
      const parsed = JSON.parse(raw);
      if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((v) => typeof v === "number" && Number.isFinite(v))) {
        values = parsed;
      }
    } catch (_) {
      values = null;
    }
    const labels = fields.labels.value.split(",").map((s) => s.trim());
    const hasLabels = labels.some((s) => s.length > 0);
    return {
      raw,
      values,
      labels: hasLabels ? labels : null,
      activation: form.elements.activation.value,
      temperature: fields.temperature.value,
      threshold: fields.threshold.value,
      topK: fields.topK.value,
    };
  }

  // --- Asking the server --------------------------------------------------------------------

  class Problem extends Error {
    constructor(path, detail) {
      super(`${path}: ${detail}`);
      this.path = path;
      this.detail = detail;
    }
  }

  /** POSTs a JSON body; resolves to { text, json } for a 200, rejects with a Problem otherwise. */
  async function post(path, body, signal) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body,
      signal,
    });
    const text = await response.text();
    if (!response.ok) {
      let detail = `${response.status} ${response.statusText}`;
      try {
        detail = JSON.parse(text).detail || detail;
      } catch (_) {
        // Not problem+json: the status says enough.
      }
      throw new Problem(path, detail);
    }
    return { text, json: JSON.parse(text) };
  }

  /** The numbers of the flat array `key` as the server wrote them (Python's repr spelling, e.g. "1.0"),
   *  read from the answer's text so that the page prints exactly what the API printed. */
  function numberTexts(text, key) {
    const head = `"${key}":[`;
    const start = text.indexOf(head);
    if (start < 0) return null;
    const end = text.indexOf("]", start + head.length);
    return text.slice(start + head.length, end).split(",");
  }

  // --- Drawing ------------------------------------------------------------------------------

  function svg(name, attributes, parent) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    if (parent) parent.appendChild(element);
    return element;
  }

  function element(name, className, text) {
    const e = document.createElement(name);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function className(state, i) {
    return state.labels && state.labels[i] ? state.labels[i] : `class ${i}`;
  }

  /** One table row per class: its logit beside its probability, each as a number and a bar. */
  function drawBars(state, answer) {
    const { values, probabilities, marked, threshold } = answer;
    const largest = Math.max(...values.map(Math.abs)) || 1;
    const rows = values.map((x, i) => {
      const row = element("tr", marked[i] ? "top" : "");
      const name = element("th");
      name.scope = "row";
      name.append(state.labels && state.labels[i] ? state.labels[i] : String(i));
      if (state.labels && state.labels[i]) name.append(element("span", "index", `class ${i}`));
      row.append(name);

      const logit = element("td");
      logit.append(element("span", "number logit", String(x)));
      const logitTrack = element("div", "track logit");
      logitTrack.setAttribute("aria-hidden", "true");
      const logitFill = element("div", x < 0 ? "fill negative" : "fill");
      const half = (Math.abs(x) / largest) * 50;
      logitFill.style.left = `${x < 0 ? 50 - half : 50}%`;
      logitFill.style.width = `${half}%`;
      logitTrack.append(logitFill);
      logit.append(logitTrack);
      row.append(logit);

      const probability = element("td");
      probability.append(element("span", "number probability", probabilities[i]));
      const track = element("div", "track probability");
      track.setAttribute("aria-hidden", "true");
      const fill = element("div", "fill");
      fill.style.width = `${Math.min(1, Math.max(0, Number(probabilities[i]))) * 100}%`;
      track.append(fill);
      if (threshold !== null) {
        const line = element("div", "threshold");
        line.style.left = `${threshold * 100}%`;
        track.append(line);
      }
      probability.append(track);
      if (marked[i]) probability.append(element("span", "visually-hidden", ` (${marked[i]})`));
      row.append(probability);
      return row;
    });
    view.rows.replaceChildren(...rows);
  }

  /** Ticks at 1, 2 or 5 times a power of ten, about six over the range. */
  function ticks(low, high) {
    const rough = (high - low) / 6;
    const power = 10 ** Math.floor(Math.log10(rough));
    const ratio = rough / power;
    const step = (ratio < 1.5 ? 1 : ratio < 3.5 ? 2 : ratio < 7.5 ? 5 : 10) * power;
    const out = [];
    for (let k = Math.ceil(low / step); k * step <= high && out.length < 14; k++) out.push(Number((k * step).toPrecision(12)));
    return out;
  }

  /** The horizontal range the curves are drawn over: at least −6…6, holding every logit. */
  function curveRange(values) {
    const low = Math.min(-6, ...values);
    const high = Math.max(6, ...values);
    const margin = (high - low) / 20;
    return [low - margin, high + margin];
  }

  /** The plot's frame, in the SVG's own units. Its width follows the figure's (at most 640), so that the
   *  12 px text stays 12 px on a phone instead of shrinking with the picture. */
  const plot = { left: 52, right: 16, top: 16, bottom: 48, width: 640, height: 300 };

  function fitPlot() {
    const width = Math.round(Math.min(640, Math.max(280, view.curve.clientWidth || 640)));
    const height = width < 480 ? 260 : 300;
    if (width === plot.width && height === plot.height) return false;
    plot.width = width;
    plot.height = height;
    view.curve.setAttribute("viewBox", `0 0 ${width} ${height}`);
    return true;
  }

  /** σ and σ′ (from the server, sampled over the range) with every logit marked on both. */
  function drawCurve(state, grid, points, range) {
    fitPlot();
    const [low, high] = range;
    const w = plot.width - plot.left - plot.right;
    const h = plot.height - plot.top - plot.bottom;
    const x = (v) => plot.left + ((v - low) / (high - low)) * w;
    const y = (v) => plot.top + (1 - v) * h;
    const root = view.curve;
    root.replaceChildren();

    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      svg("line", { class: t === 0 ? "axis" : "grid", x1: plot.left, x2: plot.left + w, y1: y(t), y2: y(t) }, root);
      svg("text", { x: plot.left - 6, y: y(t) + 4, "text-anchor": "end" }, root).textContent = String(t);
    }
    for (const t of ticks(low, high)) {
      svg("line", { class: t === 0 ? "axis" : "grid", x1: x(t), x2: x(t), y1: plot.top, y2: plot.top + h + 4 }, root);
      svg("text", { x: x(t), y: plot.top + h + 18, "text-anchor": "middle" }, root).textContent = String(t);
    }
    svg("text", { class: "axis-label", x: plot.left + w / 2, y: plot.height - 8, "text-anchor": "middle" }, root).textContent = "logit x";
    svg("text", { class: "axis-label", x: 14, y: plot.top + h / 2, "text-anchor": "middle", transform: `rotate(-90 14 ${plot.top + h / 2})` }, root).textContent = "σ(x), σ′(x)";

    const line = (ys) => grid.xs.map((v, i) => `${x(v).toFixed(2)},${y(ys[i]).toFixed(2)}`).join(" ");
    svg("polyline", { class: "sigma", points: line(grid.probabilities) }, root);
    svg("polyline", { class: "slope", points: line(grid.derivatives) }, root);
    if (state.activation === "sigmoid") {
      const t = Number(state.threshold);
      svg("line", { class: "threshold", x1: plot.left, x2: plot.left + w, y1: y(t), y2: y(t) }, root);
      svg("text", { x: plot.left + w - 4, y: y(t) - 5, "text-anchor": "end" }, root).textContent = `threshold ${state.threshold}`;
    }
    // One mark per logit on each curve, each with its numbers as a tooltip.
    const marks = svg("g", { class: "marks" }, root);
    state.values.forEach((v, i) => {
      const name = className(state, i);
      const slope = svg("rect", { class: "slope-point", x: x(v) - 4, y: y(points.derivatives[i]) - 4, width: 8, height: 8 }, marks);
      svg("title", {}, slope).textContent = `${name}: x = ${v}, σ′(x) = ${points.derivativeTexts[i]}`;
      const point = svg("circle", { class: "point", cx: x(v), cy: y(points.probabilities[i]), r: 5 }, marks);
      svg("title", {}, point).textContent = `${name}: x = ${v}, σ(x) = ${points.probabilityTexts[i]}`;
    });

    // The legend, top left inside the plot.
    const legend = svg("g", { transform: `translate(${plot.left + 10} ${plot.top + 14})` }, root);
    svg("line", { class: "sigma", x1: 0, x2: 22, y1: -4, y2: -4 }, legend);
    svg("text", { x: 28, y: 0 }, legend).textContent = "σ(x)";
    svg("line", { class: "slope", x1: 0, x2: 22, y1: 14, y2: 14 }, legend);
    svg("text", { x: 28, y: 18 }, legend).textContent = "σ′(x)";
    svg("circle", { class: "point", cx: 11, cy: 32, r: 5 }, legend);
    svg("text", { x: 28, y: 36 }, legend).textContent = "the logits";
  }

  /** The classification, as a list: the top k (softmax) or each output's prediction (sigmoid). */
  function drawClassification(state, answer) {
    const items = [];
    if (state.activation === "softmax") {
      for (const entry of answer.json.top) {
        const li = element("li");
        li.append(`${className(state, entry.class)} `, element("span", "value", answer.probabilityTexts[entry.class]));
        items.push(li);
      }
      const best = answer.json.class;
      $("classification-note").textContent = "(top k by /classify, at temperature 1)";
      view.summary.textContent = `Softmax: ${className(state, best)} is the most probable (probability ${answer.probabilityTexts[best]} at temperature 1).`;
    } else {
      answer.json.predictions.forEach((p, i) => {
        const li = element("li", p === 1 ? "predicted" : "");
        li.append(`${className(state, i)}: predicted ${p} `, element("span", "value", `(${answer.probabilityTexts[i]})`));
        items.push(li);
      });
      $("classification-note").textContent = `(by /classify, threshold ${state.threshold})`;
      const yes = answer.json.predictions.flatMap((p, i) => (p === 1 ? [className(state, i)] : []));
      view.summary.textContent = `Sigmoid, threshold ${state.threshold}: ${yes.length ? yes.join(", ") : "none"} predicted 1 (${yes.length} of ${answer.json.predictions.length}).`;
    }
    // The top k are a ranking; sigmoid's predictions are one per output, in class order, not ranked.
    view.classification.classList.toggle("unranked", state.activation === "sigmoid");
    view.classification.replaceChildren(...items);
  }

  function showProblem(message) {
    view.problem.hidden = message === null;
    view.problem.textContent = message || "";
  }

  // --- The update loop ----------------------------------------------------------------------

  let generation = 0;
  let inFlight = null;
  const gridCache = new Map();

  async function sigmoidGrid(range, signal) {
    const key = range.join(",");
    if (gridCache.has(key)) return gridCache.get(key);
    const [low, high] = range;
    const xs = Array.from({ length: 161 }, (_, i) => low + ((high - low) * i) / 160);
    const answer = await post("/sigmoid", JSON.stringify({ logits: xs, derivative: true }), signal);
    const grid = { xs, probabilities: answer.json.probabilities, derivatives: answer.json.derivatives };
    gridCache.clear();
    gridCache.set(key, grid);
    return grid;
  }

  async function update() {
    const mine = ++generation;
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    const signal = inFlight.signal;
    const state = readForm();
    view.temperature.textContent = state.temperature;
    view.threshold.textContent = state.threshold;
    view.results.setAttribute("aria-busy", "true");

    if (state.values) {
      fields.topK.max = String(state.values.length);
      if (Number(state.topK) > state.values.length) {
        fields.topK.value = String(state.values.length);
        state.topK = fields.topK.value;
      }
    }

    const classifyBody = { activation: state.activation };
    if (state.labels) classifyBody.labels = state.labels;
    if (state.activation === "sigmoid") classifyBody.threshold = Number(state.threshold);
    else classifyBody.top_k = Math.max(1, Math.floor(Number(state.topK)) || 1);
    const classifyText = JSON.stringify(classifyBody).replace(/^\{/, `{"logits":${state.raw},`);

    const requests = [
      post("/sigmoid", `{"logits":${state.raw},"derivative":true}`, signal),
      state.activation === "softmax"
        ? post("/softmax", `{"logits":${state.raw},"temperature":${state.temperature}}`, signal)
        : null,
      post("/classify", classifyText, signal),
      state.values ? sigmoidGrid(curveRange(state.values), signal) : null,
    ];
    const [sigmoid, softmax, classify, grid] = await Promise.allSettled(requests.map((r) => r || Promise.resolve(null)));
    if (mine !== generation) return; // a newer update owns the page
    view.results.removeAttribute("aria-busy");

    const failed = [sigmoid, softmax, classify, grid].find((r) => r.status === "rejected");
    if (failed && failed.reason && failed.reason.name === "AbortError") return;
    if (!state.values && !failed) {
      showProblem("The playground draws one vector of numbers; send a batch to the API itself.");
    } else {
      showProblem(failed ? failed.reason.message : null);
    }
    const ok = (r) => r.status === "fulfilled" && r.value;
    if (!state.values || !ok(sigmoid)) {
      view.results.classList.add("stale");
      return;
    }
    view.results.classList.remove("stale");

    const points = {
      probabilities: sigmoid.value.json.probabilities,
      derivatives: sigmoid.value.json.derivatives,
      probabilityTexts: numberTexts(sigmoid.value.text, "probabilities"),
      derivativeTexts: numberTexts(sigmoid.value.text, "derivatives"),
    };
    // What each row is marked with: its rank among the top k, or "predicted 1".
    const marked = state.values.map(() => false);
    if (ok(classify)) {
      if (state.activation === "softmax") {
        classify.value.json.top.forEach((entry, rank) => (marked[entry.class] = `top ${rank + 1}`));
      } else {
        classify.value.json.predictions.forEach((p, i) => (marked[i] = p === 1 ? "predicted 1" : false));
      }
      drawClassification(state, { json: classify.value.json, probabilityTexts: numberTexts(classify.value.text, "probabilities") });
    } else {
      view.classification.replaceChildren();
      view.summary.textContent = "No classification: see the message below.";
    }

    const probabilities = state.activation === "softmax" && ok(softmax)
      ? numberTexts(softmax.value.text, "probabilities")
      : points.probabilityTexts;
    view.probabilityHeading.textContent = state.activation === "softmax"
      ? `softmax, T = ${state.temperature}`
      : "σ(x)";
    drawBars(state, {
      values: state.values,
      probabilities,
      marked,
      threshold: state.activation === "sigmoid" ? Number(state.threshold) : null,
    });
    if (ok(grid)) {
      lastDrawing = [state, grid.value, points, curveRange(state.values)];
      drawCurve(...lastDrawing);
    }
  }

  // Typing waits for a pause of 120 ms; sliders, switches and steppers answer at once.
  let timer = 0;
  fields.logits.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  fields.labels.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  for (const control of [fields.temperature, fields.threshold, fields.topK]) control.addEventListener("input", update);
  for (const radio of form.elements.activation) radio.addEventListener("change", update);
  form.addEventListener("submit", (event) => event.preventDefault());

  // A narrower figure (a phone turned, a window resized) gets its plot redrawn at its own width.
  let lastDrawing = null;
  window.addEventListener("resize", () => {
    if (lastDrawing && fitPlot()) drawCurve(...lastDrawing);
  });

  $("curl-example").textContent = `curl -H 'Accept: image/svg+xml' -d '[1, 2, 3]' ${location.origin}/softmax`;
  update();
})();
