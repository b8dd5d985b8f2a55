/** What shows a link to open on another device: a copy button and its QR code. */
import { useMemo, useState } from 'preact/hooks';
import { qrDrawing } from '../core/tab-qr.js';
import { t } from '../shared/i18n.js';

export function CopyButton({ text, id, label }: { text: string; id: string; label: string }) {
  const [copied, setCopied] = useState<string | undefined>();
  return (
    <button
      type="button"
      class="secondary"
      id={id}
      aria-label={label}
      onClick={() => void navigator.clipboard.writeText(text).then(() => setCopied(text))}
    >
      {copied === text ? t('copied') : t('copy')}
    </button>
  );
}

/** A link as a QR code, drawn as one SVG path (nothing for a page's CSP to allow). */
export function QrCode({ text, label, id }: { text: string; label: string; id: string }) {
  const { size, path } = useMemo(() => qrDrawing(text), [text]);
  return (
    <svg
      id={id}
      class="qr"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
      data-link={text}
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
