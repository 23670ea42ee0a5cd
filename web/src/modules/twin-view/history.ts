// An entity's last 24 hours from the NGSI-LD temporal API, as numeric series for a chart.
// The NGSI-LD routes take their query parameters outside the typed schema, so this one read
// uses fetch with the same session cookie.
export interface Series {
  attr: string
  points: [string, number][]
}

const DAY_MS = 24 * 3600 * 1000

export async function loadHistory(entityId: string): Promise<Series[]> {
  const query = new URLSearchParams({
    timerel: 'after',
    timeAt: new Date(Date.now() - DAY_MS).toISOString(),
    options: 'temporalValues',
  })
  const response = await fetch(`/ngsi-ld/v1/temporal/entities/${encodeURIComponent(entityId)}?${query}`, {
    credentials: 'include',
    headers: { Accept: 'application/json' },
  })
  if (!response.ok) throw new Error(`history: ${response.status}`)
  const document = (await response.json()) as Record<string, unknown>
  const series: Series[] = []
  for (const [attr, raw] of Object.entries(document)) {
    if (['id', 'type', '@context', 'location'].includes(attr)) continue
    // One dataset is an object; several are a list of them: the first is the default one.
    const first = (Array.isArray(raw) ? raw[0] : raw) as { values?: [unknown, string][] } | undefined
    const points = (first?.values ?? [])
      .filter((pair): pair is [number, string] => typeof pair[0] === 'number')
      .map(([value, at]) => [at, value] as [string, number])
    if (points.length > 0) series.push({ attr, points })
  }
  return series
}
