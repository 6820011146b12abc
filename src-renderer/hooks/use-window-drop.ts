import { useEffect, useState } from 'react';
import { linkProblem, MAX_LIST_CHARS } from '../../src-main/contract/download-list.js';
import { currentI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';

/** Names a list of links is saved under when the system gives it no text type. */
const LIST_NAME = /\.(txt|text|list|lst|urls|aria2|input)$/i;

const isListFile = (file: File): boolean => file.type.startsWith('text/') || LIST_NAME.test(file.name);

/** What a drop carries for the Add dialog: files' text, else dragged links (uri-list, else plain text). */
async function droppedText(data: DataTransfer): Promise<{ text: string } | { refused: string }> {
  const files = [...data.files];
  if (files.length > 0) {
    const texts: string[] = [];
    for (const file of files) {
      if (!isListFile(file)) return { refused: currentI18n().t('drop.notText', { name: file.name }) };
      if (file.size > MAX_LIST_CHARS) return { refused: currentI18n().t('add.tooLarge', { name: file.name, size: MAX_LIST_CHARS / 1024 / 1024 }) };
      texts.push(await file.text());
    }
    return { text: texts.join('\n') };
  }
  // RFC 2483: one link a line, "#" lines are comments.
  const uriList = data
    .getData('text/uri-list')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .join('\n');
  return { text: uriList !== '' ? uriList : data.getData('text/plain') };
}

const carriesLinks = (data: DataTransfer | null): boolean =>
  data !== null && ['Files', 'text/uri-list', 'text/plain'].some((type) => data.types.includes(type));

const isEditable = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * Links and lists dropped anywhere on the window, or pasted outside a text field, go to the Add
 * dialog (which then previews them). Dropping also keeps the browser, or Electron, from opening
 * the dropped file in place of the app. Returns whether something is being dragged over.
 */
export function useWindowDrop(): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    const { addText, setNotice } = useDownloads.getState();
    const hand = (text: string) => {
      if (text.trim() === '') return;
      if (!addText(text)) setNotice(currentI18n().t('drop.closeDialog'));
    };
    const over = (event: DragEvent) => {
      if (!carriesLinks(event.dataTransfer)) return;
      event.preventDefault();
      setDragging(true);
    };
    const leave = (event: DragEvent) => {
      // Leaving for a child fires too; only leaving the window (no related target) ends the drag.
      if (event.relatedTarget === null) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      setDragging(false);
      if (!carriesLinks(event.dataTransfer)) return;
      event.preventDefault();
      void droppedText(event.dataTransfer!).then((result) => ('text' in result ? hand(result.text) : setNotice(result.refused)));
    };
    const paste = (event: ClipboardEvent) => {
      if (isEditable(event.target)) return;
      const text = event.clipboardData?.getData('text/plain') ?? '';
      if (!text.split(/\r?\n/).some((line) => linkProblem(line.trim().split('\t')[0] ?? '') === null)) return;
      event.preventDefault();
      hand(text);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    window.addEventListener('paste', paste);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
      window.removeEventListener('paste', paste);
    };
  }, []);
  return dragging;
}
