// search.js makes the search page live: typing searches as you type (debounced), and
// facets, filter chips, "did you mean" and the pager update the results in place from
// GET /api/v1/search. The page URL follows the search (history.replaceState), so a reload
// shows the same results. Without JavaScript every link and the form still work: the server
// renders the same page. Text from the server is only ever set as text, never as HTML.

/** The facets the page shows, in order: field and label (as in api/ui_search.go). */
const FACETS = [
  ['kind', 'Kind'], ['type', 'Type'], ['owner', 'Owner'], ['system', 'System'],
  ['lifecycle', 'Lifecycle'], ['tags', 'Tags'], ['source', 'Source'],
];
const PAGE_SIZE = 20;

const form = document.getElementById('search-form');
const results = document.getElementById('results');
const facets = document.getElementById('search-facets');
const chips = document.getElementById('search-chips');
if (form && results && facets && chips) {
  enhance();
}

function enhance() {
  const input = form.elements.namedItem('q');
  const mode = form.elements.namedItem('mode');
  let timer = 0;
  let inflight = null;

  form.classList.add('js');
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => refresh(''), 200);
  });
  mode.addEventListener('change', () => refresh(''));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    refresh('');
  });
  // Facets, chips, "did you mean" and the pager are links to search URLs: follow them in place.
  for (const el of [results, facets, chips]) {
    el.addEventListener('click', (ev) => {
      const a = ev.target instanceof Element ? ev.target.closest('a[href^="/search"]') : null;
      if (!a || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      const url = new URL(a.href);
      input.value = url.searchParams.get('q') || '';
      mode.value = url.searchParams.get('mode') || 'hybrid';
      renderChips(url.searchParams.getAll('filter'));
      refresh(url.searchParams.get('cursor') || '');
    });
  }

  /** refresh searches for the form's state and shows the results page at cursor. */
  async function refresh(cursor) {
    const state = stateParams(cursor);
    history.replaceState(null, '', searchURL(state));
    const api = new URLSearchParams(state);
    api.set('limit', String(PAGE_SIZE));
    api.set('facets', FACETS.map(([field]) => field).join(','));
    if (inflight) inflight.abort();
    inflight = new AbortController();
    results.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch('/api/v1/search?' + api, {
        signal: inflight.signal,
        headers: { Accept: 'application/json' },
      });
      const body = await res.json();
      if (res.status === 400) {
        showProblem(body.error && body.error.message);
        return;
      }
      if (!res.ok) throw new Error('search: HTTP ' + res.status);
      render(body, state);
    } catch (err) {
      if (err.name === 'AbortError') return;
      // Fall back to a full page load, which shows the server's page or error.
      window.location.assign(searchURL(state));
    } finally {
      results.removeAttribute('aria-busy');
    }
  }

  /** stateParams are the search page parameters of the form's state, in URL order. */
  function stateParams(cursor) {
    const p = new URLSearchParams();
    const q = input.value.trim();
    if (q) p.set('q', q);
    if (mode.value && mode.value !== 'hybrid') p.set('mode', mode.value);
    for (const f of currentFilters()) p.append('filter', f);
    if (cursor) p.set('cursor', cursor);
    p.sort();
    return p;
  }

  /** showProblem replaces the results with the server's message for a bad search. */
  function showProblem(msg) {
    const p = el('p', 'status status-error', msg || 'This search cannot run.');
    results.replaceChildren(p);
  }

  /** render shows one page of results, the facets and the chips for state. */
  function render(body, state) {
    const filters = state.getAll('filter');
    const out = [];
    if (body.didYouMean) {
      const p = el('p', 'did-you-mean', 'Did you mean ');
      p.append(link(withState(state, { q: body.didYouMean }), body.didYouMean), '?');
      out.push(p);
    }
    const n = body.total;
    out.push(el('p', 'count', n === 0 ? 'Nothing matches.'
      : n + (body.totalCapped ? '+' : '') + (n === 1 ? ' result' : ' results')));
    const list = el('ol', 'search-results');
    for (const r of body.results) list.append(resultItem(r));
    out.push(list);
    if (body.prevCursor || body.nextCursor) {
      const nav = el('nav', 'pager');
      nav.setAttribute('aria-label', 'Pages');
      nav.append(body.prevCursor ? pagerLink(state, body.prevCursor, 'prev', '← Previous') : el('span'));
      if (body.nextCursor) nav.append(pagerLink(state, body.nextCursor, 'next', 'Next →'));
      out.push(nav);
    }
    results.replaceChildren(...out);
    renderFacets(body.facets || {}, state, filters);
    renderChips(filters);
  }

  /** renderFacets shows each facet's values as links that toggle their filter. */
  function renderFacets(counts, state, filters) {
    const out = [];
    for (const [field, label] of FACETS) {
      const values = counts[field] || [];
      if (values.length === 0) continue;
      const section = el('section', 'facet');
      section.dataset.field = field;
      const ul = el('ul');
      for (const { value, count } of values) {
        const param = field + ':' + value;
        const active = filters.includes(param);
        const next = active ? filters.filter((f) => f !== param) : [...filters, param];
        const a = link(withState(state, { filters: next }), '');
        a.className = 'facet-value' + (active ? ' active' : '');
        if (active) a.setAttribute('aria-current', 'true');
        a.append(el('span', 'value', value), ' ', el('span', 'n', String(count)));
        const li = el('li');
        li.append(a);
        ul.append(li);
      }
      section.append(el('h2', '', label), ul);
      out.push(section);
    }
    facets.replaceChildren(...out);
  }

  /** renderChips shows the active filters as removable chips holding the form's fields. */
  function renderChips(filters) {
    const state = stateParams('');
    const out = [];
    for (const param of filters) {
      const i = param.indexOf(':');
      const field = param.slice(0, i);
      const value = param.slice(i + 1);
      const chip = el('span', 'chip');
      const hidden = document.createElement('input');
      hidden.type = 'hidden';
      hidden.name = 'filter';
      hidden.value = param;
      const remove = link(withState(state, { filters: filters.filter((f) => f !== param) }), '×');
      remove.className = 'chip-remove';
      remove.setAttribute('aria-label', 'Remove filter ' + field + ': ' + value);
      chip.append(hidden, field + ': ' + value + ' ', remove);
      out.push(chip);
    }
    chips.replaceChildren(...out);
  }

  /** currentFilters are the filter fields the chips hold, in order. */
  function currentFilters() {
    return [...chips.querySelectorAll('input[name="filter"]')].map((i) => i.value);
  }
}

/**
 * resultItem renders one result, marking the highlighted byte ranges of its snippet.
 * @returns {HTMLLIElement}
 */
function resultItem(r) {
  const li = el('li', 'search-result');
  const head = el('div', 'result-head');
  const kind = r.kind === 'entity' && r.fields && r.fields.kind ? r.fields.kind[0] : r.kind;
  const title = link(r.url, r.title);
  title.className = 'result-title';
  head.append(title, ' ', el('span', 'pill', kind));
  const sub = el('div', 'subtle', r.entityRef + (r.heading ? ' · ' + r.heading : ''));
  const snippet = el('p', 'snippet');
  snippet.append(...marked(r.snippet, r.highlights || []));
  li.append(head, sub, snippet);
  return li;
}

/**
 * marked splits text at highlights (UTF-8 byte ranges) into text nodes and <mark>s.
 * @param {string} text
 * @param {number[][]} ranges
 * @returns {Node[]}
 */
function marked(text, ranges) {
  const bytes = new TextEncoder().encode(text);
  const dec = new TextDecoder();
  const out = [];
  let at = 0;
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (s < at || s >= e || e > bytes.length) continue;
    if (s > at) out.push(document.createTextNode(dec.decode(bytes.subarray(at, s))));
    out.push(el('mark', '', dec.decode(bytes.subarray(s, e))));
    at = e;
  }
  if (at < bytes.length) out.push(document.createTextNode(dec.decode(bytes.subarray(at))));
  return out;
}

/** withState is the search URL of state with q or filters replaced, on the first page. */
function withState(state, { q, filters }) {
  const p = new URLSearchParams(state);
  p.delete('cursor');
  if (q !== undefined) p.set('q', q);
  if (filters !== undefined) {
    p.delete('filter');
    for (const f of filters) p.append('filter', f);
  }
  p.sort();
  return searchURL(p);
}

function pagerLink(state, cursor, rel, text) {
  const p = new URLSearchParams(state);
  p.set('cursor', cursor);
  p.sort();
  const a = link(searchURL(p), text);
  a.rel = rel;
  return a;
}

function searchURL(params) {
  const s = params.toString();
  return '/search' + (s ? '?' + s : '');
}

function link(href, text) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  return a;
}

function el(tag, className = '', text = '') {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
}
