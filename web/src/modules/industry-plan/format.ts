import { currentLocale } from '@/i18n'

export { todayIso } from '@/shared/ui/format'

const YI = 100_000_000 // 亿

/** Yuan as people read them: 亿/万 in Chinese, bn/m in English. */
export function formatYuan(value: number): string {
  const zh = currentLocale() !== 'en'
  const number = (v: number, digits: number) =>
    new Intl.NumberFormat(currentLocale(), { maximumFractionDigits: digits }).format(v)
  if (zh) {
    if (Math.abs(value) >= YI) return `¥${number(value / YI, 2)} 亿`
    if (Math.abs(value) >= 10_000) return `¥${number(value / 10_000, 1)} 万`
    return `¥${number(value, 0)}`
  }
  if (Math.abs(value) >= 1e9) return `¥${number(value / 1e9, 2)} bn`
  if (Math.abs(value) >= 1e6) return `¥${number(value / 1e6, 1)} m`
  return `¥${number(value, 0)}`
}

/** A metric value with its unit. */
export function formatAmount(value: number, unit: string, t: (key: string, p?: Record<string, unknown>) => string): string {
  if (unit === 'yuan') return formatYuan(value)
  const n = new Intl.NumberFormat(currentLocale()).format(value)
  if (unit === 'm2') return `${n} m²`
  return t(`industryPlan.units.${unit}`, { n })
}
