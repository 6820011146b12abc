// Content script: a link clicked with Alt held is downloaded by the browser itself, not Steadfast.
document.addEventListener(
  'click',
  (event) => {
    // A page's own synthetic clicks are not the user's choice.
    if (!event.isTrusted || !event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null | undefined;
    if (link) void chrome.runtime.sendMessage({ bypass: link.href });
  },
  true,
);
