// The task page: streams a scaffolder task's events (Server-Sent Events) into its log and
// shows the output links when it completes.
const root = document.getElementById('task');
const id = root.dataset.taskId;
const logEl = document.getElementById('task-log');
const statusEl = document.getElementById('task-status');
const outEl = document.getElementById('task-output');
const linksEl = document.getElementById('task-links');
const textEl = document.getElementById('task-text');

let last = 0;
let done = false;
let source = null;

function line(ev) {
  const b = ev.body || {};
  const li = document.createElement('li');
  li.className = 'log-' + ev.type + (b.status ? ' status-' + b.status : '');
  if (b.stepId) li.dataset.step = b.stepId;
  const time = document.createElement('time');
  time.dateTime = ev.createdAt;
  time.textContent = new Date(ev.createdAt).toLocaleTimeString();
  const msg = document.createElement('span');
  msg.textContent = b.message || '';
  li.append(time, ' ', msg);
  logEl.append(li);
}

function linkTo(l) {
  const li = document.createElement('li');
  if (l.url) {
    const a = document.createElement('a');
    a.href = l.url;
    a.textContent = l.title || l.url;
    li.append(a);
  } else if (l.entityRef) {
    const m = /^([^:]+):([^/]+)\/(.+)$/.exec(l.entityRef);
    const a = document.createElement('a');
    a.href = m ? `/catalog/${m[2]}/${m[1]}/${m[3]}` : '#';
    a.textContent = (l.title || 'Open in catalog') + ' (' + l.entityRef + ')';
    li.append(a);
  }
  return li;
}

function finish(ev) {
  done = true;
  source?.close();
  const b = ev.body || {};
  const status = b.status || (ev.type === 'cancelled' ? 'cancelled' : 'completed');
  statusEl.textContent = status === 'completed' ? 'Completed' : status === 'cancelled' ? 'Cancelled' : 'Failed: ' + (b.error?.message || '');
  statusEl.className = 'task-status status-' + status;
  root.dataset.status = status;
  const out = b.output || {};
  for (const l of out.links || []) linksEl.append(linkTo(l));
  for (const t of out.text || []) {
    const h = document.createElement('h3');
    h.textContent = t.title || '';
    const p = document.createElement('p');
    p.textContent = t.content || '';
    textEl.append(h, p);
  }
  outEl.hidden = !(out.links?.length || out.text?.length);
}

function handle(e) {
  const ev = JSON.parse(e.data);
  if (ev.id <= last) return;
  last = ev.id;
  if (statusEl.textContent.startsWith('Waiting')) statusEl.textContent = 'Running…';
  line(ev);
  if (ev.type === 'completion' || ev.type === 'cancelled') finish(ev);
}

function connect() {
  source = new EventSource(`/api/scaffolder/v2/tasks/${encodeURIComponent(id)}/eventstream?after=${last}`);
  for (const t of ['log', 'completion', 'cancelled', 'recovered']) source.addEventListener(t, handle);
  source.onerror = () => {
    source.close();
    if (!done) setTimeout(connect, 1000);
  };
}

connect();
