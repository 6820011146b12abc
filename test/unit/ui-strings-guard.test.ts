import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const RENDERER = fileURLToPath(new URL('../../src-renderer', import.meta.url));
/** Attributes a person reads or hears, and the components' props that become them. */
const SHOWN_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder', 'alt', 'label', 'submitLabel', 'aria-description']);
const LETTER = /\p{L}/u;

/**
 * Words written straight into the JSX of `source`: text between tags, and string or template
 * literals given to a shown attribute or placed as a child. A call's arguments are not looked
 * into: t('id') is the catalog lookup this guard wants. Returns "line: text" per finding.
 */
function rawWords(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => {
    if (LETTER.test(text)) found.push(`${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${text.trim()}`);
  };
  /** The literals an expression may evaluate to, through ?:, ??, ||, && and parentheses (not what it compares). */
  const literals = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) report(node, node.text);
    else if (ts.isTemplateExpression(node)) {
      report(node.head, node.head.text);
      for (const span of node.templateSpans) {
        report(span.literal, span.literal.text);
        literals(span.expression);
      }
    } else if (ts.isConditionalExpression(node)) {
      literals(node.whenTrue);
      literals(node.whenFalse);
    } else if (ts.isBinaryExpression(node)) {
      const operator = node.operatorToken.kind;
      if (operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken) literals(node.left);
      if (operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.AmpersandAmpersandToken) {
        literals(node.right);
      }
    } else if (ts.isParenthesizedExpression(node) || ts.isJsxExpression(node)) {
      if (node.expression !== undefined) literals(node.expression);
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node)) report(node, node.text);
    else if (ts.isJsxExpression(node) && node.parent !== undefined && !ts.isJsxAttribute(node.parent)) literals(node);
    else if (ts.isJsxAttribute(node) && SHOWN_ATTRIBUTES.has(node.name.getText(file)) && node.initializer !== undefined) {
      literals(node.initializer);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const tsxFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsxFiles(join(dir, entry.name)) : entry.name.endsWith('.tsx') ? [join(dir, entry.name)] : [],
  );

describe('the renderer keeps its words in the message catalog', () => {
  it('finds raw words in text, shown attributes, children and template literals, not in lookups or data', () => {
    const source = `
      const a = <p title="Details">Hello {name}</p>;
      const b = <input placeholder={busy ? 'Wait' : t('x.y')} aria-label={\`Progress of \${name}\`} />;
      const c = <Dialog title={t('add.title')} submitLabel="Save">{count > 1 && 'many'}{kind === 'url' && x}{' '}×{'—'}</Dialog>;
      const d = <a className="row__name" data-kind="url" href={url}>{t('a.b', { name: 'Ann' })}</a>;`;
    expect(rawWords('sample.tsx', source)).toEqual([
      '2: Details',
      '2: Hello',
      '3: Wait',
      '3: Progress of',
      '4: Save',
      '4: many',
    ]);
  });

  it('every .tsx file under src-renderer has none', () => {
    const files = tsxFiles(RENDERER);
    expect(files.length).toBeGreaterThan(25);
    const findings = files.flatMap((path) =>
      rawWords(path, readFileSync(path, 'utf8')).map((finding) => `${relative(RENDERER, path)}:${finding}`),
    );
    expect(findings).toEqual([]);
  });
});
