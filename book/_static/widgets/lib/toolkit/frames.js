// A frame throttle for a live view (the trainer): draw at most once per animation frame, text
// at a slower pace while playing, and once a second with reduced motion.

import { reducedMotion } from "./page.js";

/**
 * Draws for a live view, at most once per animation frame. `changed(still)` marks new data
 * (`still` when nothing plays: the text is due at once); `pictureChanged()` marks a new
 * picture. While `isPlaying()`, `drawText()` runs at most every `textMs` milliseconds (a timer
 * catches the last update) and `drawPicture()` when a picture came; with reduced motion, one
 * draw a second. When still, the text is drawn first and the picture on the next frame.
 */
export function frameThrottle({ textMs, isPlaying, drawText, drawPicture }) {
  let [dirty, textDirty, pictureDirty, scheduled, timer, lastDraw, lastText] = [false, false, false, false, 0, 0, -Infinity];
  const schedule = () => {
    if (!dirty || scheduled) return;
    scheduled = true;
    const wait = reducedMotion() && isPlaying() ? 1000 - (performance.now() - lastDraw) : 0;
    if (wait > 0) setTimeout(() => requestAnimationFrame(draw), wait);
    else requestAnimationFrame(draw);
  };
  const draw = () => {
    scheduled = false;
    if (!dirty) return;
    dirty = false;
    lastDraw = performance.now();
    if (textDirty || (isPlaying() && lastDraw - lastText >= textMs)) {
      textDirty = false;
      lastText = lastDraw;
      drawText();
      if (pictureDirty && !isPlaying()) {
        dirty = true;
        return schedule();
      }
    } else if (isPlaying() && !timer) {
      timer = setTimeout(() => {
        timer = 0;
        dirty = textDirty = true;
        schedule();
      }, textMs - (lastDraw - lastText));
    }
    if (pictureDirty) {
      pictureDirty = false;
      drawPicture();
    }
  };
  return {
    changed(still) {
      dirty = true;
      textDirty ||= still;
      schedule();
    },
    pictureChanged() {
      pictureDirty = true;
    },
  };
}
