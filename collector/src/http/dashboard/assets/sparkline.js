// A small inline-SVG line of the score history; the last point is the current score.
import { s } from './dom.js';
import { band, formatScore } from './format.js';

const W = 160;
const H = 40;
const PAD = 3;

export function sparkline(history, current) {
  const points = [...history.map((p) => p.score), current];
  const lo = Math.max(0, Math.min(...points) - 5);
  const hi = Math.min(100, Math.max(...points) + 5);
  const x = (i) => (points.length === 1 ? W - PAD : PAD + (i * (W - 2 * PAD)) / (points.length - 1));
  const y = (v) => H - PAD - ((v - lo) / (hi - lo || 1)) * (H - 2 * PAD);
  const coords = points.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  if (points.length === 1) coords.unshift(`${PAD},${y(current).toFixed(1)}`);
  const first = points[0];
  const label =
    points.length === 1
      ? `Score history: ${formatScore(current)}; the history fills in as scores are recorded`
      : `Score history over ${points.length} samples: from ${formatScore(first)} to ${formatScore(current)}`;
  return s(
    'svg',
    { class: `sparkline band-${band(current)}`, viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': label },
    s('title', {}, label),
    s('polyline', { points: coords.join(' '), fill: 'none', 'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-linecap': 'round' }),
    s('circle', { cx: x(points.length - 1).toFixed(1), cy: y(current).toFixed(1), r: 3 }),
  );
}
