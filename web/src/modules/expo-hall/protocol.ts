import { decode, encode } from '@msgpack/msgpack'

// The world server's wire format (docs/protocol.md, version 1): each frame is one msgpack
// array [version, type, fields...] with integer units (centimetres, centidegrees).
export const PROTOCOL_VERSION = 1

export const MessageType = {
  hello: 1,
  welcome: 2,
  leave: 3,
  pose: 4,
  worldUpdate: 5,
  ack: 6,
  chat: 7,
  emote: 8,
  interact: 9,
  moderation: 10,
  error: 11,
  avatarInfo: 12,
} as const

export type ChatScope = 'nearby' | 'hall'
export type ModerationAction = 'mute' | 'kick' | 'ban'
export type AvatarRole = 'member' | 'guest' | 'host'

/** One avatar's state as sent: x, y, z in cm, heading in centidegrees, animation id. */
export type AvatarState = [number, number, number, number, number]

export type ServerMessage =
  | { type: 'welcome'; clientId: number; instanceId: string; resumeToken: string; tickRateHz: number }
  | { type: 'leave'; reason: string }
  | { type: 'worldUpdate'; tick: number; baselineTick: number; fullRate: number[]; lowRate: number[]; removed: number[] }
  | { type: 'chat'; scope: ChatScope; text: string; senderId: number }
  | { type: 'emote'; emoteId: number; senderId: number }
  | { type: 'moderation'; action: ModerationAction; targetId: number; reason: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'avatarInfo'; clientId: number; name: string; role: AvatarRole }

function frame(type: number, ...fields: unknown[]): Uint8Array {
  return encode([PROTOCOL_VERSION, type, ...fields])
}

export const encodeMessage = {
  hello: (space: string, instanceHint: string | null, guestName: string | null, resumeToken: string | null) =>
    frame(MessageType.hello, space, instanceHint, guestName, resumeToken),
  leave: (reason: string) => frame(MessageType.leave, reason),
  pose: (state: AvatarState) => frame(MessageType.pose, ...state),
  ack: (tick: number) => frame(MessageType.ack, tick),
  chat: (scope: ChatScope, text: string) => frame(MessageType.chat, scope, text, 0),
  emote: (emoteId: number) => frame(MessageType.emote, emoteId, 0),
  interact: (action: 'enter_booth' | 'open_product', target: string) => frame(MessageType.interact, action, target),
  moderation: (action: ModerationAction, targetId: number, reason: string) =>
    frame(MessageType.moderation, action, targetId, reason),
}

/** Decodes one server frame; null for a frame this client does not understand (ignored). */
export function decodeMessage(data: ArrayBuffer | Uint8Array): ServerMessage | null {
  const value = decode(data instanceof Uint8Array ? data : new Uint8Array(data))
  if (!Array.isArray(value) || value[0] !== PROTOCOL_VERSION) return null
  const f = value.slice(2) as never[]
  switch (value[1]) {
    case MessageType.welcome:
      return { type: 'welcome', clientId: f[0], instanceId: f[1], resumeToken: f[2], tickRateHz: f[3] }
    case MessageType.leave:
      return { type: 'leave', reason: f[0] }
    case MessageType.worldUpdate:
      return { type: 'worldUpdate', tick: f[0], baselineTick: f[1], fullRate: f[2], lowRate: f[3], removed: f[4] }
    case MessageType.chat:
      return { type: 'chat', scope: f[0], text: f[1], senderId: f[2] }
    case MessageType.emote:
      return { type: 'emote', emoteId: f[0], senderId: f[1] }
    case MessageType.moderation:
      return { type: 'moderation', action: f[0], targetId: f[1], reason: f[2] }
    case MessageType.error:
      return { type: 'error', code: f[0], message: f[1] }
    case MessageType.avatarInfo:
      return { type: 'avatarInfo', clientId: f[0], name: f[1], role: f[2] }
    default:
      return null
  }
}

/**
 * Rebuilds the world from delta-encoded updates. Each update is relative to the world at its
 * baseline tick (the newest the client acknowledged), so the client keeps the worlds of ticks
 * it received since then and forgets older ones.
 */
export class WorldDecoder {
  private worlds = new Map<number, Map<number, AvatarState>>()

  apply(update: { tick: number; baselineTick: number; fullRate: number[]; lowRate: number[]; removed: number[] }): Map<number, AvatarState> {
    const base = update.baselineTick === 0 ? undefined : this.worlds.get(update.baselineTick)
    const world = new Map<number, AvatarState>(base ? [...base].map(([id, s]) => [id, [...s] as AvatarState]) : [])
    for (const id of update.removed) world.delete(id)
    applyEntries(world, update.fullRate)
    applyEntries(world, update.lowRate)
    this.worlds.set(update.tick, world)
    for (const tick of this.worlds.keys()) {
      if (tick < update.baselineTick) this.worlds.delete(tick)
    }
    return world
  }

  reset(): void {
    this.worlds.clear()
  }
}

function applyEntries(world: Map<number, AvatarState>, entries: number[]): void {
  let i = 0
  while (i + 1 < entries.length) {
    const id = entries[i++]!
    const mask = entries[i++]!
    const state: AvatarState = [...(world.get(id) ?? [0, 0, 0, 0, 0])] as AvatarState
    for (let bit = 0; bit < 5; bit++) {
      if (mask & (1 << bit)) state[bit] = entries[i++]!
    }
    world.set(id, state)
  }
}
