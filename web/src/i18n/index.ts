import { createI18n } from 'vue-i18n'
import zhCN, { type MessageSchema } from './zh-CN'
import en from './en'
import { moduleMessages } from '@/shared/modules/registry'

export type AppLocale = 'zh-CN' | 'en'
export const LOCALES: AppLocale[] = ['zh-CN', 'en']

const STORAGE_KEY = 'cityverse.locale'

function storedLocale(): AppLocale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'zh-CN' || saved === 'en') return saved
  } catch {
    // Storage can be blocked (private mode); Chinese is the default anyway.
  }
  return 'zh-CN'
}

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  // Modules bring their own messages under their own top-level key (shared/modules/registry.ts).
  messages: {
    'zh-CN': { ...moduleMessages('zh-CN'), ...zhCN } as MessageSchema,
    en: { ...moduleMessages('en'), ...en } as MessageSchema,
  },
})

/** The UI language; the API client sends it as Accept-Language. */
export function currentLocale(): AppLocale {
  return i18n.global.locale.value
}

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Not persisted; the choice still holds for this visit.
  }
}

/** Picks the zh or en variant of a bilingual API field, e.g. name_zh / name_en. */
export function pickLocalized(zh: string, en: string): string {
  return currentLocale() === 'en' ? en || zh : zh || en
}
