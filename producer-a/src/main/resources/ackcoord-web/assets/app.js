// ackcoord status page: reads GET /api/events (Server-Sent Events, one full snapshot per push) and pages
// GET /api/messages. Its only state changes are an operator's, each after a confirmation: cancel a pending message
// (DELETE /api/messages/{id}), redrive a dead letter (POST /api/dead-letters/{id}/redrive), and POST /logout. They
// go as same-origin fetches with a JSON body and the page's session (docs/security.md): what BrowserGuard lets
// through from this page and refuses from any other. Every value is put in the DOM as text, never as HTML.
'use strict';

(function () {
  const PAGE_SIZE = 20;
  const $ = (id) => document.getElementById(id);
  const fmt = new Intl.NumberFormat('en-US');

  let last = null;            // the latest snapshot
  let lastEventAt = 0;        // Date.now() of the latest push
  let pushIntervalMs = 1000;
  let chart = null;
  // Pending table paging: cursors[i] is the cursor of page i (null for the first page).
  const cursors = [null];
  let nextCursor = null;
  let pendingLoading = false;

  // ---------- formatting ----------
  function num(v) {
    return v === null || v === undefined ? '–' : fmt.format(v);
  }

  function dur(ms) {
    if (ms === null || ms === undefined || ms < 0) return '–';
    if (ms < 1000) return Math.round(ms) + ' ms';
    const s = ms / 1000;
    if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return m + 'm ' + String(Math.floor(s % 60)).padStart(2, '0') + 's';
    return Math.floor(m / 60) + 'h ' + String(m % 60).padStart(2, '0') + 'm';
  }

  function clock(epochMs) {
    if (!epochMs) return '–';
    const d = new Date(epochMs);
    return d.toLocaleTimeString('en-GB', {hour12: false}) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }

  function rate(v) {
    return v === undefined || v === null ? '' : (v < 10 ? v.toFixed(1) : Math.round(v)) + '/s';
  }

  // ---------- DOM helpers ----------
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function setText(id, text) {
    const e = $(id);
    if (e && e.textContent !== String(text)) e.textContent = String(text);
  }

  function row(cells) {
    const tr = document.createElement('tr');
    cells.forEach((c) => tr.appendChild(c));
    return tr;
  }

  function emptyRow(body, cols, text) {
    const td = el('td', text);
    td.colSpan = cols;
    const tr = row([td]);
    tr.className = 'empty';
    body.replaceChildren(tr);
  }

  function idLink(id) {
    const a = el('a', id, 'id mono');
    a.title = id;
    a.href = '#';
    a.dataset.id = id;
    a.addEventListener('click', (e) => {
      e.preventDefault();
      showDetail(id);
    });
    return a;
  }

  // The trace id, linked to the trace UI when A has one configured (tracing.ui.url, an http(s) URL A checked).
  function traceLink(traceId, url) {
    if (!url) return el('span', traceId, 'mono');
    const a = el('a', traceId, 'mono');
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }

  function cell(child, cls) {
    const td = el('td', null, cls);
    if (child instanceof Node) td.appendChild(child); else td.textContent = child === undefined ? '' : String(child);
    return td;
  }

  function tileState(id, state) {
    const t = $(id);
    t.classList.toggle('warn', state === 'warn');
    t.classList.toggle('bad', state === 'bad');
  }

  // ---------- the live feed ----------
  function connect() {
    const source = new EventSource('/api/events');
    source.addEventListener('status', (e) => {
      lastEventAt = Date.now();
      try {
        render(JSON.parse(e.data));
      } catch (err) {
        console.error('bad status event', err);
      }
    });
    source.onerror = () => setConn();
  }

  function setConn() {
    const conn = $('conn');
    const silent = Date.now() - lastEventAt;
    if (lastEventAt === 0) {
      conn.className = 'pill pill-warn';
      conn.textContent = 'connecting…';
    } else if (silent > 3 * pushIntervalMs + 1000) {
      conn.className = 'pill pill-bad';
      conn.textContent = 'A not answering (' + dur(silent) + ')';
    } else {
      conn.className = 'pill pill-ok';
      conn.textContent = 'live';
    }
  }

  function render(s) {
    last = s;
    pushIntervalMs = (s.config && s.config['status.push.interval.ms']) || 1000;
    setConn();
    setText('producer-id', s.producerId);
    setText('updated', clock(s.now));
    // With http.auth.token set the config shows it masked, and the page was opened with a session.
    $('sign-out').hidden = !(s.config && s.config['http.auth.token']);
    renderCounters(s);
    renderConsumers(s.consumers);
    renderAlerts(s);
    renderLatency(s.latencyMs);
    renderConfig(s);
    renderChart(s.series, s.now - s.startedAt);
    renderRecent(s.recent);
    document.title = (s.pending > 0 ? '(' + s.pending + ' pending) ' : '') + 'ackcoord · ' + s.producerId;
    loadPending();
  }

  function renderCounters(s) {
    setText('c-sent', num(s.sent));
    setText('c-pending', num(s.pending));
    setText('c-acked', num(s.acked));
    setText('c-retries', num(s.retries));
    setText('c-dead', num(s.deadLettered));
    setText('c-dup', num(s.duplicateAcks));
    setText('c-unknown', num(s.unknownAcks));
    setText('c-forged', num(s.forgedReplies));
    setText('c-cancelled', num(s.cancelled));
    setText('c-after-cancel', 'replies after a cancel: ' + num(s.repliesAfterCancel));
    const r = s.rates || {};
    setText('r-sent', rate(r.sendsPerSec10s) + ' last 10 s');
    setText('r-acked', rate(r.acksPerSec10s) + ' last 10 s');
    setText('r-retries', rate(r.retriesPerSec10s) + ' last 10 s');
    setText('r-dead', s.deadLettered > 0 ? 'see recent list' : 'none');
    const timeout = s.config ? s.config['ack.timeout.ms'] : 0;
    const oldest = s.oldestPending;
    setText('oldest', oldest ? 'oldest ' + dur(oldest.ageMs) + ' (attempt ' + oldest.attempt + ')' : 'none waiting');
    tileState('t-pending', oldest && oldest.ageMs > timeout ? 'warn' : '');
    tileState('t-retries', r.retriesPerSec10s > 0 ? 'warn' : '');
    tileState('t-dead', s.deadLettered > 0 ? 'bad' : '');
  }

  function renderConsumers(c) {
    const total = (c && c.total) || {};
    setText('b-processed', num(total.processed));
    setText('b-duplicates', num(total.duplicates));
    setText('b-poison', num(total.poison));
    setText('b-inflight', num(total.inFlight));
    tileState('t-poison', total.poison > 0 ? 'bad' : '');
    const instances = (c && c.instances) || [];
    const pill = $('b-state');
    if (c.up > 0 && c.stale === 0) {
      pill.className = 'pill pill-ok';
      pill.textContent = 'B: ' + c.up + ' up';
    } else if (c.up > 0) {
      pill.className = 'pill pill-warn';
      pill.textContent = 'B: ' + c.up + ' up, ' + c.stale + ' silent';
    } else {
      pill.className = 'pill pill-bad';
      pill.textContent = instances.length === 0 ? 'B: none reporting' : 'B: DOWN';
    }
    setText('b-count', instances.length + ' instance(s) known');
    const body = $('b-body');
    if (instances.length === 0) {
      emptyRow(body, 8, 'No consumer B has reported on the stats topic yet.');
      return;
    }
    body.replaceChildren(...instances.map((b) => {
      const badge = el('span', b.state === 'up' ? 'up' : b.state === 'stale' ? 'silent ' + dur(b.silentMs) : 'stopped',
          'badge ' + (b.state === 'up' ? 'badge-ok' : b.state === 'stale' ? 'badge-stale' : 'badge-muted'));
      return row([cell(b.consumerId, 'mono'), cell(badge), cell(num(b.processed), 'num'),
        cell(num(b.duplicates), 'num'), cell(num(b.poison), 'num'), cell(num(b.inFlight), 'num'),
        cell((b.assignedPartitions || []).length + (b.paused ? ' (paused)' : '')),
        cell(dur(b.silentMs) + ' ago', 'num')]);
    }));
  }

  function renderAlerts(s) {
    const alerts = [];
    const c = s.consumers || {};
    const timeout = s.config ? s.config['ack.timeout.ms'] : 0;
    if (!c.up) {
      const instances = c.instances || [];
      const silent = instances.map((b) => b.silentMs).reduce((a, b) => Math.min(a, b), Infinity);
      let text;
      if (instances.length === 0) {
        text = 'No consumer B is reporting: nothing will be processed until one starts.';
      } else if (instances.every((b) => b.state === 'stopped')) {
        text = 'Consumer B is down: it stopped ' + dur(silent) + ' ago. Pending messages are re-sent until one is back.';
      } else {
        text = 'Consumer B is down or cut off: last report ' + dur(silent) + ' ago. Pending messages are re-sent until one is back.';
      }
      alerts.push(['bad', text]);
    }
    if (s.oldestPending && s.oldestPending.ageMs > timeout) {
      alerts.push(['warn', 'Oldest pending message ' + s.oldestPending.id + ' has waited ' + dur(s.oldestPending.ageMs)
        + ' (attempt ' + s.oldestPending.attempt + ', timeout ' + dur(timeout) + ').']);
    }
    const deadLastMinute = sum((s.series || {}).deadLetters, 60);
    if (deadLastMinute > 0) {
      alerts.push(['bad', deadLastMinute + ' message(s) dead-lettered in the last minute.']);
    }
    const box = $('alerts');
    const text = alerts.map((a) => a[1]).join('|');
    if (box.dataset.text === text) return;
    box.dataset.text = text;
    box.replaceChildren(...alerts.map((a) => el('div', a[1], 'alert alert-' + a[0])));
  }

  function sum(values, lastN) {
    if (!values) return 0;
    return values.slice(-lastN).reduce((a, b) => a + b, 0);
  }

  function renderLatency(l) {
    l = l || {};
    const v = (x) => (l.count ? dur(x) : '–');
    setText('l-p50', v(l.p50));
    setText('l-p90', v(l.p90));
    setText('l-p99', v(l.p99));
    setText('l-max', v(l.max));
    setText('l-count', num(l.count));
  }

  const CONFIG_KEYS = [
    ['ack.timeout.ms', 'ack timeout', 'ms'], ['retry.max.attempts', 'max attempts'],
    ['retry.backoff.multiplier', 'backoff multiplier', '×'], ['retry.backoff.max.ms', 'max backoff', 'ms'],
    ['retry.delay.ms', 'retry delay after NACK', 'ms'], ['retry.jitter', 'jitter', '±'],
    ['ack.extension.max.ms', 'max extension', 'ms'], ['pending.max', 'pending limit'],
    ['history.max', 'history kept'],
  ];

  function renderConfig(s) {
    const cfg = s.config || {};
    const key = JSON.stringify(CONFIG_KEYS.map((k) => cfg[k[0]]));
    const body = $('config-body');
    if (body.dataset.key !== key) {
      body.dataset.key = key;
      body.replaceChildren(...CONFIG_KEYS.map(([k, label, unit]) => {
        const v = cfg[k];
        const shown = unit === 'ms' ? dur(v) : unit === '×' ? v + '×' : unit === '±' ? '±' + Math.round(v * 100) + '%' : num(v);
        const th = el('th', label);
        th.title = k;
        return row([th, el('td', shown)]);
      }));
    }
    const note = $('reload-note');
    const r = s.configReload;
    if (r) {
      note.hidden = false;
      let text = 'Reloaded from ' + r.file + ' at ' + clock(r.at) + ': ' + (r.changed || []).join(', ');
      if (r.needRestart && r.needRestart.length) text += ' (' + r.needRestart.join(', ') + ' on restart)';
      note.textContent = text;
    } else {
      note.hidden = true;
    }
  }

  // Shows the seconds A has been up (at least one minute), up to the whole window.
  function renderChart(full, uptimeMs) {
    if (!full || typeof Chart === 'undefined') return;
    const n = Math.min(full.sends.length, Math.max(60, Math.ceil(uptimeMs / 1000)));
    const series = {};
    ['sends', 'acks', 'retries', 'deadLetters'].forEach((k) => {
      series[k] = full[k].slice(-n);
    });
    const labels = Array.from({length: n}, (_, i) => {
      const ago = n - i;
      if (n <= 120) return ago % 15 === 0 ? '-' + ago + ' s' : '';
      return ago % 60 === 0 ? '-' + (ago / 60) + ' min' : '';
    });
    setText('rate-window', 'per second, last ' + (n < 120 ? n + ' s' : Math.round(n / 60) + ' min'));
    if (!chart) {
      const ds = (label, color, data, dash) => ({
        label, data, borderColor: color, backgroundColor: color, borderWidth: dash ? 2.4 : 1.6, pointRadius: 0,
        tension: 0.2, borderDash: dash || [],
      });
      chart = new Chart($('rates'), {
        type: 'line',
        data: {
          labels,
          datasets: [ds('sends/s', '#2457c5', series.sends), ds('ACKs/s', '#1f8a4c', series.acks, [5, 3]),
            ds('retries/s', '#e08a00', series.retries), ds('dead letters/s', '#c62828', series.deadLetters)],
        },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false, normalized: true,
          interaction: {mode: 'index', intersect: false},
          scales: {
            x: {ticks: {autoSkip: false, maxRotation: 0}, grid: {display: false}},
            y: {beginAtZero: true, ticks: {precision: 0}},
          },
          plugins: {legend: {position: 'top', labels: {boxWidth: 12}}, tooltip: {enabled: true}},
        },
      });
    } else {
      chart.data.labels = labels;
      chart.data.datasets[0].data = series.sends;
      chart.data.datasets[1].data = series.acks;
      chart.data.datasets[2].data = series.retries;
      chart.data.datasets[3].data = series.deadLetters;
      chart.update('none');
    }
  }

  function renderRecent(events) {
    const body = $('recent-body');
    events = events || [];
    const key = events.length ? events[0].at + events[0].id + events.length : '';
    if (body.dataset.key === key) return;
    body.dataset.key = key;
    if (!events.length) {
      emptyRow(body, 6, 'No re-sends or dead letters yet.');
      return;
    }
    body.replaceChildren(...events.map((e) => {
      const dead = e.kind === 'DEAD_LETTER';
      const cancelled = e.kind === 'CANCELLED';
      const badge = el('span', dead ? 'dead letter' : cancelled ? 'cancelled' : 're-send',
        'badge ' + (dead ? 'badge-dead' : cancelled ? 'badge-cancelled' : 'badge-resend'));
      return row([cell(clock(e.at), 'mono'), cell(badge), cell(idLink(e.id)), cell(e.attempt, 'num'),
        cell(e.reason, 'reason'), cell(dead || cancelled ? actionButton('Redrive', e.id, redrive) : '')]);
    }));
  }

  // ---------- pending table ----------
  function loadPending() {
    if (pendingLoading) return;
    pendingLoading = true;
    const page = cursors.length - 1;
    const cursor = cursors[page];
    const url = '/api/messages?state=pending&limit=' + PAGE_SIZE + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    fetch(url, {cache: 'no-store'})
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status))))
      .then((p) => {
        if (p.items.length === 0 && page > 0) {
          cursors.length = 1; // what was on this page finished: back to the oldest
          return;
        }
        nextCursor = p.nextCursor;
        renderPending(p, page);
      })
      .catch((err) => console.warn('pending page', err))
      .finally(() => {
        pendingLoading = false;
      });
  }

  function renderPending(p, page) {
    const body = $('pending-body');
    const maxAttempts = last && last.config ? last.config['retry.max.attempts'] : 0;
    if (p.items.length === 0) {
      emptyRow(body, 6, 'Nothing pending: every accepted message is ACKed or dead-lettered.');
    } else {
      body.replaceChildren(...p.items.map((m) => {
        let next;
        if (m.nextInMs === undefined) {
          next = cell('awaiting broker');
        } else if (m.next === 'dead-letter') {
          next = cell('dead-letter in ' + dur(m.nextInMs), 'due-dead');
        } else {
          next = cell('re-send in ' + dur(m.nextInMs));
        }
        return row([cell(idLink(m.id)), cell(m.state.toLowerCase().replace('_', ' ')),
          cell(m.attempt + (maxAttempts ? ' / ' + maxAttempts : ''), 'num' + (m.attempt > 1 ? ' overdue' : '')),
          cell(dur(m.ageMs), 'num'), next, cell(actionButton('Cancel', m.id, cancelMessage, 'danger'))]);
      }));
    }
    const from = page * PAGE_SIZE + 1;
    setText('page-info', p.items.length === 0 ? (p.total + ' pending')
      : 'page ' + (page + 1) + ' · ' + from + '–' + (from + p.items.length - 1) + ' of ' + num(p.total));
    $('prev').disabled = page === 0;
    $('next').disabled = !p.nextCursor;
  }

  $('next').addEventListener('click', () => {
    if (nextCursor) {
      cursors.push(nextCursor);
      loadPending();
    }
  });
  $('prev').addEventListener('click', () => {
    if (cursors.length > 1) {
      cursors.pop();
      loadPending();
    }
  });

  $('sign-out').addEventListener('click', () => {
    fetch('/logout', {method: 'POST', cache: 'no-store', headers: {'Content-Type': 'application/json'}, body: '{}'})
      .finally(() => window.location.replace('/'));
  });

  // ---------- operator actions: cancel and redrive, each confirmed first ----------
  function actionButton(label, id, act, cls) {
    const b = el('button', label, 'small' + (cls ? ' ' + cls : ''));
    b.type = 'button';
    b.dataset.id = id;
    b.dataset.action = label.toLowerCase();
    b.addEventListener('click', () => act(id));
    return b;
  }

  let confirmed = null; // what the open confirmation does on OK

  function confirmThen(title, text, askReason, then) {
    setText('confirm-title', title);
    setText('confirm-text', text);
    $('confirm-reason-box').hidden = !askReason;
    $('confirm-reason').value = '';
    confirmed = then;
    $('confirm').hidden = false;
    (askReason ? $('confirm-reason') : $('confirm-ok')).focus();
  }

  function closeConfirm() {
    $('confirm').hidden = true;
    confirmed = null;
  }

  $('confirm-ok').addEventListener('click', () => {
    const then = confirmed;
    const reason = $('confirm-reason').value.trim();
    closeConfirm();
    if (then) then(reason);
  });
  $('confirm-back').addEventListener('click', closeConfirm);

  // A same-origin fetch with a JSON body and the session cookie: see the comment at the top.
  function send(method, url, body) {
    return fetch(url, {method, cache: 'no-store', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body || {})})
      .then((r) => r.json().catch(() => ({})).then((json) => ({status: r.status, body: json})));
  }

  function showResult(text, ok) {
    const box = $('action-result');
    box.textContent = text;
    box.className = 'action-result' + (ok ? '' : ' failed');
    box.hidden = false;
  }

  function cancelMessage(id) {
    confirmThen('Cancel message ' + id + '?', 'A stops re-sending it and writes it to the dead-letter topic as '
      + 'cancelled, with your reason; it can be redriven later. A copy B already has may still be processed.', true,
    (reason) => send('DELETE', '/api/messages/' + encodeURIComponent(id), reason ? {reason} : {})
      .then(({status, body}) => {
        const ok = status === 200 || status === 202;
        showResult(ok ? 'Cancelled ' + id + ' (dead letter ' + body.deadLetter + ')'
          : 'Cancel of ' + id + ' refused (' + status + '): ' + body.error, ok);
        if ($('detail').hidden === false) showDetail(id);
      })
      .catch((err) => showResult('Cancel of ' + id + ' failed: ' + err, false)));
  }

  function redrive(id) {
    confirmThen('Redrive ' + id + '?', 'A reads its latest dead letter back and sends it again under the same id, as '
      + 'a new series of attempts. If B processed it already, B answers from its record without processing it again.',
    false, () => send('POST', '/api/dead-letters/' + encodeURIComponent(id) + '/redrive')
      .then(({status, body}) => {
        const ok = status === 202;
        showResult(ok ? 'Redriven ' + id + ': sent again as a new series of attempts'
          : 'Redrive of ' + id + ' not done (' + status + '): ' + (body.detail || body.error), ok);
        if ($('detail').hidden === false) showDetail(id);
      })
      .catch((err) => showResult('Redrive of ' + id + ' failed: ' + err, false)));
  }

  // ---------- one message's history ----------
  function showDetail(id) {
    fetch('/api/messages/' + encodeURIComponent(id), {cache: 'no-store'})
      .then((r) => r.json().then((body) => ({ok: r.ok, body})))
      .then(({ok, body}) => {
        setText('detail-title', 'Message ' + id);
        const summary = $('detail-summary');
        const attempts = $('detail-attempts');
        if (!ok) {
          summary.replaceChildren(row([el('th', 'error'), el('td', body.error)]));
          attempts.replaceChildren();
          $('detail-cancel').hidden = true;
          $('detail-redrive').hidden = true;
          $('detail-notes-box').hidden = true;
        } else {
          const kv = [['state', body.state], ['accepted', clock(body.acceptedAt)],
            ['first-attempt timeout', dur(body.timeoutMs)]];
          if (body.nextDeadlineInMs !== undefined) kv.push(['next deadline in', dur(body.nextDeadlineInMs)]);
          if (body.finishedAt) kv.push([body.state === 'ACKED' ? 'ACKed' : 'finished', clock(body.finishedAt)]);
          if (body.latencyMs !== undefined) kv.push(['send → final', dur(body.latencyMs)]);
          if (body.reason) kv.push(['reason', body.reason]);
          if (body.traceId) kv.push(['trace', traceLink(body.traceId, body.traceUrl)]);
          summary.replaceChildren(...kv.map(([k, v]) => row([el('th', k), cell(v)])));
          const pending = ['SENDING', 'AWAITING_REPLY', 'WAITING_RESEND'].includes(body.state);
          $('detail-cancel').hidden = !pending;
          $('detail-redrive').hidden = !(body.state === 'DEAD_LETTERED' || body.state === 'CANCELLED');
          $('detail').dataset.id = id;
          const notes = body.notes || [];
          $('detail-notes-box').hidden = notes.length === 0;
          $('detail-notes').replaceChildren(...notes.map((n) => row([cell(clock(n.at), 'mono'), cell(n.note, 'reason')])));
          attempts.replaceChildren(...body.attempts.map((a) => row([cell(a.attempt, 'num'), cell(clock(a.sentAt), 'mono'),
            cell(a.confirmedAt ? clock(a.confirmedAt) : '–', 'mono'), cell(a.timeoutMs ? dur(a.timeoutMs) : '–', 'num'),
            cell(a.outcome, 'reason')])));
        }
        $('detail').hidden = false;
      })
      .catch((err) => console.warn('message detail', err));
  }

  $('detail-close').addEventListener('click', () => {
    $('detail').hidden = true;
  });
  $('detail').addEventListener('click', (e) => {
    if (e.target === $('detail')) $('detail').hidden = true;
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    if (!$('confirm').hidden) closeConfirm(); else $('detail').hidden = true;
  });
  $('detail-cancel').addEventListener('click', () => cancelMessage($('detail').dataset.id));
  $('detail-redrive').addEventListener('click', () => redrive($('detail').dataset.id));

  setInterval(setConn, 1000);
  connect();
})();
