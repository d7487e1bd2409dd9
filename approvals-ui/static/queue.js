// The reviewer queue's behaviour: live updates over SSE, countdowns, JSON highlighting, shortcuts.
(() => {
  const rows = () => document.getElementById('rows');
  const table = document.querySelector('table[data-rows]');
  const live = document.getElementById('live-status');
  const detail = document.querySelector('[data-approval]');

  function tick() {
    document.querySelectorAll('.countdown[data-expires]').forEach((el) => {
      const left = Math.max(0, Math.round((Number(el.dataset.expires) - Date.now()) / 1000));
      el.textContent = left >= 60 ? `${Math.floor(left / 60)} min ${left % 60} s` : `${left} s`;
    });
  }
  setInterval(tick, 1000);
  tick();

  function highlight() {
    document.querySelectorAll('pre.json code').forEach((code) => {
      const text = code.textContent;
      const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      code.innerHTML = escape(text).replace(
        /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
        (m, str, colon, bool, num) =>
          str ? `<span class="${colon ? 'k' : 's'}">${str}</span>${colon ?? ''}` :
          bool ? `<span class="b">${bool}</span>` : `<span class="n">${num}</span>`);
    });
  }
  highlight();

  async function refreshRows() {
    if (!table) return;
    const response = await fetch(table.dataset.rows, { credentials: 'same-origin' });
    if (response.ok) {
      rows().innerHTML = await response.text();
      tick();
    }
  }

  // The sign-in page must not open the (protected) event stream: it would become the page the
  // login redirects to.
  const signedIn = !document.querySelector('form[action="/j_security_check"]');
  const source = signedIn ? new EventSource('/queue/events') : {};
  function showDecidedElsewhere(status, decidedBy, via) {
    if (detail.dataset.status !== 'PENDING') return;
    const note = document.getElementById('decided-elsewhere');
    note.textContent = decidedBy
      ? `Decided by ${decidedBy} via ${via}: ${status.toLowerCase()}.`
      : `This request is now ${status.toLowerCase()}.`;
    note.classList.remove('hidden');
    detail.dataset.status = status;
    detail.querySelector('.status').textContent = status.toLowerCase();
    detail.querySelectorAll('.decide').forEach((el) => el.remove());
  }

  // A pending request's page was rendered before the stream opened: a decision taken in between
  // would leave its buttons up, so the page is read again whenever the stream opens.
  async function refreshDetail() {
    if (!detail || detail.dataset.status !== 'PENDING') return;
    const response = await fetch(location.pathname, { credentials: 'same-origin' });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    const now = page.querySelector(`[data-approval="${detail.dataset.approval}"]`);
    if (now && now.dataset.status !== 'PENDING') {
      showDecidedElsewhere(now.dataset.status, now.dataset.decidedBy, now.dataset.decidedVia);
    }
  }

  // The list was rendered before the stream opened (and a reconnect leaves a gap too): a request
  // parked in between would never show up live, so the list is read again whenever it opens.
  source.onopen = () => {
    refreshRows();
    refreshDetail();
  };
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (table) {
      refreshRows();
      if (live) live.textContent = `Updated: request ${event.id.slice(0, 8)} is ${event.status.toLowerCase()}.`;
    }
    if (detail && detail.dataset.approval === event.id && event.kind === 'decided') {
      showDecidedElsewhere(event.status, event.decidedBy, event.via);
    }
  };

  let selected = -1;
  function select(delta) {
    const list = rows() ? [...rows().querySelectorAll('tr[data-id]')] : [];
    if (!list.length) return;
    selected = Math.max(0, Math.min(list.length - 1, selected + delta));
    list.forEach((tr, i) => tr.classList.toggle('selected', i === selected));
    list[selected].focus();
  }
  const help = document.getElementById('help');
  document.querySelector('[data-help]')?.addEventListener('click', () => help.showModal());
  document.addEventListener('keydown', (e) => {
    if (e.target.matches('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'j') select(1);
    else if (e.key === 'k') select(-1);
    else if (e.key === 'Enter' && rows()) {
      const row = rows().querySelector('tr.selected');
      if (row) location.href = row.dataset.href;
    } else if (e.key === 'a' && document.getElementById('approve-form')) {
      document.getElementById('approve-form').requestSubmit();
    } else if (e.key === 'd' && document.getElementById('deny-reason')) {
      e.preventDefault();
      document.getElementById('deny-reason').focus();
    } else if (e.key === '?') help.showModal();
  });
})();
