// Shop types taken from the generated schema by path.
import type { paths } from '@/shared/api/schema'

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never

export type Product = JsonOf<paths['/api/commerce/products/{product_id}']['get']['responses'][200]>
export type Cart = JsonOf<paths['/api/commerce/cart']['get']['responses'][200]>
export type Order = JsonOf<paths['/api/commerce/orders/{order_id}']['get']['responses'][200]>
export type OrderStatus = Order['status']
export type Category = Product['category']
export type ProductInput = NonNullable<
  paths['/api/commerce/seller/products']['post']['requestBody']
>['content']['application/json']

export const CATEGORIES: Category[] = ['hardware', 'software', 'content', 'service']
export const STATUSES: OrderStatus[] = ['placed', 'confirmed', 'shipped', 'completed', 'cancelled']
export const STATUS_TAGS: Record<OrderStatus, 'info' | 'primary' | 'warning' | 'success' | 'danger'> = {
  placed: 'warning',
  confirmed: 'primary',
  shipped: 'info',
  completed: 'success',
  cancelled: 'danger',
}
