// The `/api/live` WebSocket: one connection per page that wants it, reconnecting with a
// growing delay while the daemon is away, closed when the page goes.

/**
 * Connects and calls `onEvent(parsedEvent)` for every message and `onState(state)` with
 * "connecting" | "open" | "closed". Returns `close()`.
 */
export function connectLive({ onEvent, onState = () => {} }) {
  let socket = null;
  let stopped = false;
  let delay = 500;
  let timer = null;

  function open() {
    if (stopped) return;
    onState("connecting");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${scheme}//${location.host}/api/live`);
    socket.addEventListener("open", () => {
      delay = 500;
      onState("open");
    });
    socket.addEventListener("message", (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      onEvent(event);
    });
    socket.addEventListener("close", () => {
      socket = null;
      if (stopped) return;
      onState("closed");
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    });
    // An error is always followed by close, which schedules the retry.
    socket.addEventListener("error", () => {});
  }

  open();
  return function close() {
    stopped = true;
    clearTimeout(timer);
    if (socket) socket.close(1000, "page closed");
  };
}
