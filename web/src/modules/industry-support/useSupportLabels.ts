import { useI18n } from 'vue-i18n'

const STATUS_TAGS = {
  submitted: 'info',
  accepted: 'primary',
  in_progress: 'warning',
  resolved: 'success',
  rejected: 'danger',
  todo: 'info',
  done: 'success',
  blocked: 'danger',
} as const

/** Labels and tag colours for the codes the innovation-center API sends. */
export function useSupportLabels() {
  const { t, locale } = useI18n()
  return {
    category: (code: string): string => t(`support.categories.${code}`),
    status: (code: string): string => t(`support.statuses.${code}`),
    taskStatus: (code: string): string => t(`support.tf.statuses.${code}`),
    tag: (code: string) => STATUS_TAGS[code as keyof typeof STATUS_TAGS] ?? 'info',
    /** The name in the UI language, falling back to Chinese. */
    pick: (zh: string, en: string | null | undefined): string => (locale.value === 'en' && en ? en : zh),
    date: (iso: string | null | undefined): string => {
      if (!iso) return ''
      const d = new Date(iso)
      return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium' }).format(d)
    },
  }
}
