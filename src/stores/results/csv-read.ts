/**
 * Reading back the CSV files the store writes (src/results/csv.ts's dialect: comma
 * separated, `"` quoting with `""` escapes, `\n` line ends, quoted cells may hold newlines).
 * Strict: a malformed quote or a row with the wrong number of cells is an error naming the
 * file and line, never a silently shifted column.
 */
import { CorruptFileError } from './errors.ts';

export function parseCsv(text: string, file: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let line = 1;
  let i = 0;
  const n = text.length;
  let atCellStart = true;
  while (i < n) {
    const ch = text[i];
    if (atCellStart && ch === '"') {
      // Quoted cell: up to the closing quote, "" is a literal quote.
      const opened = line;
      i++;
      for (;;) {
        if (i >= n) throw new CorruptFileError(file, `line ${opened}: unterminated quoted cell`);
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        cell += c;
        i++;
      }
      if (i < n && text[i] !== ',' && text[i] !== '\n') throw new CorruptFileError(file, `line ${line}: text after a closing quote`);
      atCellStart = false;
      continue;
    }
    if (ch === ',') {
      row.push(cell);
      cell = '';
      atCellStart = true;
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      atCellStart = true;
      line++;
    } else {
      if (ch === '"') throw new CorruptFileError(file, `line ${line}: quote inside an unquoted cell`);
      cell += ch;
      atCellStart = false;
    }
    i++;
  }
  if (!atCellStart || cell !== '' || row.length > 0) throw new CorruptFileError(file, `line ${line}: the file does not end with a newline (truncated?)`);
  return rows;
}
