import { useI18n } from 'vue-i18n'
import type { Order, Product } from './types'

/** Picks the UI language's fields of bilingual shop data. */
export function useShopText() {
  const { t, locale } = useI18n()
  const en = () => locale.value === 'en'
  return {
    productName: (p: Pick<Product, 'name' | 'name_en'>) => (en() && p.name_en ? p.name_en : p.name),
    productText: (p: Product) => (en() && p.description_en ? p.description_en : p.description),
    enterpriseName: (x: Pick<Product | Order, 'enterprise_name' | 'enterprise_name_en'>) =>
      en() ? x.enterprise_name_en || x.enterprise_name : x.enterprise_name,
    category: (c: string) => t(`commerce.category.${c}`),
    status: (s: string) => t(`commerce.status.${s}`),
  }
}
