// The parts of a space's scene document (modules/spaces/scene/scene.schema.json) the hall page
// reads. The API hands the document over as loose JSON; these types name what is used.
export type Vec2 = [number, number]
export type Vec3 = [number, number, number]

export interface Transform {
  position: Vec3
  heading_deg?: number | null
  scale?: number | Vec3 | null
}

export interface ProductSlot {
  key: string
  asset: string
  offset: Vec3
  heading_deg?: number
  scale?: number
  label_zh: string
  label_en: string
}

export interface Booth {
  key: string
  enterprise_key: string
  brand_color: string
  footprint: { center: Vec2; size: Vec2; heading_deg?: number }
  entrance: Vec3
  panel: { text_zh: string; text_en: string }
  product_slots: ProductSlot[]
}

export interface Portal {
  key: string
  target_space: string
  position: Vec3
  heading_deg?: number
  radius: number
  color: string
  label_zh: string
  label_en: string
}

export interface InfoPanel {
  key: string
  position: Vec3
  heading_deg?: number
  size: Vec2
  title_zh: string
  title_en: string
  body_zh: string
  body_en: string
}

export interface SceneDoc {
  key: string
  name_zh: string
  name_en: string
  kind: string
  bounds: { min: Vec3; max: Vec3 }
  environment?: { background_color?: string; ambient_color?: string; ambient_intensity?: number }
  assets: { key: string; asset: string; transform: Transform }[]
  spawn_points: { key: string; position: Vec3; heading_deg?: number }[]
  booths: Booth[]
  portals: Portal[]
  info_panels: InfoPanel[]
}

const DEG = Math.PI / 180

/** Floor (x, z) to a booth's frame (x right, z towards its open front); as scene/document.py. */
export function toBoothLocal(booth: Booth, x: number, z: number): Vec2 {
  const angle = (booth.footprint.heading_deg ?? 0) * DEG
  const dx = x - booth.footprint.center[0]
  const dz = z - booth.footprint.center[1]
  return [dx * Math.cos(angle) - dz * Math.sin(angle), dx * Math.sin(angle) + dz * Math.cos(angle)]
}

/** Distance from a floor point to the booth's footprint; zero inside. */
export function boothDistance(booth: Booth, x: number, z: number): number {
  const [lx, lz] = toBoothLocal(booth, x, z)
  const [w, d] = booth.footprint.size
  return Math.hypot(Math.max(Math.abs(lx) - w / 2, 0), Math.max(Math.abs(lz) - d / 2, 0))
}

/** The booth a visitor at (x, z) stands in, if any (within reach of its edge). */
export function boothAt(booths: Booth[], x: number, z: number, reach = 0.3): Booth | null {
  let best: Booth | null = null
  let bestDistance = reach
  for (const booth of booths) {
    const distance = boothDistance(booth, x, z)
    if (distance <= bestDistance) {
      best = booth
      bestDistance = distance
    }
  }
  return best
}

/** A stable colour per visitor, so everyone sees the same person in the same colour. */
export function avatarColor(clientId: number): string {
  const hue = (clientId * 137.508) % 360
  return `hsl(${hue.toFixed(0)}, 65%, 52%)`
}
