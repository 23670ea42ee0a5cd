import { currentLocale } from '@/i18n'

/** A price in fen (¥0.01, as the API keeps money) shown as yuan in the UI language. */
export function formatFen(fen: number): string {
  return new Intl.NumberFormat(currentLocale(), { style: 'currency', currency: 'CNY' }).format(fen / 100)
}

/** Yuan typed in a form → integer fen; null when it is not a sensible amount. */
export function yuanToFen(yuan: number | null | undefined): number | null {
  if (yuan === null || yuan === undefined || Number.isNaN(yuan) || yuan < 0) return null
  return Math.round(yuan * 100)
}

/** A new random Idempotency-Key per checkout attempt; a retry of that attempt reuses it. */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return 'co-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
