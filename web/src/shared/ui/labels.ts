import { useI18n } from 'vue-i18n'
import type { Role } from '@/shared/api'

export const REALNAME_TAG_TYPES = {
  none: 'info',
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
} as const

/** Labels for values the API sends as codes (roles, statuses); unknown codes show as they are. */
export function useLabels() {
  const { t, te } = useI18n()
  return {
    role: (role: string): string => (te(`roles.${role}`) ? t(`roles.${role}`) : role),
    realname: (status: string): string => (te(`realname.${status}`) ? t(`realname.${status}`) : status),
    segment: (segment: string): string => (te(`enterprises.${segment}`) ? t(`enterprises.${segment}`) : segment),
    realnameTag: (status: string) => REALNAME_TAG_TYPES[status as keyof typeof REALNAME_TAG_TYPES] ?? 'info',
  }
}

/** Roles an administrator can hand out, in the order the role picker shows them. */
export const KNOWN_ROLES: Role[] = ['visitor', 'creator', 'enterprise', 'officer', 'admin']
