import { onBeforeUnmount, onMounted, ref } from 'vue'

export interface LiveUpdate {
  id: string
  type?: string
  values?: Record<string, unknown>
  observedAt?: string | null
  deleted?: boolean
}

export type FeedStatus = 'connecting' | 'open' | 'closed'

const RETRY_MS = 3000
const REFUSED = new Set([4401, 4403]) // not signed in / not allowed: retrying would not help

/** The twin's live feed (/ws/twin): reconnects after a drop until the page goes away. */
export function useLiveFeed(onUpdate: (updates: LiveUpdate[]) => void) {
  const status = ref<FeedStatus>('connecting')
  let socket: WebSocket | null = null
  let retry: ReturnType<typeof setTimeout> | null = null
  let stopped = false

  function connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    status.value = 'connecting'
    socket = new WebSocket(`${scheme}://${location.host}/ws/twin`)
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { kind: string; entities?: LiveUpdate[] }
      if (message.kind === 'hello') status.value = 'open'
      else if (message.kind === 'update' && message.entities) onUpdate(message.entities)
    }
    socket.onclose = (event) => {
      status.value = 'closed'
      if (!stopped && !REFUSED.has(event.code)) retry = setTimeout(connect, RETRY_MS)
    }
  }

  onMounted(connect)
  onBeforeUnmount(() => {
    stopped = true
    if (retry) clearTimeout(retry)
    socket?.close()
  })
  return { status }
}
