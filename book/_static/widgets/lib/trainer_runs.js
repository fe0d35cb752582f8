// The page's side of the trainer's worker (lib/trainer_worker.js): each start ("init") is
// numbered and only the newest one's replies reach the page, so quick changes (three presses
// of the seed's arrow) never end on an older run whose replies arrived late; and the widget is
// busy (aria-busy) from a start until its first reply.

/** Wrap `worker` (a Worker, or anything with postMessage, onmessage and onerror) for the
 * element `busy` marks; `snapshot(msg)` gets the newest start's replies and `error(text)` a
 * failure in words. Returns {send, begin, isNewest}: `begin()` numbers a new start (send it
 * with `run` set to that number), `isNewest(n)` tells whether no start began since `n`. */
export function trainerRuns(worker, busy, { snapshot, error }) {
  let newest = 0;
  worker.onerror = (event) => error(`The training worker failed to start (${event.message ?? "unknown error"}).`);
  worker.onmessage = ({ data: msg }) => {
    if (msg.type === "error") return error(`Training stopped: ${msg.message}`);
    if (msg.run !== newest) return; // a reply to a start that a newer one replaced
    busy.removeAttribute("aria-busy");
    snapshot(msg);
  };
  return {
    send: (msg) => worker.postMessage(msg),
    begin() {
      busy.setAttribute("aria-busy", "true");
      return ++newest;
    },
    isNewest: (run) => run === newest,
  };
}
