/**
 * The ceiling for `npm run bench -- signaling`: the same protocol as signaling/ with nothing
 * but the routing (no validation, no limits, no heartbeat, no logs, no metrics). PORT from env.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../src/core/protocol.js';

const waiting = new Map<string, WebSocket>();
const peers = new Map<WebSocket, WebSocket>();
let nameplate = 0;
const paired = '{"type":"paired","iceServers":[]}';

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.env.PORT) });
wss.on('listening', () => console.log('minimal relay listening'));
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const text = (data as Buffer).toString();
    const frame = JSON.parse(text) as { type: string; nameplate?: string };
    if (frame.type === 'relay') return peers.get(ws)?.send(text);
    if (frame.type === 'hello')
      return ws.send(
        JSON.stringify({ type: 'welcome', v: PROTOCOL_VERSION, maxFrameBytes: 65536 }),
      );
    if (frame.type === 'allocate') {
      waiting.set(String(++nameplate), ws);
      return ws.send(`{"type":"allocated","nameplate":"${nameplate}"}`);
    }
    const other = frame.type === 'claim' && waiting.get(frame.nameplate ?? '');
    if (!other) return;
    waiting.delete(frame.nameplate ?? '');
    peers.set(ws, other).set(other, ws);
    ws.send(`{"type":"claimed","nameplate":"${frame.nameplate}"}`);
    ws.send(paired);
    other.send(paired);
  });
  ws.on('close', () => peers.delete(ws));
  ws.on('error', () => {});
});
