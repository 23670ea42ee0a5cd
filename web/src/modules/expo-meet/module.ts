import type { WebModule } from '@/shared/modules/registry'
import { en, zhCN } from './messages'

// Business negotiation (商务洽谈) and enterprise image promotion in the Cloud Living Room:
// booking meetings with exhibitors, the exhibitor's inbox, the private meeting room with its
// notes, and the booth/profile editor for enterprise members.
const expoMeet: WebModule = {
  routes: [
    { path: '/expo-meet/request', name: 'expo-meet-request', component: () => import('./RequestMeetingPage.vue'), meta: { requiresAuth: true } },
    { path: '/expo-meet/meetings', name: 'expo-meet-mine', component: () => import('./MyMeetingsPage.vue'), meta: { requiresAuth: true } },
    { path: '/expo-meet/meetings/:id(\\d+)', name: 'expo-meet-room', component: () => import('./MeetingRoomPage.vue'), meta: { requiresAuth: true } },
    {
      path: '/expo-meet/inbox',
      name: 'expo-meet-inbox',
      component: () => import('./InboxPage.vue'),
      meta: { requiresAuth: true, roles: ['enterprise'] },
    },
    {
      path: '/expo-meet/booth',
      name: 'expo-meet-booth',
      component: () => import('./BoothEditorPage.vue'),
      meta: { requiresAuth: true, roles: ['enterprise'] },
    },
    { path: '/expo-meet/booths/:id(\\d+)', name: 'expo-meet-public-booth', component: () => import('./PublicBoothPage.vue') },
  ],
  nav: [
    { to: '/expo-meet/meetings', labelKey: 'expoMeet.nav.mine', testid: 'nav-expo-meet-mine', order: 45, group: 'expo', requiresAuth: true },
    { to: '/expo-meet/inbox', labelKey: 'expoMeet.nav.inbox', testid: 'nav-expo-meet-inbox', order: 46, group: 'expo', roles: ['enterprise'] },
    { to: '/expo-meet/booth', labelKey: 'expoMeet.nav.booth', testid: 'nav-expo-meet-booth', order: 47, group: 'expo', roles: ['enterprise'] },
  ],
  messages: { 'zh-CN': zhCN, en },
}

export default expoMeet
