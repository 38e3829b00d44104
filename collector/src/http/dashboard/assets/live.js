// The collector's live stream (GET /api/v1/events, server-sent events) read with fetch(),
// which — unlike EventSource — can send the Authorization header. Reconnects with backoff
// after an error or a dropped connection; each (re)connection starts with a "hello" event,
// on which the page reloads what it shows (it may have missed changes while away).
import { authHeaders } from './api.js';

const PATH = '/api/v1/events';
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 15_000;

/** Splits a text/event-stream into { event, data } messages (the HTML standard's rules, minus ids). */
export function sseParser(onMessage) {
  let buffer = '';
  let event = '';
  let data = [];
  const line = (l) => {
    if (l === '') {
      if (data.length) onMessage({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (l.startsWith(':')) return; // a comment: keep-alive
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    const value = colon < 0 ? '' : l.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };
  return (chunk) => {
    buffer += chunk;
    let i;
    while ((i = buffer.search(/\r\n|\r|\n/)) >= 0) {
      line(buffer.slice(0, i));
      buffer = buffer.slice(i + (buffer.startsWith('\r\n', i) ? 2 : 1));
    }
  };
}

/**
 * Keeps a stream open until `close()`. `onEvent(name, data)` gets each event with its JSON
 * data parsed; `onState(state)` gets 'live', 'offline' or 'unauthorized' (the page's next
 * API call asks for a token; the stream retries meanwhile).
 */
export function connectLive({ onEvent, onState }) {
  let closed = false;
  let controller;
  let backoff = MIN_BACKOFF_MS;
  let timer;

  async function run() {
    timer = undefined;
    controller = new AbortController();
    let res;
    try {
      res = await fetch(PATH, { headers: { ...authHeaders(), accept: 'text/event-stream' }, cache: 'no-store', signal: controller.signal });
    } catch {
      return retry('offline');
    }
    if (res.status === 401 || res.status === 403) return retry('unauthorized');
    if (!res.ok || !res.body) return retry('offline');
    const parse = sseParser(({ event, data }) => {
      let parsed = null;
      try {
        parsed = JSON.parse(data);
      } catch {
        // not JSON: passed on as null
      }
      if (event === 'hello') {
        backoff = MIN_BACKOFF_MS;
        onState('live');
      }
      onEvent(event, parsed);
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parse(value);
      }
    } catch {
      // dropped connection, or close()
    }
    retry('offline');
  }

  function retry(state) {
    if (closed) return;
    onState(state);
    clearTimeout(timer);
    timer = setTimeout(run, backoff * (0.8 + Math.random() * 0.4));
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
  }

  run();
  return {
    /** Reconnects now if waiting to (the page just signed in, or reached the collector again). */
    retryNow() {
      if (closed || !timer) return;
      clearTimeout(timer);
      timer = undefined;
      backoff = MIN_BACKOFF_MS;
      run();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      controller?.abort();
    },
  };
}
