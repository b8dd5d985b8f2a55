/**
 * The web viewer's texts. It runs on any browser, without chrome.i18n, so it carries its own
 * small table (English and Simplified Chinese, like the extension) and picks by
 * navigator.languages.
 */
import type { ErrorCode } from '../core/errors.js';
import type { SessionStep } from '../shared/session-view.js';

export interface WebTexts {
  title: string;
  intro: string;
  codeLabel: string;
  codePlaceholder: string;
  watch: string;
  /** How this viewer introduces itself to the sharer. */
  viewerName: string;
  steps: Record<SessionStep, string>;
  connecting: string;
  watching: string;
  watchingNamed: string;
  ended: string;
  failed: string;
  fullscreen: string;
  exitFullscreen: string;
  volume: string;
  mute: string;
  unmute: string;
  clickToUnmute: string;
  notATab: string;
  errors: Partial<Record<ErrorCode, string>> & { other: string };
}

const en: WebTexts = {
  title: 'Peerbeam: watch a shared tab',
  intro: 'Type the code shown in the Peerbeam popup of the person sharing their tab.',
  codeLabel: 'Code',
  codePlaceholder: 'e.g. 7-apple-river',
  watch: 'Watch',
  viewerName: 'Web viewer',
  steps: {
    connecting: 'Connecting to the signaling service…',
    'waiting-for-peer': 'Waiting for the sharer…',
    handshaking: 'Checking the code…',
    'connecting-peer': 'Opening a direct connection…',
    open: 'Connected',
    closed: 'Ended',
    failed: 'Could not connect',
  },
  connecting: 'Connecting…',
  watching: 'Watching a shared tab',
  watchingNamed: 'Watching the tab of {name}',
  ended: 'Sharing ended',
  failed: 'Could not watch: {detail}',
  fullscreen: 'Fullscreen',
  exitFullscreen: 'Exit fullscreen',
  volume: 'Volume',
  mute: 'Mute',
  unmute: 'Unmute',
  clickToUnmute: 'Click to turn the sound on',
  notATab: 'this code is not for a shared tab.',
  errors: {
    CODE_INVALID: 'that code is not valid. {detail}',
    CODE_MISMATCH: 'the code did not match. Ask for a new code.',
    NO_SUCH_CODE: 'no one is sharing with that code. Check the number, or ask for a new code.',
    CODE_IN_USE: 'that code was already used. Ask for a new code.',
    SIGNALING_UNREACHABLE: 'the signaling service cannot be reached.',
    SIGNALING_CLOSED: 'the connection to the signaling service was lost.',
    CONNECTION_FAILED: 'no direct or relayed path to the sharer could be found.',
    TIMEOUT: 'the sharer did not answer in time.',
    PEER_LEFT: 'the sharer left.',
    TAMPERED: 'a message was altered on the way. Someone may be interfering.',
    other: 'something went wrong ({detail}).',
  },
};

const zh: WebTexts = {
  title: 'Peerbeam：观看共享的标签页',
  intro: '输入共享者在 Peerbeam 弹出窗口中看到的代码。',
  codeLabel: '代码',
  codePlaceholder: '例如 7-apple-river',
  watch: '观看',
  viewerName: '网页观众',
  steps: {
    connecting: '正在连接信令服务…',
    'waiting-for-peer': '正在等待共享者…',
    handshaking: '正在核对代码…',
    'connecting-peer': '正在建立直接连接…',
    open: '已连接',
    closed: '已结束',
    failed: '无法连接',
  },
  connecting: '正在连接…',
  watching: '正在观看共享的标签页',
  watchingNamed: '正在观看 {name} 的标签页',
  ended: '共享已结束',
  failed: '无法观看：{detail}',
  fullscreen: '全屏',
  exitFullscreen: '退出全屏',
  volume: '音量',
  mute: '静音',
  unmute: '取消静音',
  clickToUnmute: '点击以开启声音',
  notATab: '此代码不是用于共享标签页的。',
  errors: {
    CODE_INVALID: '代码无效。{detail}',
    CODE_MISMATCH: '代码不匹配。请索取新的代码。',
    NO_SUCH_CODE: '没有人使用此代码共享。请检查数字，或索取新的代码。',
    CODE_IN_USE: '此代码已被使用。请索取新的代码。',
    SIGNALING_UNREACHABLE: '无法连接到信令服务。',
    SIGNALING_CLOSED: '与信令服务的连接已断开。',
    CONNECTION_FAILED: '找不到通往共享者的直接或中继路径。',
    TIMEOUT: '共享者没有及时响应。',
    PEER_LEFT: '共享者已离开。',
    TAMPERED: '消息在传输中被篡改，可能有人在干扰。',
    other: '出现问题（{detail}）。',
  },
};

export const WEB_TEXTS = { en, zh } as const;
export type WebLanguage = keyof typeof WEB_TEXTS;

/** The first of the person's languages we have: any Chinese picks zh, otherwise English. */
export function pickLanguage(languages: readonly string[]): WebLanguage {
  for (const language of languages) {
    const primary = language.toLowerCase().split('-')[0];
    if (primary === 'zh') return 'zh';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** Fills `{name}` placeholders. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
}
