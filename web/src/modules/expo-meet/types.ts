import type { components } from '@/shared/api/schema'

export type Meeting = components['schemas']['MeetingOut']
export type MeetingStatus = Meeting['status']
export type Room = components['schemas']['RoomOut']
export type Note = components['schemas']['NoteOut']
export type Booth = components['schemas']['BoothProfileOut']
export type BoothIn = components['schemas']['BoothIn']
export type ProductCard = components['schemas']['ProductCardOut']
export type Slot = components['schemas']['SlotOut']

export const STATUSES: MeetingStatus[] = ['requested', 'accepted', 'declined', 'held', 'cancelled', 'no_show']

export function statusTag(status: MeetingStatus): 'primary' | 'success' | 'info' | 'warning' | 'danger' {
  return ({ requested: 'warning', accepted: 'primary', held: 'success', declined: 'danger', cancelled: 'info', no_show: 'danger' } as const)[status]
}
