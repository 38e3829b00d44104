// Maps an offset inside a CEL expression back to a line and column of the YAML file, for
// every way the expression may be written: plain, quoted, or a `|` / `>` block.
import type { LineCounter, Scalar } from 'yaml';
import type { SourcePosition } from './errors.js';

export function expressionPosition(node: Scalar, offset: number, text: string, lines: LineCounter): SourcePosition {
  const start = node.range?.[0] ?? 0;
  const at = lines.linePos(start);
  const value = String(node.value);
  const before = value.slice(0, offset);
  switch (node.type) {
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      // Content starts on the line after the `|`/`>` header, at the block's indentation.
      const headerEnd = text.indexOf('\n', start);
      const body = headerEnd < 0 ? '' : text.slice(headerEnd + 1);
      const firstContent = /^( *)\S/m.exec(body);
      const indent = firstContent?.[1]?.length ?? 0;
      const leadingBlank = firstContent ? body.slice(0, firstContent.index).split('\n').length - 1 : 0;
      if (node.type === 'BLOCK_FOLDED') {
        // Folding joins lines, so offsets no longer map to lines: point at the block.
        return { line: at.line + 1 + leadingBlank, column: indent + 1 };
      }
      const lineIndex = before.split('\n').length - 1;
      const column = offset - (before.lastIndexOf('\n') + 1);
      return { line: at.line + 1 + lineIndex, column: indent + column + 1 };
    }
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
    case 'PLAIN':
    default: {
      // A quoted scalar starts at its quote; escapes may shift the column slightly.
      const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
      if (value.includes('\n')) return { line: at.line, column: at.col };
      return { line: at.line, column: at.col + quote + offset };
    }
  }
}
