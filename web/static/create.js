// The Create form: renders a template's parameter schema (one page per step) as an HTML
// form, checks it page by page, and submits it to the scaffolder API. No build step.
const schemaEl = document.getElementById('template-schema');
const form = document.getElementById('create-form');
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';
const pagesEl = document.getElementById('create-pages');
const stepsEl = document.getElementById('create-steps');
const errorEl = document.getElementById('create-error');
const back = document.getElementById('create-back');
const next = document.getElementById('create-next');
const submit = document.getElementById('create-submit');

const schema = JSON.parse(schemaEl.textContent);
const fields = []; // {name, page, prop, required, read(), el, msg}
let current = 0;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

function options(prop) {
  return prop['ui:options'] || {};
}

// widget builds the input of one property and returns {node, read, focus}.
function widget(name, prop, id) {
  const ui = prop['ui:widget'];
  const field = prop['ui:field'];
  const labels = prop.enumNames || prop.enum;
  if (field === 'RepoUrlPicker') {
    const hosts = options(prop).allowedHosts || ['github.com'];
    const host = el('select', { id: id + '-host', 'aria-label': 'Host' });
    for (const h of hosts) host.append(el('option', { value: h, text: h }));
    const owner = el('input', { id: id, name: name + '-owner', placeholder: 'owner', 'aria-label': 'Owner', autocomplete: 'off' });
    const repo = el('input', { id: id + '-repo', name: name + '-repo', placeholder: 'repository', 'aria-label': 'Repository', autocomplete: 'off' });
    const node = el('div', { class: 'repo-picker' }, host, owner, el('span', { text: '/' }), repo);
    return {
      node, focus: owner,
      read: () => (owner.value.trim() && repo.value.trim())
        ? `${host.value}?owner=${encodeURIComponent(owner.value.trim())}&repo=${encodeURIComponent(repo.value.trim())}` : undefined,
    };
  }
  if (prop.type === 'array' && prop.items && prop.items.enum) {
    const names = prop.items.enumNames || prop.items.enum;
    const boxes = prop.items.enum.map((v, i) => el('input', { type: 'checkbox', name, value: v, id: `${id}-${i}` }));
    const node = el('div', { class: 'choices', role: 'group', id });
    boxes.forEach((b, i) => node.append(el('label', { class: 'choice' }, b, ' ' + names[i])));
    return { node, focus: boxes[0], read: () => { const v = boxes.filter(b => b.checked).map(b => b.value); return v.length ? v : undefined; } };
  }
  if (prop.enum) {
    if (ui === 'radio') {
      const radios = prop.enum.map((v, i) => el('input', { type: 'radio', name, value: String(v), id: `${id}-${i}`, checked: prop.default === v }));
      const node = el('div', { class: 'choices', role: 'radiogroup', id });
      radios.forEach((r, i) => node.append(el('label', { class: 'choice' }, r, ' ' + labels[i])));
      return { node, focus: radios[0], read: () => { const r = radios.find(x => x.checked); return r ? prop.enum[radios.indexOf(r)] : undefined; } };
    }
    const sel = el('select', { id, name });
    sel.append(el('option', { value: '', text: '—' }));
    prop.enum.forEach((v, i) => sel.append(el('option', { value: String(i), text: String(labels[i]), selected: prop.default === v })));
    return { node: sel, focus: sel, read: () => sel.value === '' ? undefined : prop.enum[Number(sel.value)] };
  }
  if (prop.type === 'boolean') {
    const box = el('input', { type: 'checkbox', id, name, checked: prop.default === true });
    return { node: box, focus: box, read: () => box.checked };
  }
  if (prop.type === 'number' || prop.type === 'integer') {
    const inp = el('input', { type: 'number', id, name, value: prop.default ?? '', step: prop.type === 'integer' ? '1' : 'any' });
    return { node: inp, focus: inp, read: () => inp.value === '' ? undefined : Number(inp.value) };
  }
  const multi = ui === 'textarea' || options(prop).rows > 1;
  const inp = multi ? el('textarea', { id, name, rows: options(prop).rows || 4 }) :
    el('input', { type: ui === 'password' ? 'password' : 'text', id, name, autocomplete: 'off', placeholder: field ? field.replace(/Picker$/, '') + ' ref, e.g. group:default/team-a' : undefined });
  if (prop.default !== undefined) inp.value = prop.default;
  return { node: inp, focus: inp, read: () => inp.value.trim() === '' ? undefined : inp.value };
}

function renderPages() {
  schema.steps.forEach((step, page) => {
    stepsEl.append(el('li', { text: step.title }));
    const set = el('fieldset', { class: 'create-page', 'data-page': page, hidden: page !== 0 });
    set.append(el('legend', { text: step.title }));
    if (step.description) set.append(el('p', { class: 'hint', text: step.description }));
    const props = step.schema.properties || {};
    const required = step.schema.required || [];
    for (const [name, prop] of Object.entries(props)) {
      if (prop['ui:widget'] === 'hidden') continue;
      const id = 'field-' + name;
      const w = widget(name, prop, id);
      const isRequired = required.includes(name);
      const msg = el('p', { class: 'field-error', id: id + '-error', role: 'alert', hidden: true });
      const label = el('label', { for: id, class: 'field-label' }, (prop.title || name) + (isRequired ? ' *' : ''));
      const wrap = el('div', { class: 'field', 'data-field': name }, label);
      if (prop.description) wrap.append(el('p', { class: 'hint', text: prop.description }));
      wrap.append(w.node, msg);
      set.append(wrap);
      fields.push({ name, page, prop, required: isRequired, read: w.read, focus: w.focus, msg });
      if (prop['ui:autofocus'] && page === 0) queueMicrotask(() => w.focus?.focus());
    }
    pagesEl.append(set);
  });
  show(0);
}

function show(page) {
  current = page;
  pagesEl.querySelectorAll('.create-page').forEach(p => { p.hidden = Number(p.dataset.page) !== page; });
  [...stepsEl.children].forEach((li, i) => li.toggleAttribute('aria-current', i === page));
  const last = page === schema.steps.length - 1 || schema.steps.length === 0;
  back.hidden = page === 0;
  next.hidden = last;
  submit.hidden = !last;
}

function setError(f, text) {
  f.msg.textContent = text || '';
  f.msg.hidden = !text;
  f.focus?.setAttribute('aria-invalid', text ? 'true' : 'false');
}

// check validates one field against its schema and returns the message, or ''.
function check(f) {
  const v = f.read();
  const p = f.prop;
  const title = p.title || f.name;
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return f.required ? `${title} is required` : '';
  if (typeof v === 'string') {
    if (p.minLength && v.length < p.minLength) return `${title} must be at least ${p.minLength} characters`;
    if (p.maxLength && v.length > p.maxLength) return `${title} must be at most ${p.maxLength} characters`;
    if (p.pattern && !new RegExp(p.pattern, 'u').test(v)) return `${title} does not match the pattern ${p.pattern}`;
  }
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return `${title} must be a number`;
    if (p.minimum !== undefined && v < p.minimum) return `${title} must be at least ${p.minimum}`;
    if (p.maximum !== undefined && v > p.maximum) return `${title} must be at most ${p.maximum}`;
  }
  return '';
}

function checkPage(page) {
  let first = null;
  for (const f of fields.filter(x => x.page === page)) {
    const m = check(f);
    setError(f, m);
    if (m && !first) first = f;
  }
  first?.focus?.focus();
  return !first;
}

function values() {
  const out = {};
  for (const f of fields) {
    const v = f.read();
    if (v !== undefined) out[f.name] = v;
  }
  return out;
}

// showServerErrors puts the API's 400 errors ({errors: [{property, argument, message}]})
// next to their fields and goes to the first page with one.
function showServerErrors(errors) {
  let firstPage = null;
  const general = [];
  for (const e of errors) {
    const name = e.name === 'required' ? e.argument : (e.property || '').replace(/^instance\.?/, '').split('.')[0];
    const f = fields.find(x => x.name === name);
    if (!f) { general.push(e.stack || e.message); continue; }
    setError(f, e.name === 'required' ? `${f.prop.title || f.name} is required` : `${f.prop.title || f.name} ${e.message}`);
    if (firstPage === null || f.page < firstPage) firstPage = f.page;
  }
  if (firstPage !== null) show(firstPage);
  if (general.length) showError(general.join('; '));
}

function showError(text) {
  errorEl.textContent = text;
  errorEl.hidden = !text;
}

back.addEventListener('click', () => show(Math.max(0, current - 1)));
next.addEventListener('click', () => { if (checkPage(current)) show(current + 1); });
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  showError('');
  for (let i = 0; i < schema.steps.length; i++) {
    if (!checkPage(i)) { show(i); return; }
  }
  submit.disabled = true;
  try {
    const headers = { 'Content-Type': 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = csrf;
    const res = await fetch('/api/scaffolder/v2/tasks', {
      method: 'POST', headers, credentials: 'same-origin',
      body: JSON.stringify({ templateRef: form.dataset.templateRef, values: values() }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.status === 201 && body.id) {
      location.assign('/create/tasks/' + encodeURIComponent(body.id));
      return;
    }
    if (res.status === 400 && Array.isArray(body.errors)) showServerErrors(body.errors);
    else showError(body.error?.message || `The task could not be created (${res.status}).`);
  } catch (e) {
    showError('The task could not be created: ' + e.message);
  } finally {
    submit.disabled = false;
  }
});

renderPages();
