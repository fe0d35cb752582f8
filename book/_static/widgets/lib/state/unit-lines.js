// The unit-lines explorer's settings: one table (see settings.js) of each unit's angle (its
// weight vector's direction, degrees) and offset (its line's signed distance from the origin),
// starting from the chapter's layer (data/plane_net.json).

export const MAX_UNITS = 12;
export const ANGLE_STEP = 5; // degrees
export const OFFSET_STEP = 0.05;

/** An angle on the slider's grid, in [0, 360). */
export const wrapAngle = (deg) => (((Math.round(deg / ANGLE_STEP) * ANGLE_STEP) % 360) + 360) % 360;
/** An offset on the slider's grid, within [-lim, lim]. */
export const snapOffset = (d, lim) => Math.max(-lim, Math.min(lim, Math.round(d / OFFSET_STEP) * OFFSET_STEP));

/** The largest offset: the box's farthest side. */
export const offsetLimit = (net) => Math.max(...net.box.map(Math.abs));

/** The chapter's units (the first `count` of them) as exact angles and offsets. */
export function chapterUnits(net, count = Infinity) {
  const units = net.W[0].map((wx, i) => {
    const wy = net.W[1][i];
    return { t: ((((Math.atan2(wy, wx) * 180) / Math.PI) % 360) + 360) % 360, d: -net.b[i] / Math.hypot(wx, wy) };
  });
  return units.slice(0, count);
}

/** The settings table for the chapter's layer `net`, with `units` of them from the config. */
export function unitLinesSettings(net, units) {
  const start = chapterUnits(net, Number.isInteger(units) ? units : Infinity);
  const lim = offsetLimit(net);
  return {
    t: { type: "numbers", min: 0, max: 359, maxLength: MAX_UNITS, default: start.map((u) => u.t) },
    d: { type: "numbers", min: -lim, max: lim, maxLength: MAX_UNITS, default: start.map((u) => u.d), check: (v, s) => v.length === s.t.length },
  };
}
