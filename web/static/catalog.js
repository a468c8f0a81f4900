// catalog.js makes the catalog page's filter form live: typing in the name box fetches the
// matching rows (debounced) and swaps them in, and changing a filter applies it at once.
// Without JavaScript the form still works: it submits as a plain GET.

const form = document.getElementById('catalog-filters');
const results = document.getElementById('results');
if (form && results) {
  enhance(form, results);
}

/**
 * enhance wires the search box and the selects of form to refresh results.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} results
 */
function enhance(form, results) {
  const input = form.elements.namedItem('q');
  let timer = 0;
  let inflight = null;

  form.classList.add('js');
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  });
  form.addEventListener('change', (ev) => {
    // Selects reload the page so the other selects' options follow the new filter.
    if (ev.target instanceof HTMLSelectElement) form.requestSubmit();
  });
  form.addEventListener('submit', (ev) => {
    // Navigate without the empty fields a plain submit would add to the URL.
    ev.preventDefault();
    clearTimeout(timer);
    window.location.assign(pageURL(form));
  });

  async function refresh() {
    const url = pageURL(form);
    history.replaceState(null, '', url);
    const query = params(form);
    query.set('fragment', 'results');
    if (inflight) inflight.abort();
    inflight = new AbortController();
    results.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(form.getAttribute('action') + '?' + query, {
        signal: inflight.signal,
        headers: { Accept: 'text/html' },
      });
      if (!res.ok) throw new Error('catalog: HTTP ' + res.status);
      results.innerHTML = await res.text();
      results.removeAttribute('aria-busy');
    } catch (err) {
      if (err.name === 'AbortError') return;
      // Fall back to a full page load, which shows the server's error page.
      window.location.assign(url);
    }
  }
}

/**
 * pageURL is the catalog URL the form's current state stands for.
 * @param {HTMLFormElement} form
 * @returns {string}
 */
function pageURL(form) {
  const query = params(form);
  return form.getAttribute('action') + (query.size ? '?' + query : '');
}

/**
 * params returns the form's non-empty fields as URL parameters.
 * @param {HTMLFormElement} form
 * @returns {URLSearchParams}
 */
function params(form) {
  const out = new URLSearchParams();
  for (const [key, value] of new FormData(form)) {
    if (typeof value === 'string' && value.trim() !== '') out.append(key, value);
  }
  return out;
}
