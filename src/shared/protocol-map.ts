import type { DeviceView, SessionView, Settings } from './session-view.js';

/**
 * The one typed message protocol between extension contexts. Each context owns a map of
 * methods; callers use `call(target, method, params)` from messaging.ts, never bare strings.
 * Every method takes at most one params object and may answer asynchronously.
 */
export interface Methods {
  background: {
    startSend(): SessionView;
    startReceive(params: { code: string }): SessionView;
    getSession(): SessionView | null;
    sendText(params: { text: string }): void;
    closeSession(): void;
    rememberPeer(): void;
    listDevices(): DeviceView[];
    connectDevice(params: { id: string }): SessionView;
    unpairDevice(params: { id: string }): void;
    getSettings(): Settings;
    setSettings(params: Partial<Settings>): Settings;
  };
  offscreen: {
    configure(params: { settings: Settings }): void;
    startSend(params: { settings: Settings }): SessionView;
    startReceive(params: { code: string; settings: Settings }): SessionView;
    getSession(): SessionView | null;
    sendText(params: { text: string }): void;
    closeSession(): void;
    rememberPeer(): void;
    listDevices(): DeviceView[];
    connectDevice(params: { id: string }): SessionView;
    unpairDevice(params: { id: string }): void;
    ping(): 'pong';
  };
  popup: {
    sessionChanged(params: SessionView): void;
    devicesChanged(params: DeviceView[]): void;
  };
}

export type Target = keyof Methods;
export type MethodName<T extends Target> = keyof Methods[T] & string;
type Fn<T extends Target, M extends MethodName<T>> = Methods[T][M] extends (
  ...args: infer A
) => infer R
  ? (...args: A) => R
  : never;
export type Params<T extends Target, M extends MethodName<T>> = Parameters<Fn<T, M>>;
export type Result<T extends Target, M extends MethodName<T>> = Awaited<ReturnType<Fn<T, M>>>;

export type Handlers<T extends Target> = {
  [M in MethodName<T>]: (...args: Params<T, M>) => Result<T, M> | Promise<Result<T, M>>;
};
