import { Fragment, type ReactNode } from 'react';

/** A message cut at its placeholders (I18n.parts) with elements in the cuts, keyed for React. */
export function Rich({ parts }: { parts: readonly ReactNode[] }) {
  return (
    <>
      {parts.map((part, index) => (
        <Fragment key={index}>{part}</Fragment>
      ))}
    </>
  );
}
