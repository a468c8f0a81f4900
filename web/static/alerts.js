// Alerts and deliveries pages: acknowledge an alert, re-send a delivery, then reload.
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';
const errorBox = document.getElementById('alert-error');

async function post(url) {
  const headers = { 'Content-Type': 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(url, { method: 'POST', headers, body: '{}', credentials: 'same-origin' });
  if (!res.ok) {
    let msg = res.statusText;
    try { msg = (await res.json()).error?.message || msg; } catch { /* not JSON */ }
    throw new Error(msg);
  }
}

document.addEventListener('click', async (ev) => {
  const b = ev.target.closest('button[data-ack], button[data-resend]');
  if (!b) return;
  b.disabled = true;
  try {
    if (b.dataset.ack) await post(`/api/v1/alerts/${encodeURIComponent(b.dataset.ack)}/ack`);
    else await post(`/api/v1/deliveries/${encodeURIComponent(b.dataset.resend)}/resend`);
    window.location.reload();
  } catch (err) {
    if (errorBox) { errorBox.textContent = err.message; errorBox.hidden = false; }
    b.disabled = false;
  }
});
