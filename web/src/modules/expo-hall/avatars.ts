import * as THREE from 'three'
import type { AvatarState } from './protocol'
import { avatarColor } from './sceneDoc'

// How many avatars get a full body with a name tag; the rest are one InstancedMesh (a single
// draw call), which keeps 200+ visible avatars smooth on a phone.
const NEAR_COUNT = 24
const NEAR_RANGE_M = 18
const FAR_CAPACITY = 2048
// Exponential smoothing towards the newest state: close to where the server says, no jumps.
const FOLLOW_RATE = 10
export const WALK_ANIMATION = 1
export const IDLE_ANIMATION = 0
const EMOTE_GLYPHS = ['👋', '👏', '❤️', '👍', '😄']
const EMOTE_SECONDS = 2.5

export interface AvatarInfoView {
  name: string
  role: string
}

interface Tracked {
  id: number
  target: THREE.Vector3
  position: THREE.Vector3
  heading: number
  animation: number
  phase: number
  body: THREE.Group | null
  emote: { sprite: THREE.Sprite; until: number } | null
}

const capsule = new THREE.CapsuleGeometry(0.28, 0.8, 4, 10)
const head = new THREE.SphereGeometry(0.22, 14, 10)
const farBody = new THREE.CapsuleGeometry(0.3, 1.1, 2, 6)

function textSprite(text: string, background: string, height: number): THREE.Sprite {
  const canvas = document.createElement('canvas')
  const context = canvas.getContext('2d')!
  const font = '600 44px system-ui, "Noto Sans CJK SC", sans-serif'
  context.font = font
  const width = Math.ceil(context.measureText(text).width) + 36
  canvas.width = width
  canvas.height = 64
  context.font = font
  context.fillStyle = background
  context.beginPath()
  context.roundRect(0, 0, width, 64, 18)
  context.fill()
  context.fillStyle = '#ffffff'
  context.textBaseline = 'middle'
  context.fillText(text, 18, 34)
  const texture = new THREE.CanvasTexture(canvas)
  texture.colorSpace = THREE.SRGBColorSpace
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: texture, depthTest: false }))
  sprite.scale.set((height * width) / 64, height, 1)
  sprite.renderOrder = 10
  return sprite
}

export function makeBody(color: string, name: string | null): THREE.Group {
  const group = new THREE.Group()
  const material = new THREE.MeshStandardMaterial({ color, roughness: 0.6 })
  const torso = new THREE.Mesh(capsule, material)
  torso.position.y = 0.68
  torso.name = 'torso'
  const skull = new THREE.Mesh(head, new THREE.MeshStandardMaterial({ color: '#f1d3b3', roughness: 0.8 }))
  skull.position.y = 1.5
  skull.name = 'head'
  group.add(torso, skull)
  if (name) {
    const tag = textSprite(name, 'rgba(15, 23, 42, 0.72)', 0.32)
    tag.position.y = 2.0
    tag.name = 'tag'
    group.add(tag)
  }
  return group
}

/** Walk: a bob and a sway; idle: a slow breath. `phase` runs with time. */
export function animateBody(body: THREE.Group, animation: number, phase: number): void {
  const torso = body.getObjectByName('torso')
  const skull = body.getObjectByName('head')
  if (!torso || !skull) return
  const walking = animation === WALK_ANIMATION
  const bob = walking ? Math.abs(Math.sin(phase * 9)) * 0.08 : Math.sin(phase * 2) * 0.015
  torso.position.y = 0.68 + bob
  skull.position.y = 1.5 + bob
  torso.rotation.z = walking ? Math.sin(phase * 9) * 0.08 : 0
}

/** Everyone else's avatars: interpolated, near ones in full, far ones as instances. */
export class AvatarLayer {
  private tracked = new Map<number, Tracked>()
  private infos = new Map<number, AvatarInfoView>()
  private far: THREE.InstancedMesh
  private matrix = new THREE.Matrix4()
  private color = new THREE.Color()
  nearIds = new Set<number>()

  constructor(private scene: THREE.Scene) {
    this.far = new THREE.InstancedMesh(farBody, new THREE.MeshLambertMaterial(), FAR_CAPACITY)
    this.far.count = 0
    this.far.frustumCulled = false
    scene.add(this.far)
  }

  setInfo(id: number, info: AvatarInfoView): void {
    this.infos.set(id, info)
    const tracked = this.tracked.get(id)
    if (tracked?.body) this.dropBody(tracked) // rebuilt with the name tag on the next frame
  }

  info(id: number): AvatarInfoView | undefined {
    return this.infos.get(id)
  }

  /** The newest decoded world, without the local avatar. */
  update(world: Map<number, AvatarState>, selfId: number): void {
    for (const [id, state] of world) {
      if (id === selfId) continue
      const target = new THREE.Vector3(state[0] / 100, state[1] / 100, state[2] / 100)
      const known = this.tracked.get(id)
      if (known) {
        known.target.copy(target)
        known.heading = (state[3] / 100) * (Math.PI / 180)
        known.animation = state[4]
      } else {
        this.tracked.set(id, {
          id, target, position: target.clone(), heading: (state[3] / 100) * (Math.PI / 180),
          animation: state[4], phase: Math.random() * 10, body: null, emote: null,
        })
      }
    }
    for (const [id, tracked] of this.tracked) {
      if (!world.has(id) || id === selfId) {
        this.dropBody(tracked)
        if (tracked.emote) this.scene.remove(tracked.emote.sprite)
        this.tracked.delete(id)
      }
    }
  }

  showEmote(id: number, emoteId: number, at: THREE.Object3D | null, now: number): void {
    const sprite = textSprite(EMOTE_GLYPHS[emoteId] ?? '✨', 'rgba(255, 255, 255, 0.85)', 0.5)
    const tracked = this.tracked.get(id)
    if (tracked) {
      if (tracked.emote) this.scene.remove(tracked.emote.sprite)
      tracked.emote = { sprite, until: now + EMOTE_SECONDS }
      this.scene.add(sprite)
    } else if (at) {
      sprite.position.set(0, 2.5, 0)
      at.add(sprite)
      window.setTimeout(() => at.remove(sprite), EMOTE_SECONDS * 1000)
    }
  }

  /** Per frame: move towards targets, pick the near ones, fill the instances. */
  frame(dt: number, now: number, viewer: THREE.Vector3): void {
    const follow = 1 - Math.exp(-FOLLOW_RATE * dt)
    const ranked = [...this.tracked.values()]
    for (const tracked of ranked) {
      tracked.position.lerp(tracked.target, follow)
      tracked.phase += dt
    }
    ranked.sort((a, b) => a.position.distanceToSquared(viewer) - b.position.distanceToSquared(viewer))
    this.nearIds.clear()
    let instances = 0
    ranked.forEach((tracked, index) => {
      const near = index < NEAR_COUNT && tracked.position.distanceTo(viewer) < NEAR_RANGE_M
      if (near) {
        this.nearIds.add(tracked.id)
        this.placeBody(tracked)
      } else {
        this.dropBody(tracked)
        if (instances < FAR_CAPACITY) this.placeInstance(tracked, instances++)
      }
      if (tracked.emote) {
        tracked.emote.sprite.position.copy(tracked.position).setY(tracked.position.y + 2.5)
        if (now > tracked.emote.until) {
          this.scene.remove(tracked.emote.sprite)
          tracked.emote = null
        }
      }
    })
    this.far.count = instances
    this.far.instanceMatrix.needsUpdate = true
    if (this.far.instanceColor) this.far.instanceColor.needsUpdate = true
  }

  /** Positions for the minimap and the test list, in metres. */
  positions(): { id: number; x: number; z: number; near: boolean }[] {
    return [...this.tracked.values()].map((t) => ({
      id: t.id, x: t.position.x, z: t.position.z, near: this.nearIds.has(t.id),
    }))
  }

  clickTargets(): THREE.Object3D[] {
    return [...this.tracked.values()].flatMap((t) => (t.body ? [t.body] : []))
  }

  dispose(): void {
    for (const tracked of this.tracked.values()) this.dropBody(tracked)
    this.scene.remove(this.far)
    this.far.dispose()
  }

  private placeBody(tracked: Tracked): void {
    if (!tracked.body) {
      tracked.body = makeBody(avatarColor(tracked.id), this.infos.get(tracked.id)?.name ?? null)
      tracked.body.traverse((object) => { object.userData.clientId = tracked.id })
      this.scene.add(tracked.body)
    }
    tracked.body.position.copy(tracked.position)
    tracked.body.rotation.y = tracked.heading
    animateBody(tracked.body, tracked.animation, tracked.phase)
  }

  private placeInstance(tracked: Tracked, index: number): void {
    this.matrix.makeRotationY(tracked.heading).setPosition(tracked.position.x, tracked.position.y + 0.85, tracked.position.z)
    this.far.setMatrixAt(index, this.matrix)
    this.far.setColorAt(index, this.color.setStyle(avatarColor(tracked.id)))
  }

  private dropBody(tracked: Tracked): void {
    if (!tracked.body) return
    this.scene.remove(tracked.body)
    tracked.body.traverse((object) => {
      if (object instanceof THREE.Sprite) {
        object.material.map?.dispose()
        object.material.dispose()
      } else if (object instanceof THREE.Mesh) {
        ;(object.material as THREE.Material).dispose()
      }
    })
    tracked.body = null
  }
}
