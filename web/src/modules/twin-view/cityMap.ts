// The map itself: MapLibre with a blank style (no tiles, glyphs or fonts from anywhere) and
// deck.gl layers drawn from the twin's own data. Imported lazily, so the rest of the site
// never loads the WebGL libraries.
import * as maplibregl from 'maplibre-gl'
import type { StyleSpecification } from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
import { MapboxOverlay } from '@deck.gl/mapbox'
import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers'
import type { Layer, PickingInfo } from '@deck.gl/core'
import type { LayerFeature, LayerName, SensorState } from './types'

const BLANK_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e9edf1' } }],
}
const KUNSHAN: [number, number] = [120.98, 31.385]

export interface CityScene {
  features: LayerFeature[]
  sensors: SensorState[]
  visible: Record<LayerName, boolean>
  selectedId: string | null
  /** Changes whenever sensor colours change, so deck.gl recomputes them. */
  version: number
}

export interface CityMap {
  draw(scene: CityScene): void
  fitTo(features: LayerFeature[]): void
  flyTo(feature: LayerFeature): void
  destroy(): void
}

type Position = [number, number]

/** A point to fly to or put a label at: the point itself or the middle of the shape's box. */
export function anchorOf(geometry: LayerFeature['geometry']): Position {
  const points: Position[] = []
  const walk = (node: unknown): void => {
    if (Array.isArray(node) && typeof node[0] === 'number') points.push([node[0], node[1] as number])
    else if (Array.isArray(node)) node.forEach(walk)
  }
  walk(geometry.coordinates)
  if (points.length === 0) return KUNSHAN
  const lons = points.map((p) => p[0])
  const lats = points.map((p) => p[1])
  return [(Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2]
}

function heightOf(feature: LayerFeature): number {
  const height = feature.properties.values.height
  return typeof height === 'number' && height > 0 ? height : 10
}

export function createCityMap(
  container: HTMLElement,
  onPick: (id: string | null) => void,
  onRendered: () => void,
): CityMap {
  const map = new maplibregl.Map({
    container,
    style: BLANK_STYLE,
    center: KUNSHAN,
    zoom: 13,
    pitch: 50,
    bearing: -15,
    attributionControl: false,
    // The test reads the canvas back; keeping the buffer costs little at this size.
    canvasContextAttributes: { preserveDrawingBuffer: true },
  })
  map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), 'top-right')
  const overlay = new MapboxOverlay({
    interleaved: false,
    layers: [],
    onClick: (info: PickingInfo) => onPick(pickedId(info)),
    onAfterRender: onRendered,
    getCursor: ({ isHovering }) => (isHovering ? 'pointer' : 'grab'),
  })
  map.addControl(overlay)

  return {
    draw(scene) {
      overlay.setProps({ layers: layersOf(scene) })
    },
    fitTo(features) {
      const anchors = features.map((f) => anchorOf(f.geometry))
      if (anchors.length === 0) return
      const bounds = new maplibregl.LngLatBounds(anchors[0], anchors[0])
      anchors.forEach((a) => bounds.extend(a))
      map.fitBounds(bounds, { padding: 80, maxZoom: 16, duration: 0 })
    },
    flyTo(feature) {
      map.flyTo({ center: anchorOf(feature.geometry), zoom: 17, pitch: 55, duration: 1200 })
    },
    destroy() {
      map.remove()
    },
  }
}

function pickedId(info: PickingInfo): string | null {
  const picked = info.object as { id?: string; properties?: { id?: string } } | undefined
  return picked?.properties?.id ?? picked?.id ?? null
}

function layersOf(scene: CityScene): Layer[] {
  const of = (kind: string) => scene.features.filter((f) => f.properties.kind === kind)
  const selected = scene.selectedId
  const layers: Layer[] = []
  if (scene.visible.water) {
    layers.push(new GeoJsonLayer({
      id: 'water', data: of('water') as never, filled: true, stroked: false, pickable: true,
      getFillColor: [120, 175, 225, 220],
    }))
  }
  if (scene.visible.roads) {
    layers.push(new GeoJsonLayer({
      id: 'roads', data: of('road') as never, pickable: true, lineWidthUnits: 'meters',
      lineWidthMinPixels: 1.5, getLineWidth: 8, getLineColor: [255, 255, 255, 255],
    }))
  }
  if (scene.visible.buildings) {
    layers.push(new GeoJsonLayer({
      id: 'buildings', data: of('building') as never, extruded: true, wireframe: false,
      filled: true, pickable: true, getElevation: (f: unknown) => heightOf(f as LayerFeature),
      getFillColor: (f: unknown) => ((f as LayerFeature).id === selected ? [255, 170, 60, 255] : [200, 205, 215, 255]),
      updateTriggers: { getFillColor: [selected] },
      material: { ambient: 0.5, diffuse: 0.6, shininess: 20 },
    }))
  }
  if (scene.visible.sensors) {
    layers.push(new ScatterplotLayer<SensorState>({
      id: 'sensors', data: scene.sensors, pickable: true, radiusUnits: 'pixels', billboard: true,
      getPosition: (s) => [s.position[0], s.position[1], 30],
      getRadius: (s) => (s.id === selected ? 12 : 8), getFillColor: (s) => s.colour,
      stroked: true, getLineColor: [255, 255, 255], lineWidthMinPixels: 2,
      updateTriggers: { getFillColor: [scene.version], getRadius: [selected] },
    }))
  }
  if (scene.visible.labels) {
    const labelled = scene.sensors.filter((s) => s.name)
    layers.push(new TextLayer<SensorState>({
      id: 'labels', data: labelled, getPosition: (s) => [s.position[0], s.position[1], 30],
      getText: (s) => s.name, getSize: 13, getPixelOffset: [0, -18], getColor: [30, 40, 50],
      // Only the characters our names use: the atlas is drawn locally from system fonts.
      characterSet: Array.from(new Set(labelled.flatMap((s) => Array.from(s.name)))),
      fontFamily: 'sans-serif', background: true, getBackgroundColor: [255, 255, 255, 200],
      backgroundPadding: [3, 1],
    }))
  }
  return layers
}
