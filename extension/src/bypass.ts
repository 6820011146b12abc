// Content script: a link clicked with Alt held is downloaded by the browser itself, not Steadfast.
document.addEventListener(
  'click',
  (event) => {
    if (!event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null | undefined;
    if (link) void chrome.runtime.sendMessage({ bypass: link.href });
  },
  true,
);
