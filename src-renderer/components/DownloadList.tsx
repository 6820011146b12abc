import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads, visibleIds } from '../state/downloads-store.js';
import { DownloadRow } from './DownloadRow.js';

const ROW_HEIGHT = 132;

/** Only the rows in view are in the DOM, so a thousand downloads scroll like ten. */
export function DownloadList() {
  const ids = useDownloads(useShallow(visibleIds));
  const total = useDownloads((s) => s.order.length);
  const scroller = useRef<HTMLDivElement>(null);
  const { t } = useI18n();
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    getItemKey: (index) => ids[index]!,
  });
  return (
    <div className="list-pane">
      <p className="list-pane__count">
        {ids.length === total ? t('list.count', { count: total }) : t('list.countShown', { shown: ids.length, count: total })}
      </p>
      <div className="list" ref={scroller}>
        <div role="list" aria-label={t('list.label')} style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const id = ids[item.index]!;
            return <DownloadRow key={id} id={id} top={item.start} height={ROW_HEIGHT} position={item.index + 1} of={ids.length} />;
          })}
        </div>
      </div>
    </div>
  );
}
