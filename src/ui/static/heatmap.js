// Draws a sweep heatmap on a canvas: the objective over two parameters, one cell per pair of
// values, coloured on a red-yellow-green scale from the lowest to the highest value, with
// axis labels and a colour bar. Returns a hit test for hover and click.

function color(t) {
  // t in [0, 1]: red (low) -> yellow -> green (high)
  const stops = [[215, 48, 39], [254, 224, 139], [26, 152, 80]];
  const x = Math.min(1, Math.max(0, t)) * 2;
  const i = Math.min(1, Math.floor(x));
  const f = x - i;
  const [a, b] = [stops[i], stops[i + 1]];
  return `rgb(${a.map((v, k) => Math.round(v + (b[k] - v) * f)).join(',')})`;
}

export function drawHeatmap(canvas, map, format) {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(360, Math.min(900, canvas.parentElement.clientWidth || 720));
  const left = 80;
  const top = 20;
  const bottom = 60;
  const right = 90;
  const cols = map.xs.length;
  const rowsN = map.ys.length;
  const cell = Math.max(14, Math.min(96, Math.floor((width - left - right) / Math.max(1, cols))));
  const cellH = Math.max(14, Math.min(44, cell));
  const height = top + rowsN * cellH + bottom;
  const w = left + cols * cell + right;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${w}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, height);
  const span = map.max !== null && map.min !== null && map.max > map.min ? map.max - map.min : 1;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let r = 0; r < rowsN; r++) {
    // highest y value at the top
    const y = top + (rowsN - 1 - r) * cellH;
    for (let c = 0; c < cols; c++) {
      const v = map.values[r][c];
      const x = left + c * cell;
      ctx.fillStyle = v === null ? '#e5e7eb' : color((v - (map.min ?? 0)) / span);
      ctx.fillRect(x, y, cell - 1, cellH - 1);
      if (v !== null && cell >= 36 && cellH >= 18) {
        ctx.fillStyle = '#111';
        ctx.fillText(format(v), x + cell / 2, y + cellH / 2);
      }
    }
  }
  ctx.fillStyle = '#333';
  ctx.textAlign = 'right';
  for (let r = 0; r < rowsN; r++) ctx.fillText(String(map.ys[r]), left - 6, top + (rowsN - 1 - r) * cellH + cellH / 2);
  ctx.textAlign = 'center';
  for (let c = 0; c < cols; c++) ctx.fillText(String(map.xs[c]), left + c * cell + cell / 2, top + rowsN * cellH + 12);
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(map.x, left + (cols * cell) / 2, top + rowsN * cellH + 34);
  ctx.save();
  ctx.translate(16, top + (rowsN * cellH) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(map.y, 0, 0);
  ctx.restore();
  // colour bar
  const barX = left + cols * cell + 24;
  const barH = Math.max(60, rowsN * cellH);
  for (let i = 0; i < barH; i++) {
    ctx.fillStyle = color(1 - i / barH);
    ctx.fillRect(barX, top + i, 14, 1);
  }
  ctx.fillStyle = '#333';
  ctx.textAlign = 'left';
  ctx.font = '11px system-ui, sans-serif';
  if (map.max !== null) ctx.fillText(format(map.max), barX + 18, top + 4);
  if (map.min !== null) ctx.fillText(format(map.min), barX + 18, top + barH - 4);

  return (clientX, clientY) => {
    const rect = canvas.getBoundingClientRect();
    const c = Math.floor((clientX - rect.left - left) / cell);
    const rFromTop = Math.floor((clientY - rect.top - top) / cellH);
    if (c < 0 || c >= cols || rFromTop < 0 || rFromTop >= rowsN) return null;
    const r = rowsN - 1 - rFromTop;
    return { x: map.xs[c], y: map.ys[r], value: map.values[r][c], id: map.ids[r][c], count: map.counts[r][c] };
  };
}
