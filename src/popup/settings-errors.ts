import { cleanDeviceName } from '../core/device-name.js';
import { MAX_DEVICE_NAME_CHARS } from '../core/peer-signal.js';
import { t } from '../shared/i18n.js';

/**
 * What is wrong with a settings field, in the reader's language and next to that field (the
 * shared validators speak English to logs: the popup checks first and says it properly).
 */
export function signalingUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return t('popup_settingsUrlInvalid');
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return t('popup_settingsUrlScheme');
  return undefined;
}

/** The same checks as validateDeviceName, each with its own sentence. */
export function nameProblem(name: string): string | undefined {
  const cleaned = cleanDeviceName(name);
  if (!cleaned) return t('popup_settingsNameEmpty');
  if (cleaned.length > MAX_DEVICE_NAME_CHARS)
    return t('popup_settingsNameLong', String(MAX_DEVICE_NAME_CHARS));
  return undefined;
}
