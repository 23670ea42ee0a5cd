import { ref } from 'vue'
import { api, unwrap } from '@/shared/api'
import { useSessionStore } from '@/stores/session'

/** The signed-in member's enterprise id (null for everyone else), to decide who may edit. */
export function useMyEnterprise() {
  const session = useSessionStore()
  const enterpriseId = ref<number | null>(null)
  async function load(): Promise<void> {
    await session.ensureLoaded()
    if (!session.roles.includes('enterprise')) return
    const mine = await unwrap(api.GET('/api/industry/enterprises/mine')).catch(() => null)
    enterpriseId.value = mine?.id ?? null
  }
  function canEdit(ownerId: number): boolean {
    return session.canReview || (enterpriseId.value !== null && enterpriseId.value === ownerId)
  }
  const canCreate = () => session.canReview || enterpriseId.value !== null
  return { enterpriseId, load, canEdit, canCreate }
}
