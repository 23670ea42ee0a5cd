import {
  decodeMessage,
  encodeMessage,
  WorldDecoder,
  type AvatarState,
  type ChatScope,
  type ModerationAction,
  type ServerMessage,
} from './protocol'

// The server keeps a dropped avatar for 30 s; a resume attempt after that would only make a
// second avatar, so the client stops resuming and joins afresh.
const RESUME_WINDOW_MS = 30_000
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000]
// Close codes after which reconnecting would be refused again (docs/protocol.md).
const FINAL_CLOSE_CODES = new Set([4001, 4003, 4004, 4009])

/** One line of the chat panel. */
export interface ChatLine {
  key: string
  scope: ChatScope
  sender: string
  text: string
  at: string
}

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'closed'

export interface WorldEvents {
  status(status: ConnectionStatus, detail?: { code: number; reason: string }): void
  welcome(clientId: number, instanceId: string, resumed: boolean): void
  world(avatars: Map<number, AvatarState>): void
  message(message: ServerMessage): void
}

export interface WorldClientOptions {
  space: string
  guestName: string | null
  /** The local avatar's pose, read at the announced tick rate. */
  pose(): AvatarState
}

/** One visitor's socket to the world server: join, resume on reconnect, poses and acks. */
export class WorldClient {
  clientId = 0
  tickRateHz = 10
  private socket: WebSocket | null = null
  private decoder = new WorldDecoder()
  private resumeToken: string | null = null
  private droppedAt = 0
  private attempt = 0
  private poseTimer: number | undefined
  private retryTimer: number | undefined
  private lastSentPose = ''
  private stopped = false
  private lastError: { code: string; message: string } | null = null

  constructor(private options: WorldClientOptions, private events: WorldEvents) {}

  start(): void {
    this.stopped = false
    this.open()
  }

  stop(): void {
    this.stopped = true
    window.clearInterval(this.poseTimer)
    window.clearTimeout(this.retryTimer)
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeMessage.leave(''))
    this.socket?.close(1000)
    this.socket = null
  }

  chat(scope: ChatScope, text: string): void {
    this.send(encodeMessage.chat(scope, text))
  }

  emote(emoteId: number): void {
    this.send(encodeMessage.emote(emoteId))
  }

  enterBooth(boothKey: string): void {
    this.send(encodeMessage.interact('enter_booth', boothKey))
  }

  openProduct(productKey: string): void {
    this.send(encodeMessage.interact('open_product', productKey))
  }

  moderate(action: ModerationAction, targetId: number, reason: string): void {
    this.send(encodeMessage.moderation(action, targetId, reason))
  }

  /** For tests and the page: drop the socket as a network failure would (no leave). */
  dropConnection(): void {
    this.socket?.close(4999)
  }

  private send(frame: Uint8Array): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(frame)
  }

  private open(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    const socket = new WebSocket(`${scheme}://${location.host}/ws/world/${this.options.space}`)
    socket.binaryType = 'arraybuffer'
    this.socket = socket
    const resuming = this.resumeToken !== null && Date.now() - this.droppedAt < RESUME_WINDOW_MS
    this.events.status(this.attempt === 0 ? 'connecting' : 'reconnecting')
    socket.onopen = () => {
      socket.send(encodeMessage.hello(this.options.space, null, this.options.guestName,
        resuming ? this.resumeToken : null))
    }
    socket.onmessage = (event) => this.receive(event.data as ArrayBuffer, resuming)
    socket.onclose = (event) => this.closed(socket, event)
  }

  private receive(data: ArrayBuffer, resuming: boolean): void {
    const message = decodeMessage(data)
    if (message === null) return
    if (message.type === 'welcome') {
      this.clientId = message.clientId
      this.tickRateHz = message.tickRateHz
      this.resumeToken = message.resumeToken
      this.attempt = 0
      this.decoder.reset()
      this.startPoses()
      this.events.status('online')
      this.events.welcome(message.clientId, message.instanceId, resuming)
      return
    }
    if (message.type === 'worldUpdate') {
      this.events.world(this.decoder.apply(message))
      this.send(encodeMessage.ack(message.tick))
      return
    }
    if (message.type === 'error') this.lastError = message
    this.events.message(message)
  }

  /** Poses go out at the server's tick rate, and only when they changed. */
  private startPoses(): void {
    window.clearInterval(this.poseTimer)
    this.lastSentPose = ''
    this.poseTimer = window.setInterval(() => {
      const pose = this.options.pose()
      const key = pose.join(',')
      if (key === this.lastSentPose) return
      this.lastSentPose = key
      this.send(encodeMessage.pose(pose))
    }, 1000 / this.tickRateHz)
  }

  private closed(socket: WebSocket, event: CloseEvent): void {
    if (socket !== this.socket) return
    window.clearInterval(this.poseTimer)
    if (this.stopped) return
    const reason = event.reason || this.lastError?.message || ''
    if (FINAL_CLOSE_CODES.has(event.code) || event.code === 1000) {
      this.events.status('closed', { code: event.code, reason })
      return
    }
    if (this.attempt === 0) this.droppedAt = Date.now()
    const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)]!
    this.attempt += 1
    this.events.status('reconnecting', { code: event.code, reason })
    this.retryTimer = window.setTimeout(() => this.open(), delay)
  }
}
