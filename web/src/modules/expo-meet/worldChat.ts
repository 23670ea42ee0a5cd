import { ref, shallowRef } from 'vue'
import { decode, encode, type Unpacked } from './msgpack'

// The parts of the world-server protocol (docs/protocol.md) the negotiation room uses:
// hello → welcome, chat both ways, avatar names, errors, and acks for world updates.
const VERSION = 1
const T = { hello: 1, welcome: 2, leave: 3, worldUpdate: 5, ack: 6, chat: 7, error: 11, avatarInfo: 12 } as const

export interface ChatLine {
  senderId: number
  name: string
  text: string
  mine: boolean
}

export type RoomState = 'connecting' | 'joined' | 'refused' | 'closed'

export function useWorldChat() {
  const state = ref<RoomState>('connecting')
  const lines = ref<ChatLine[]>([])
  const people = ref<Record<number, string>>({})
  const problem = ref('')
  const clientId = ref(0)
  const socket = shallowRef<WebSocket | null>(null)

  function join(worldUrl: string, space: string, hint: string): void {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = new WebSocket(`${scheme}//${location.host}${worldUrl}`)
    ws.binaryType = 'arraybuffer'
    socket.value = ws
    state.value = 'connecting'
    ws.onopen = () => ws.send(encode([VERSION, T.hello, space, hint, null, null]))
    ws.onmessage = (event) => receive(decode(event.data as ArrayBuffer))
    ws.onclose = (event) => {
      if (state.value !== 'refused') state.value = event.code >= 4000 && state.value === 'connecting' ? 'refused' : 'closed'
      if (event.code >= 4000 && !problem.value) problem.value = event.reason
    }
  }

  function receive(frame: Unpacked): void {
    if (!Array.isArray(frame)) return
    const [, type, ...fields] = frame
    if (type === T.welcome) {
      clientId.value = Number(fields[0])
      state.value = 'joined'
    } else if (type === T.chat) {
      const senderId = Number(fields[2])
      lines.value = [...lines.value, {
        senderId, text: String(fields[1]), name: people.value[senderId] ?? '', mine: senderId === clientId.value,
      }]
    } else if (type === T.avatarInfo) {
      people.value = { ...people.value, [Number(fields[0])]: String(fields[1]) }
    } else if (type === T.error) {
      problem.value = String(fields[0])
      if (state.value === 'connecting') state.value = 'refused'
    } else if (type === T.worldUpdate) {
      socket.value?.send(encode([VERSION, T.ack, Number(fields[0])]))
    }
  }

  function say(text: string): void {
    const words = text.trim()
    if (words && socket.value?.readyState === WebSocket.OPEN) {
      socket.value.send(encode([VERSION, T.chat, 'hall', words, 0]))
    }
  }

  function leave(): void {
    const ws = socket.value
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(encode([VERSION, T.leave, '']))
      ws.close(1000)
    }
    socket.value = null
  }

  return { state, lines, people, problem, clientId, join, say, leave }
}
