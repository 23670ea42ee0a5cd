import * as THREE from 'three'
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js'
import { AvatarLayer, animateBody, IDLE_ANIMATION, makeBody, WALK_ANIMATION } from './avatars'
import type { AvatarState } from './protocol'
import { avatarColor, boothAt, type Booth, type SceneDoc, type Transform } from './sceneDoc'

// The hall in three.js, built from the space's scene document. This file (and three.js) is
// loaded only when the hall page opens.
const DEG = Math.PI / 180
const WALK_SPEED = 3.2 // m/s
const CAMERA_OFFSET = new THREE.Vector3(0, 6, 7)
// The camera stays inside the hall's walls, so near the entrance it looks down more steeply.
const CAMERA_WALL_MARGIN = 0.6
// Steps longer than this (a stalled tab) are cut, so nobody jumps across the hall.
const MAX_STEP_SECONDS = 0.5
// Adaptive resolution: when frames are slow (software rendering, old phones), render fewer
// pixels rather than fewer frames.
const SLOW_FRAME_MS = 45
const MIN_PIXEL_RATIO = 0.5
const KEYS: Record<string, [number, number]> = {
  KeyW: [0, -1], ArrowUp: [0, -1], KeyS: [0, 1], ArrowDown: [0, 1],
  KeyA: [-1, 0], ArrowLeft: [-1, 0], KeyD: [1, 0], ArrowRight: [1, 0],
}


const BRAND_GLOW = 0.15 // as the generated booth's "brand" material (spaces/scene/hall_meshes.py)

/** Booth models are generated in the pack's colour; an exhibitor may have chosen another in
 * the booth editor, which the scene document carries as `brand_color`. */
function tintBrand(model: THREE.Object3D, color: string): void {
  model.traverse((object) => {
    const mesh = object as THREE.Mesh
    const material = mesh.material as THREE.MeshStandardMaterial | undefined
    if (!mesh.isMesh || !material || Array.isArray(material) || material.name !== 'brand') return
    const own = material.clone()
    own.color.set(color)
    own.emissive.set(color).multiplyScalar(BRAND_GLOW)
    mesh.material = own
  })
}

export interface HallHooks {
  boothClicked(booth: Booth): void
  avatarClicked(clientId: number, x: number, y: number): void
  boothChanged(booth: Booth | null): void
}

export interface HallView {
  pose(): AvatarState
  setSelf(clientId: number, name: string): void
  placeSelf(x: number, z: number): void
  avatars: AvatarLayer
  emote(clientId: number, emoteId: number): void
  setStick(x: number, z: number): void
  selfPosition(): { x: number; z: number; heading: number }
  walkTo(x: number, z: number): void
  canvas: HTMLCanvasElement
  dispose(): void
}

/** A portrait phone screen sees as much of the hall across as a landscape one. */
function fieldOfView(aspect: number): number {
  return aspect < 1 ? 80 : 55
}

function applyTransform(object: THREE.Object3D, transform: Transform): void {
  object.position.fromArray(transform.position)
  object.rotation.y = (transform.heading_deg ?? 0) * DEG
  const scale = transform.scale ?? 1
  if (Array.isArray(scale)) object.scale.fromArray(scale)
  else object.scale.setScalar(scale)
}

function panelTexture(title: string, body: string): THREE.CanvasTexture {
  const canvas = document.createElement('canvas')
  canvas.width = 1024
  canvas.height = 640
  const context = canvas.getContext('2d')!
  context.fillStyle = '#0f172a'
  context.fillRect(0, 0, 1024, 640)
  context.fillStyle = '#f8fafc'
  context.font = '700 52px system-ui, "Noto Sans CJK SC", sans-serif'
  context.fillText(title.slice(0, 18), 40, 90)
  context.font = '36px system-ui, "Noto Sans CJK SC", sans-serif'
  // Wrap by characters: Chinese has no spaces to break at.
  let line = ''
  let y = 170
  for (const char of body) {
    if (context.measureText(line + char).width > 940) {
      context.fillText(line, 40, y)
      line = ''
      y += 50
      if (y > 600) break
    }
    line += char
  }
  if (y <= 600) context.fillText(line, 40, y)
  const texture = new THREE.CanvasTexture(canvas)
  texture.colorSpace = THREE.SRGBColorSpace
  return texture
}

async function loadModels(scene: THREE.Scene, doc: SceneDoc, models: Record<string, string>,
  boothGroups: THREE.Object3D[]): Promise<void> {
  const loader = new GLTFLoader()
  const load = async (key: string): Promise<THREE.Object3D | null> => {
    const url = models[key]
    if (!url) return null
    try {
      return (await loader.loadAsync(url)).scene
    } catch (err) {
      console.error('model', key, err)
      return null
    }
  }
  const jobs: Promise<void>[] = []
  for (const placed of doc.assets) {
    jobs.push(load(placed.key).then((model) => {
      if (!model) return
      applyTransform(model, placed.transform)
      scene.add(model)
    }))
  }
  for (const booth of doc.booths) {
    const group = new THREE.Group()
    group.position.set(booth.footprint.center[0], 0, booth.footprint.center[1])
    group.rotation.y = (booth.footprint.heading_deg ?? 0) * DEG
    group.userData.boothKey = booth.key
    scene.add(group)
    boothGroups.push(group)
    jobs.push(load(`booth.${booth.key}`).then((model) => {
      if (!model) return
      tintBrand(model, booth.brand_color)
      group.add(model)
    }))
    for (const slot of booth.product_slots) {
      jobs.push(load(`product.${booth.key}.${slot.key}`).then((model) => {
        if (!model) return
        model.position.fromArray(slot.offset)
        model.rotation.y = (slot.heading_deg ?? 0) * DEG
        model.scale.setScalar(slot.scale ?? 1)
        group.add(model)
      }))
    }
  }
  for (const portal of doc.portals) {
    jobs.push(load(`portal.${portal.key}`).then((model) => {
      if (!model) return
      applyTransform(model, { position: portal.position, heading_deg: portal.heading_deg })
      scene.add(model)
    }))
  }
  await Promise.all(jobs)
  // Booth groups answer clicks anywhere on their meshes.
  for (const group of boothGroups) {
    group.traverse((object) => { object.userData.boothKey = group.userData.boothKey })
  }
}

function addEnvironment(scene: THREE.Scene, doc: SceneDoc, locale: string): THREE.Mesh {
  const env = doc.environment ?? {}
  scene.background = new THREE.Color(env.background_color ?? '#0b1220')
  scene.add(new THREE.AmbientLight(env.ambient_color ?? '#ffffff', (env.ambient_intensity ?? 0.5) * 2))
  scene.add(new THREE.HemisphereLight('#f8fafc', '#334155', 1.4))
  const sun = new THREE.DirectionalLight('#fff7ed', 1.6)
  sun.position.set(5, 12, 6)
  scene.add(sun)
  const { min, max } = doc.bounds
  const floor = new THREE.Mesh(
    new THREE.PlaneGeometry(max[0] - min[0], max[2] - min[2]),
    new THREE.MeshStandardMaterial({ color: '#cbd5e1', roughness: 0.9 }),
  )
  floor.rotation.x = -Math.PI / 2
  floor.position.set((min[0] + max[0]) / 2, -0.01, (min[2] + max[2]) / 2)
  floor.name = 'floor'
  scene.add(floor)
  for (const info of doc.info_panels) {
    const zh = locale.startsWith('zh')
    const plane = new THREE.Mesh(
      new THREE.PlaneGeometry(info.size[0], info.size[1]),
      new THREE.MeshBasicMaterial({ map: panelTexture(zh ? info.title_zh : info.title_en, zh ? info.body_zh : info.body_en) }),
    )
    plane.position.set(info.position[0], info.position[1] + info.size[1] / 2 + 0.6, info.position[2])
    plane.rotation.y = (info.heading_deg ?? 0) * DEG
    scene.add(plane)
  }
  return floor
}

export async function createHallView(host: HTMLElement, doc: SceneDoc, models: Record<string, string>,
  locale: string, hooks: HallHooks): Promise<HallView> {
  const width = host.clientWidth || 800
  const height = host.clientHeight || 500
  const renderer = new THREE.WebGLRenderer({ antialias: window.devicePixelRatio < 2 })
  renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2))
  renderer.setSize(width, height)
  renderer.domElement.tabIndex = 0
  host.appendChild(renderer.domElement)
  const scene = new THREE.Scene()
  const camera = new THREE.PerspectiveCamera(fieldOfView(width / height), width / height, 0.1, 300)
  const floor = addEnvironment(scene, doc, locale)
  const boothGroups: THREE.Object3D[] = []
  const avatars = new AvatarLayer(scene)
  const spawn = doc.spawn_points[0]?.position ?? [0, 0, 0]
  const self = { id: 0, position: new THREE.Vector3(spawn[0], 0, spawn[2]), heading: Math.PI, moving: false, phase: 0 }
  let selfBody = makeBody('#64748b', null)
  scene.add(selfBody)
  const held = new Set<string>()
  const stick = new THREE.Vector2()
  let walkTarget: THREE.Vector3 | null = null
  let currentBooth: Booth | null = null
  const { min, max } = doc.bounds

  const onKey = (event: KeyboardEvent, down: boolean) => {
    if (!(event.code in KEYS)) return
    const target = event.target as HTMLElement | null
    if (target && ['INPUT', 'TEXTAREA'].includes(target.tagName)) return
    event.preventDefault()
    if (down) {
      held.add(event.code)
      walkTarget = null
    } else held.delete(event.code)
  }
  const keyDown = (event: KeyboardEvent) => onKey(event, true)
  const keyUp = (event: KeyboardEvent) => onKey(event, false)
  const blur = () => held.clear()
  window.addEventListener('keydown', keyDown)
  window.addEventListener('keyup', keyUp)
  window.addEventListener('blur', blur)

  const raycaster = new THREE.Raycaster()
  const pointer = new THREE.Vector2()
  let downAt: { x: number; y: number } | null = null
  const pointerDown = (event: PointerEvent) => { downAt = { x: event.clientX, y: event.clientY } }
  const pointerUp = (event: PointerEvent) => {
    if (!downAt || Math.hypot(event.clientX - downAt.x, event.clientY - downAt.y) > 6) return
    const rect = renderer.domElement.getBoundingClientRect()
    pointer.set(((event.clientX - rect.left) / rect.width) * 2 - 1, -((event.clientY - rect.top) / rect.height) * 2 + 1)
    raycaster.setFromCamera(pointer, camera)
    const hit = raycaster.intersectObjects([...avatars.clickTargets(), ...boothGroups, floor], true)[0]
    if (!hit) return
    const data = hit.object.userData
    if (typeof data.clientId === 'number') hooks.avatarClicked(data.clientId, event.clientX, event.clientY)
    else if (typeof data.boothKey === 'string') {
      const booth = doc.booths.find((b) => b.key === data.boothKey)
      if (booth) hooks.boothClicked(booth)
    } else walkTarget = new THREE.Vector3(hit.point.x, 0, hit.point.z)
  }
  renderer.domElement.addEventListener('pointerdown', pointerDown)
  renderer.domElement.addEventListener('pointerup', pointerUp)

  const resize = new ResizeObserver(() => {
    const w = host.clientWidth
    const h = host.clientHeight
    if (!w || !h) return
    renderer.setSize(w, h)
    camera.aspect = w / h
    camera.fov = fieldOfView(camera.aspect)
    camera.updateProjectionMatrix()
  })
  resize.observe(host)

  function step(dt: number): void {
    const direction = new THREE.Vector3(stick.x, 0, stick.y)
    for (const code of held) {
      const [dx, dz] = KEYS[code]!
      direction.x += dx
      direction.z += dz
    }
    if (walkTarget && direction.lengthSq() === 0) {
      direction.subVectors(walkTarget, self.position).setY(0)
      if (direction.length() < 0.1) walkTarget = null
    }
    self.moving = direction.lengthSq() > 0.0001
    if (self.moving) {
      const distance = Math.min(WALK_SPEED * dt * Math.min(direction.length(), 1), walkTarget ? direction.length() : Infinity)
      direction.normalize()
      self.position.addScaledVector(direction, distance)
      self.position.x = THREE.MathUtils.clamp(self.position.x, min[0] + 0.5, max[0] - 0.5)
      self.position.z = THREE.MathUtils.clamp(self.position.z, min[2] + 0.5, max[2] - 0.5)
      self.heading = Math.atan2(direction.x, direction.z)
    }
    self.phase += dt
    selfBody.position.copy(self.position)
    selfBody.rotation.y = self.heading
    animateBody(selfBody, self.moving ? WALK_ANIMATION : IDLE_ANIMATION, self.phase)
    camera.position.copy(self.position).add(CAMERA_OFFSET)
    camera.position.x = THREE.MathUtils.clamp(camera.position.x, min[0] + CAMERA_WALL_MARGIN, max[0] - CAMERA_WALL_MARGIN)
    camera.position.z = THREE.MathUtils.clamp(camera.position.z, min[2] + CAMERA_WALL_MARGIN, max[2] - CAMERA_WALL_MARGIN)
    camera.lookAt(self.position.x, 1.0, self.position.z - 1.5)
    const booth = boothAt(doc.booths, self.position.x, self.position.z)
    if (booth?.key !== currentBooth?.key) {
      currentBooth = booth
      hooks.boothChanged(booth)
    }
  }

  let frame = 0
  let last = performance.now()
  let slowFrames = 0
  const adaptResolution = (frameMs: number) => {
    slowFrames = frameMs > SLOW_FRAME_MS ? slowFrames + 1 : 0
    const ratio = renderer.getPixelRatio()
    if (slowFrames >= 5 && ratio > MIN_PIXEL_RATIO) {
      renderer.setPixelRatio(Math.max(MIN_PIXEL_RATIO, ratio * 0.7))
      slowFrames = 0
    }
  }
  const render = (now: number) => {
    const dt = Math.min((now - last) / 1000, MAX_STEP_SECONDS)
    adaptResolution(now - last)
    last = now
    step(dt)
    avatars.frame(dt, now / 1000, self.position)
    renderer.render(scene, camera)
    frame = requestAnimationFrame(render)
  }
  await loadModels(scene, doc, models, boothGroups)
  frame = requestAnimationFrame(render)

  return {
    avatars,
    canvas: renderer.domElement,
    pose: () => {
      const heading = Math.round((((self.heading / DEG) % 360) + 360) % 360 * 100) % 36000
      return [Math.round(self.position.x * 100), 0, Math.round(self.position.z * 100), heading,
        self.moving ? WALK_ANIMATION : IDLE_ANIMATION]
    },
    setSelf(clientId: number, name: string) {
      self.id = clientId
      scene.remove(selfBody)
      selfBody = makeBody(avatarColor(clientId), name)
      scene.add(selfBody)
    },
    placeSelf(x: number, z: number) {
      self.position.set(x, 0, z)
    },
    emote(clientId: number, emoteId: number) {
      avatars.showEmote(clientId, emoteId, clientId === self.id ? selfBody : null, performance.now() / 1000)
    },
    setStick(x: number, z: number) {
      stick.set(x, z)
      if (x || z) walkTarget = null
    },
    selfPosition: () => ({ x: self.position.x, z: self.position.z, heading: self.heading }),
    walkTo(x: number, z: number) {
      walkTarget = new THREE.Vector3(x, 0, z)
    },
    dispose() {
      cancelAnimationFrame(frame)
      window.removeEventListener('keydown', keyDown)
      window.removeEventListener('keyup', keyUp)
      window.removeEventListener('blur', blur)
      resize.disconnect()
      avatars.dispose()
      renderer.dispose()
      renderer.domElement.remove()
    },
  }
}
