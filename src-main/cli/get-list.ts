// `steadfast get URL URL… -i FILE`: the downloads a command line and an input file ask for, read
// with the UI's own list reader (contract/download-list.ts) and checked before anything starts.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiRequestError } from '../contract/api-error.js';
import { type ListRequest, parseDownloadList } from '../contract/download-list.js';
import { withoutCredentials } from '../contract/downloads.js';
import { parseAddRequest } from '../contract/schemas.js';
import type { GetListCommand } from './args.js';

/** The list cannot be run as written: said on stderr, exit 2, nothing downloaded. */
export class ListRefused extends Error {
  override name = 'ListRefused';
}

/** One download of the list and where it was asked for ("argument 2", "list.txt line 4"). */
export interface ListedDownload {
  where: string;
  /** Its folder resolved and the command line's headers merged in: what `add` is given. */
  request: ListRequest & { dest_dir: string };
}

export interface ListPlan {
  downloads: ListedDownload[];
  /** Problems and notes in the order of their lines, each naming its line. */
  messages: string[];
  /** How many of `messages` are problems: any one refuses the whole list. */
  problems: number;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'there is no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder, not a file',
};

/** The -i file's text (`-` for standard input), or why it cannot be read. */
export function readInputFile(path: string, readStdin: () => string = () => readFileSync(0, 'utf8')): string {
  try {
    return path === '-' ? readStdin() : readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = READ_ERRORS[code] ?? (error as Error).message;
    throw new ListRefused(`cannot read the input file ${path === '-' ? '(standard input)' : path}: ${reason}`);
  }
}

/** The command line's headers under the entry's own: a name given in both (in any case) is the entry's. */
function mergedHeaders(given: Record<string, string>, own: Record<string, string> = {}): Record<string, string> | undefined {
  const ownNames = new Set(Object.keys(own).map((name) => name.toLowerCase()));
  const kept = Object.entries(given).filter(([name]) => !ownNames.has(name.toLowerCase()));
  const headers = { ...Object.fromEntries(kept), ...own };
  return Object.keys(headers).length > 0 ? headers : undefined;
}

/**
 * The downloads of `command` (its links first, then the file's), each with the folder it goes
 * to: `baseDir` unless it says otherwise; a relative `dir=` is under `baseDir`, as the add
 * dialog takes it under its folder.
 */
export function planList(command: Pick<GetListCommand, 'urls' | 'inputFile' | 'headers'>, text: string | null, baseDir: string): ListPlan {
  const found: { where: string; line: number; request: ListRequest }[] = command.urls.map((url, index) => ({
    where: `argument ${index + 1}`,
    line: 0,
    request: { url },
  }));
  const said: { line: number; text: string; problem: boolean }[] = [];
  if (text !== null) {
    const name = command.inputFile === '-' ? 'stdin' : command.inputFile;
    const at = (line: number) => `${name} line ${line}`;
    const list = parseDownloadList(text, { baseDir });
    for (const entry of list.entries) {
      found.push({ where: at(entry.line), line: entry.line, request: entry.request });
      for (const note of entry.notes) said.push({ line: note.line, text: `${at(note.line)}: note: ${note.message}`, problem: false });
    }
    for (const problem of list.problems) said.push({ line: problem.line, text: `${at(problem.line)}: ${problem.message}`, problem: true });
  }

  const downloads: ListedDownload[] = [];
  // The same link into the same folder is one download to findOrAdd (main.ts): twice is a mistake.
  const first = new Map<string, string>();
  for (const { where, line, request } of found) {
    const refuse = (message: string) => said.push({ line, text: `${where}: ${message}`, problem: true });
    const { headers: own, ...rest } = request;
    const headers = mergedHeaders(command.headers, own);
    const listed = { ...rest, dest_dir: resolve(request.dest_dir ?? baseDir), ...(headers === undefined ? {} : { headers }) };
    // The API's edge would refuse it after the ones before it were added: checked now, all or none.
    try {
      parseAddRequest(listed);
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
      refuse(error.message);
      continue;
    }
    const key = `${withoutCredentials(listed.url)}\n${listed.dest_dir}`;
    const earlier = first.get(key);
    if (earlier !== undefined) {
      refuse(`the same link into the same folder as ${earlier}`);
      continue;
    }
    first.set(key, where);
    downloads.push({ where, request: listed });
  }
  said.sort((a, b) => a.line - b.line);
  return { downloads, messages: said.map((message) => message.text), problems: said.filter((message) => message.problem).length };
}
