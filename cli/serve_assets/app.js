// The page of turnaround serve. Everything it knows of the model comes from
// the server: the parameter table (/api/params), the scenarios with their
// stories and values (/api/scenarios), and each run's charts and tables.
// Values are checked by the server, with the code of --set.
'use strict';

const state = {
  params: [],          // the parameter table, as /api/params serves it
  byPath: {},
  strategies: [],
  styles: {},
  limits: {},
  scenarios: [],
  scenario: null,      // the chosen scenario
  page: randomName(),  // this page's name: one run at a time each
  runs: [],            // finished runs shown: [before, now]
  running: null,       // the id of the run going
  playing: false,
};

function randomName() {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return Array.from(a, (x) => x.toString(16).padStart(2, '0')).join('');
}

function $(id) { return document.getElementById(id); }

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v;
    else if (k === 'for') e.htmlFor = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

// An id safe for any parameter path.
function idOf(path) { return path.replace(/[^a-z0-9]/gi, '-'); }

function fmt(x) { return typeof x === 'number' ? String(+x.toPrecision(10)) : String(x); }

async function getJSON(url, options) {
  const r = await fetch(url, options);
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  return { ok: r.ok, status: r.status, body };
}

// ---- the form -------------------------------------------------------------

function keyParams() {
  return state.params.filter((p) => p.key !== undefined).sort((a, b) => a.key - b.key);
}

// A slider's step: whole numbers for integers, else about 200 steps.
function stepOf(p, hi) {
  if (p.type === 'integer') return 1;
  const span = hi - p.min;
  const raw = span / 200;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  return mag;
}

function buildParams() {
  const box = $('params');
  box.replaceChildren();
  for (const p of keyParams()) {
    const id = idOf(p.path);
    const hi = p.cap !== undefined ? Math.min(p.cap, p.max) : p.max;
    const slider = el('input', { type: 'range', id: 'slider-' + id, min: p.min, max: hi, step: stepOf(p, hi),
      'aria-describedby': 'meaning-' + id + ' error-' + id, 'data-path': p.path });
    const num = el('input', { type: 'number', id: 'value-' + id, step: 'any', 'data-path': p.path,
      'aria-label': p.path + ' (' + p.unit + ')', 'aria-describedby': 'meaning-' + id + ' error-' + id });
    const range = p.min + ' to ' + fmt(p.max) + (p.cap !== undefined ? ' (here at most ' + p.cap + ')' : '');
    const row = el('div', { class: 'param', id: 'row-' + id },
      el('label', { for: 'slider-' + id, text: p.path }),
      slider, num,
      el('p', { class: 'meaning', id: 'meaning-' + id, text: p.meaning }),
      el('p', { class: 'unit', text: 'unit: ' + p.unit + '; range ' + range }),
      el('span', { class: 'error', id: 'error-' + id, role: 'alert' }));
    slider.addEventListener('input', () => { num.value = slider.value; edited(p.path); });
    num.addEventListener('input', () => {
      const v = Number(num.value);
      if (num.value !== '' && isFinite(v) && v >= p.min && v <= hi) slider.value = num.value;
      edited(p.path);
    });
    box.append(row);
  }
  // The exit test is text: a field of its own, checked the same way.
  const exit = state.byPath['intervention.exit'];
  if (exit) {
    const id = idOf(exit.path);
    box.append(el('div', { class: 'param', id: 'row-' + id },
      el('label', { for: 'value-' + id, text: exit.path }),
      el('input', { type: 'text', id: 'value-' + id, 'data-path': exit.path, size: 14,
        'aria-describedby': 'meaning-' + id + ' error-' + id }),
      el('span', {}),
      el('p', { class: 'meaning', id: 'meaning-' + id, text: exit.meaning }),
      el('p', { class: 'unit', text: 'fixed:N, rating, improved or capability' }),
      el('span', { class: 'error', id: 'error-' + id, role: 'alert' })));
    $('value-' + id).addEventListener('input', () => edited(exit.path));
  }
}

function dashArray(dt) {
  const known = { '1': '', '2': '12 6', '4': '16 5 3 5', '5': '16 5 3 5 3 5', '(30,10)': '15 5' };
  return dt in known ? known[dt] : '6 3';
}

function buildArms() {
  const box = $('arm-boxes');
  box.replaceChildren();
  for (const name of state.strategies) {
    const st = state.styles[name] || { colour: '#000000', dash: '1' };
    const swatch = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    swatch.setAttribute('width', '46'); swatch.setAttribute('height', '14'); swatch.setAttribute('aria-hidden', 'true');
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
    for (const [k, v] of Object.entries({ x1: 2, y1: 7, x2: 44, y2: 7, stroke: st.colour, 'stroke-width': 5 }))
      line.setAttribute(k, v);
    if (dashArray(st.dash)) line.setAttribute('stroke-dasharray', dashArray(st.dash));
    swatch.append(line);
    const box1 = el('input', { type: 'checkbox', id: 'arm-' + name, value: name, name: 'arm' });
    box1.addEventListener('change', () => edited(null));
    box.append(el('label', { class: 'arm', for: 'arm-' + name }, box1, swatch, document.createTextNode(name)));
  }
}

function showStory(text) {
  const box = $('story');
  box.replaceChildren();
  for (const para of text.split(/\n\s*\n/)) {
    if (para.trim()) box.append(el('p', { text: para.replace(/\n/g, ' ') }));
  }
}

// The scenario's own values into the form.
function loadScenario(name) {
  const sc = state.scenarios.find((s) => s.name === name) || state.scenarios[0];
  state.scenario = sc;
  $('scenario').value = sc.name;
  showStory(sc.story || '(this scenario has no opening comment)');
  for (const p of keyParams()) {
    const id = idOf(p.path), v = sc.values[p.path];
    $('value-' + id).value = fmt(v);
    $('slider-' + id).value = v;
  }
  const exit = $('value-' + idOf('intervention.exit'));
  if (exit) exit.value = sc.values['intervention.exit'];
  const arms = String(sc.values['compare.strategies'] || '').split(';').map((s) => s.trim()).filter(Boolean);
  const custom = arms.filter((a) => !state.strategies.includes(a));
  for (const name of state.strategies) $('arm-' + name).checked = arms.includes(name);
  $('schedule').value = custom.length === 1 ? custom[0] : '';
  clearErrors();
  markChanged();
}

// The form as the server takes it: the changed values only, so that the
// run's config.cfg, and its charts, name what was changed.
function formData() {
  const f = new URLSearchParams();
  f.append('page', state.page);
  f.append('scenario', state.scenario.name);
  for (const [path, value] of Object.entries(changedValues())) f.append('set', path + '=' + value);
  for (const name of state.strategies) if ($('arm-' + name).checked) f.append('arm', name);
  const sched = $('schedule').value.trim();
  if (sched) f.append('schedule', sched);
  return f;
}

function fieldValue(path) {
  const e = $('value-' + idOf(path));
  return e ? e.value.trim() : undefined;
}

function sameValue(a, b) {
  const x = Number(a), y = Number(b);
  if (a !== '' && b !== '' && isFinite(x) && isFinite(y)) return x === y;
  return String(a) === String(b);
}

function changedValues() {
  const out = {};
  const paths = keyParams().map((p) => p.path).concat(state.byPath['intervention.exit'] ? ['intervention.exit'] : []);
  for (const path of paths) {
    const v = fieldValue(path);
    if (v !== undefined && !sameValue(v, state.scenario.values[path])) out[path] = v;
  }
  return out;
}

function markChanged() {
  const changed = changedValues();
  for (const p of keyParams().concat(state.byPath['intervention.exit'] || [])) {
    const row = $('row-' + idOf(p.path));
    if (row) row.classList.toggle('changed', p.path in changed);
  }
}

function clearErrors() {
  for (const e of document.querySelectorAll('.error')) e.textContent = '';
  for (const r of document.querySelectorAll('.param.invalid')) r.classList.remove('invalid');
}

// Each error beside its field: a parameter's row, the arms, the schedule,
// the scenario, or the form as a whole.
function showErrors(errors) {
  clearErrors();
  for (const e of errors || []) {
    let box = $('error-' + idOf(e.field));
    if (e.field === 'form' || !box) box = $('error-form');
    box.textContent = box.textContent ? box.textContent + ' ' + e.message : e.message;
    const row = $('row-' + idOf(e.field));
    if (row) row.classList.add('invalid');
  }
  return (errors || []).length;
}

let checkTimer = null;
function edited() {
  markChanged();
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, 250);
}

async function check() {
  const r = await getJSON('/api/check', { method: 'POST', body: formData() });
  if (r.body) showErrors(r.body.errors);
}

// ---- running --------------------------------------------------------------

function setStatus(text) { $('status').textContent = text; }

async function run(event) {
  event.preventDefault();
  if (state.running) return;
  stopPlaying();
  const request = describeRequest();
  const r = await getJSON('/api/run', { method: 'POST', body: formData() });
  if (!r.ok) {
    showErrors(r.body ? r.body.errors : [{ field: 'form', message: 'the server answered ' + r.status }]);
    setStatus('not run: see the messages in red');
    return;
  }
  clearErrors();
  state.running = r.body.id;
  $('run').disabled = true;
  $('cancel').disabled = false;
  setStatus('running ' + request.arms.join(', ') + ' ...');
  const t0 = performance.now();
  for (;;) {
    await new Promise((ok) => setTimeout(ok, 250));
    const s = await getJSON('/api/runs/' + state.running);
    if (!s.ok) { setStatus('the run was lost: ' + s.status); break; }
    const job = s.body;
    if (job.state === 'running' || job.state === 'drawing') {
      setStatus((job.state === 'running' ? 'running' : 'drawing the charts') + ' ... ' +
        ((performance.now() - t0) / 1000).toFixed(1) + ' s');
      continue;
    }
    if (job.state === 'done') {
      setStatus('done in ' + job.seconds.toFixed(1) + ' s');
      addRun(job, request);
    } else if (job.state === 'cancelled') {
      setStatus('cancelled');
    } else {
      setStatus('the run failed');
      showErrors([{ field: 'form', message: job.message }]);
    }
    break;
  }
  state.running = null;
  $('run').disabled = false;
  $('cancel').disabled = true;
}

async function cancel() {
  if (!state.running) return;
  await getJSON('/api/runs/' + state.running + '/cancel', { method: 'POST' });
  setStatus('cancelling ...');
}

// What a run was asked, for naming what changed between two runs.
function describeRequest() {
  const values = {};
  for (const p of keyParams()) values[p.path] = fieldValue(p.path);
  if (state.byPath['intervention.exit']) values['intervention.exit'] = fieldValue('intervention.exit');
  const arms = state.strategies.filter((n) => $('arm-' + n).checked);
  const sched = $('schedule').value.trim();
  if (sched) arms.push(sched);
  return { scenario: state.scenario.name, values, arms };
}

function differences(a, b) {
  const out = [];
  if (a.scenario !== b.scenario) out.push('scenario ' + a.scenario + ' -> ' + b.scenario);
  for (const path of Object.keys(b.values))
    if (!sameValue(a.values[path], b.values[path])) out.push(path + ' ' + a.values[path] + ' -> ' + b.values[path]);
  if (a.arms.join('; ') !== b.arms.join('; ')) out.push('arms ' + a.arms.join(', ') + ' -> ' + b.arms.join(', '));
  return out;
}

function addRun(job, request) {
  state.runs.push({ job, request });
  if (state.runs.length > 2) state.runs.shift();
  const [before, now] = state.runs.length === 2 ? state.runs : [null, state.runs[0]];
  showRun($('before'), 'Before', before, null);
  showRun($('after'), 'Now', now, before);
  const month = $('month');
  month.max = now.job.months;
  month.value = now.job.months;
  month.disabled = false;
  $('play').disabled = false;
  $('month-value').textContent = now.job.months;
  $('results').focus();
}

const charts = [
  ['trajectories', 'Trajectories: true quality (line and 95% band) and perceived quality (dotted)'],
  ['network', 'The peer network and the ratings at the month chosen'],
  ['outcomes', 'Outcomes with 95% intervals, and the costs'],
  ['survival', 'Time to recovery: the share not yet rated good'],
];

function showRun(box, heading, run, before) {
  box.replaceChildren(el('h3', { id: box.id + '-h', text: heading }));
  if (!run) {
    box.append(el('p', { class: 'empty', text: 'No run yet: the first run appears on the right, and moves here when you run again.' }));
    return;
  }
  const job = run.job;
  box.dataset.run = job.id;
  box.dataset.months = job.months;
  box.append(el('p', { class: 'run-name', text: 'Run ' + job.id + ': ' + job.scenario + '; arms ' + job.strategies }));
  if (before) {
    const d = differences(before.request, run.request);
    box.append(el('p', { class: 'changed-line', text: 'Changed: ' + (d.length ? d.join('; ') : 'nothing (the same run again)') }));
  }
  const lines = (job.takeaways || '').split('\n').filter(Boolean);
  const list = el('ul', { class: 'takeaways', 'aria-label': 'Takeaways' });
  for (const l of lines) list.append(el('li', { text: l }));
  if (!lines.length) list.append(el('li', { text: 'No pair of arms differs clearly (or only one arm ran).' }));
  box.append(el('h4', { text: 'Takeaways' }), list);
  for (const [name, what] of charts) {
    if (!job.charts.includes(name)) continue;
    const img = el('img', { class: 'chart chart-' + name, alt: what, src: '/runs/' + job.id + '/plots/' + name + '.svg' });
    const cap = el('figcaption', { text: what });
    box.append(el('figure', {}, img, cap));
    captionFromSvg(img.src, cap, img);
  }
  box.append(el('h4', { text: 'Outcomes' }), el('pre', { class: 'outcomes', text: job.outcomes || '' }));
  box.append(el('p', { class: 'downloads' },
    el('a', { href: '/runs/' + job.id + '/results.tar', download: '', text: 'Download the results folder (.tar)' }),
    el('a', { href: '/runs/' + job.id + '/config.cfg', download: 'config.cfg', text: 'Download config.cfg' })));
  box.append(el('p', { class: 'hint', text: 'turnaround compare config.cfg --out mine reproduces this run.' }));
}

// A chart's own title (its SVG's <title>) as its caption and its text for
// screen readers.
async function captionFromSvg(url, cap, img) {
  try {
    const text = await (await fetch(url)).text();
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const t = doc.querySelector('svg > title');
    if (t) { cap.textContent = t.textContent; img.alt = t.textContent; }
  } catch (e) { /* the figure keeps its description */ }
}

// ---- the month: the network and the trajectories together -----------------

function showMonth(m) {
  $('month-value').textContent = m;
  const loads = [];
  for (const box of [$('before'), $('after')]) {
    if (!box.dataset.run) continue;
    const months = Number(box.dataset.months), month = Math.min(m, months);
    for (const name of ['trajectories', 'network']) {
      const img = box.querySelector('.chart-' + name);
      if (!img) continue;
      const src = month >= months ? '/runs/' + box.dataset.run + '/plots/' + name + '.svg'
        : '/runs/' + box.dataset.run + '/frame/' + month + '/' + name + '.svg';
      if (img.getAttribute('src') === src) continue;
      loads.push(new Promise((ok) => { img.onload = ok; img.onerror = ok; }));
      img.src = src;
    }
  }
  return Promise.all(loads);
}

function stopPlaying() {
  state.playing = false;
  $('play').textContent = 'Play';
  $('play').setAttribute('aria-pressed', 'false');
}

async function play() {
  if (state.playing) { stopPlaying(); return; }
  state.playing = true;
  $('play').textContent = 'Pause';
  $('play').setAttribute('aria-pressed', 'true');
  const month = $('month'), last = Number(month.max);
  const step = Math.max(1, Math.round(last / 40));
  let m = Number(month.value) >= last ? 0 : Number(month.value);
  while (state.playing) {
    month.value = m;
    await Promise.all([showMonth(m), new Promise((ok) => setTimeout(ok, 120))]);
    if (m >= last) break;
    m = Math.min(last, m + step);
  }
  stopPlaying();
}

// ---- start ------------------------------------------------------------------

async function start() {
  const [p, s] = await Promise.all([getJSON('/api/params'), getJSON('/api/scenarios')]);
  if (!p.ok || !s.ok) { setStatus('the server did not answer: reload the page'); return; }
  state.params = p.body.params;
  for (const q of state.params) state.byPath[q.path] = q;
  state.strategies = p.body.strategies;
  state.styles = p.body.styles;
  state.limits = p.body.limits;
  state.scenarios = s.body.scenarios;
  const L = state.limits;
  $('limits').textContent = 'Limits of a run here: at most ' + L.reps + ' replications, ' + L.months + ' months, ' +
    L.arms + ' arms, ' + L.staff + ' staff in the sector and ' + L.agent_months.toExponential(0) +
    ' agent-months; ' + L.running + ' runs at a time, ' + L.seconds + ' s each.';
  const pick = $('scenario');
  for (const sc of state.scenarios) pick.append(el('option', { value: sc.name, text: sc.name + ': ' + sc.title }));
  pick.addEventListener('change', () => loadScenario(pick.value));
  buildParams();
  buildArms();
  loadScenario(s.body.first);
  $('form').addEventListener('submit', run);
  $('cancel').addEventListener('click', cancel);
  $('reset').addEventListener('click', () => loadScenario(state.scenario.name));
  $('month').addEventListener('input', () => { stopPlaying(); showMonth(Number($('month').value)); });
  $('play').addEventListener('click', play);
  setStatus('ready');
  document.body.dataset.ready = '1';
}

start();
