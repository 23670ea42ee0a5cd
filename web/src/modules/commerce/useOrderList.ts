import { ref, watch } from 'vue'
import { useLoader } from '@/shared/ui/useLoader'
import type { Order, OrderStatus } from './types'

export const ORDERS_PAGE_SIZE = 10

interface OrderPage {
  items: Order[]
  total: number
}

/** A paged order list filtered by status; `replace` swaps in an order changed by an action. */
export function useOrderList(load: (status: OrderStatus | undefined, page: number) => Promise<OrderPage>) {
  const status = ref<OrderStatus | ''>('')
  const page = ref(1)
  const orders = useLoader(() => load(status.value || undefined, page.value))

  watch(status, () => {
    page.value = 1
    void orders.run()
  })
  watch(page, () => void orders.run())

  function replace(changed: Order): void {
    const current = orders.data.value
    if (!current) return
    orders.data.value = { ...current, items: current.items.map((o) => (o.id === changed.id ? changed : o)) }
  }

  return { status, page, orders, replace }
}
