// chat.js is the assistant's chat panel, on every page of a signed-in user (layout.html).
// The Ask button or Alt+A opens it; Escape closes it. A question goes to
// POST /api/v1/assistant/chat as Server-Sent Events read from fetch's stream: the answer
// text appears as it is written, then its citations become links to the entity page or the
// doc section. Follow-ups continue the conversation; the conversation and whether the
// panel is open survive following a citation to another page (sessionStorage). Each answer
// can be rated up or down with a comment. Text from the server is only ever set as text.

const API = '/api/v1/assistant';
const STATE_KEY = 'portal.chat';

const panel = document.getElementById('chat-panel');
const opener = document.getElementById('chat-open');
if (panel && opener) {
  init();
}

function init() {
  const log = document.getElementById('chat-log');
  const form = document.getElementById('chat-form');
  const input = document.getElementById('chat-input');
  const send = document.getElementById('chat-send');
  const closer = document.getElementById('chat-close');
  const fresh = document.getElementById('chat-new');
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';
  let state = loadState();
  let busy = false;

  opener.addEventListener('click', () => (panel.hidden ? open(true) : close()));
  closer.addEventListener('click', close);
  fresh.addEventListener('click', () => {
    state.conversation = '';
    saveState();
    for (const el of log.querySelectorAll('.chat-turn, .chat-error')) el.remove();
    input.focus();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.altKey && !ev.ctrlKey && !ev.metaKey && (ev.key === 'a' || ev.key === 'A' || ev.code === 'KeyA')) {
      ev.preventDefault();
      panel.hidden ? open(true) : input.focus();
    } else if (ev.key === 'Escape' && !panel.hidden && panel.contains(document.activeElement)) {
      ev.preventDefault();
      close();
    }
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const message = input.value.trim();
    if (!message || busy) return;
    input.value = '';
    ask(message);
  });
  if (state.open) open(false);
  panel.dataset.ready = 'true';

  /** open shows the panel, restoring the conversation from an earlier page. */
  function open(focus) {
    panel.hidden = false;
    opener.setAttribute('aria-expanded', 'true');
    document.body.classList.add('chat-on');
    state.open = true;
    saveState();
    if (state.conversation && !log.querySelector('.chat-turn')) restore(state.conversation);
    if (focus) input.focus();
  }

  function close() {
    panel.hidden = true;
    opener.setAttribute('aria-expanded', 'false');
    document.body.classList.remove('chat-on');
    state.open = false;
    saveState();
    opener.focus();
  }

  /** restore shows the turns of a stored conversation. */
  async function restore(id) {
    try {
      const res = await fetch(`${API}/conversations/${encodeURIComponent(id)}`, {
        headers: { Accept: 'application/json' }, credentials: 'same-origin',
      });
      if (!res.ok) {
        if (res.status === 404) { state.conversation = ''; saveState(); }
        return;
      }
      const conv = await res.json();
      (conv.turns || []).forEach((t, i) => {
        const view = addTurn(t.question);
        finish(view, t.answer, i);
      });
    } catch {
      // The panel still works for new questions.
    }
  }

  /** ask streams the answer to message into a new turn. */
  async function ask(message) {
    busy = true;
    send.disabled = true;
    const view = addTurn(message);
    let answer = null;
    try {
      const headers = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
      if (csrf) headers['X-CSRF-Token'] = csrf;
      const res = await fetch(`${API}/chat`, {
        method: 'POST', headers, credentials: 'same-origin',
        body: JSON.stringify({ message, conversation_id: state.conversation || undefined }),
      });
      if (!res.ok || !res.body) {
        const problem = await res.json().catch(() => null);
        if (res.status === 404 && state.conversation) {
          state.conversation = '';
          saveState();
        }
        throw new Error(problem?.error?.message || `the assistant answered ${res.status}`);
      }
      for await (const ev of events(res.body)) {
        if (ev.event === 'token') {
          view.text.append(document.createTextNode(JSON.parse(ev.data).text));
          log.scrollTop = log.scrollHeight;
        } else if (ev.event === 'citation') {
          addSource(view, JSON.parse(ev.data));
        } else if (ev.event === 'done') {
          answer = JSON.parse(ev.data);
        } else if (ev.event === 'error') {
          throw new Error(JSON.parse(ev.data).message);
        }
      }
      if (!answer) throw new Error('the answer was cut off; ask again');
      state.conversation = answer.conversation_id;
      saveState();
      finish(view, answer, turnIndex(view));
    } catch (err) {
      view.answer.setAttribute('aria-busy', 'false');
      const p = document.createElement('p');
      p.className = 'chat-error';
      p.textContent = `Sorry: ${err.message}`;
      view.answer.append(p);
    } finally {
      busy = false;
      send.disabled = false;
      input.focus();
    }
  }

  /** addTurn appends a question and an empty, busy answer to the log. */
  function addTurn(question) {
    const turn = document.createElement('article');
    turn.className = 'chat-turn';
    const q = document.createElement('p');
    q.className = 'chat-q';
    q.textContent = question;
    const answer = document.createElement('div');
    answer.className = 'chat-a';
    answer.setAttribute('aria-busy', 'true');
    const text = document.createElement('p');
    text.className = 'chat-text';
    const sources = document.createElement('ol');
    sources.className = 'chat-sources';
    sources.setAttribute('aria-label', 'Sources');
    answer.append(text, sources);
    turn.append(q, answer);
    log.append(turn);
    log.scrollTop = log.scrollHeight;
    return { turn, answer, text, sources };
  }

  /** addSource lists citation c under the answer, once. */
  function addSource(view, c) {
    if (view.sources.querySelector(`li[data-n="${Number(c.n)}"]`)) return;
    const li = document.createElement('li');
    li.dataset.n = String(Number(c.n));
    li.value = Number(c.n);
    li.append(citationLink(c, c.title || c.ref));
    view.sources.append(li);
  }

  /** finish shows the final answer: markers as links, sources, notice and feedback. */
  function finish(view, a, index) {
    const byN = new Map((a.citations || []).map((c) => [Number(c.n), c]));
    view.text.replaceChildren(...linkMarkers(a.answer || '', byN));
    view.sources.replaceChildren();
    for (const c of a.citations || []) addSource(view, c);
    if (a.abstained) view.answer.classList.add('chat-abstained');
    if (a.notice) {
      const n = document.createElement('p');
      n.className = 'chat-notice';
      n.textContent = a.notice;
      view.answer.append(n);
    }
    view.answer.setAttribute('aria-busy', 'false');
    view.answer.append(feedback(a.conversation_id || state.conversation, index));
    log.scrollTop = log.scrollHeight;
  }

  /** turnIndex is the 0-based index of view's turn in the log. */
  function turnIndex(view) {
    return [...log.querySelectorAll('.chat-turn')].indexOf(view.turn);
  }

  /** feedback is the thumbs up/down and comment form of one answer. */
  function feedback(conversation, turn) {
    const box = document.createElement('form');
    box.className = 'chat-feedback';
    box.setAttribute('aria-label', 'Rate this answer');
    const up = rateButton('👍', 'This answer helped', 'up');
    const down = rateButton('👎', 'This answer did not help', 'down');
    const comment = document.createElement('input');
    comment.type = 'text';
    comment.maxLength = 2000;
    comment.placeholder = 'Comment (optional)';
    comment.setAttribute('aria-label', 'Comment on this answer');
    const status = document.createElement('span');
    status.className = 'chat-feedback-status';
    status.setAttribute('role', 'status');
    let rating = '';
    for (const b of [up, down]) {
      b.addEventListener('click', () => {
        rating = b.dataset.rating;
        up.setAttribute('aria-pressed', String(rating === 'up'));
        down.setAttribute('aria-pressed', String(rating === 'down'));
        submit();
      });
    }
    box.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (rating) submit();
      else status.textContent = 'Choose 👍 or 👎 first.';
    });
    box.append(up, down, comment, status);
    return box;

    async function submit() {
      const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
      if (csrf) headers['X-CSRF-Token'] = csrf;
      try {
        const res = await fetch(`${API}/conversations/${encodeURIComponent(conversation)}/feedback`, {
          method: 'POST', headers, credentials: 'same-origin',
          body: JSON.stringify({ turn, rating, comment: comment.value }),
        });
        if (!res.ok) {
          const problem = await res.json().catch(() => null);
          throw new Error(problem?.error?.message || String(res.status));
        }
        status.textContent = 'Thanks for the feedback.';
      } catch (err) {
        status.textContent = `Feedback not saved: ${err.message}`;
      }
    }
  }

  function loadState() {
    try {
      const s = JSON.parse(sessionStorage.getItem(STATE_KEY) || '{}');
      return { conversation: typeof s.conversation === 'string' ? s.conversation : '', open: s.open === true };
    } catch {
      return { conversation: '', open: false };
    }
  }

  function saveState() {
    try {
      sessionStorage.setItem(STATE_KEY, JSON.stringify(state));
    } catch {
      // Private modes may refuse storage; the panel works for this page.
    }
  }
}

/** rateButton is a toggle button for one rating. */
function rateButton(label, name, rating) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'chat-rate';
  b.textContent = label;
  b.dataset.rating = rating;
  b.setAttribute('aria-label', name);
  b.setAttribute('aria-pressed', 'false');
  return b;
}

/** citationLink is a link to a citation's page; only portal-relative URLs are followed. */
function citationLink(c, label) {
  const a = document.createElement('a');
  a.className = 'chat-cite';
  const url = String(c.url || '');
  a.href = url.startsWith('/') && !url.startsWith('//') ? url : '#';
  a.textContent = label;
  a.title = c.title || c.ref || '';
  return a;
}

/** linkMarkers splits text into text nodes and links for its [n] markers. */
function linkMarkers(text, byN) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(/\[(\d+)\]/g)) {
    const c = byN.get(Number(m[1]));
    if (!c) continue;
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    const sup = document.createElement('sup');
    sup.append(citationLink(c, `[${m[1]}]`));
    out.push(sup);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

/** events yields the Server-Sent Events of a fetch body: {event, data}. */
async function* events(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const i = line.indexOf(':');
        const field = i < 0 ? line : line.slice(0, i);
        const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (field === 'event') event = val;
        else if (field === 'data') data.push(val);
      }
      if (data.length) yield { event, data: data.join('\n') };
    }
  }
}
