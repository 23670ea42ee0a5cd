import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { i18n, currentLocale } from './i18n'
import { watchSessionExpiry } from './shared/api/sessionExpiry'
import './styles/main.css'

document.documentElement.lang = currentLocale()

const app = createApp(App).use(createPinia()).use(i18n).use(router)
watchSessionExpiry(router)
app.mount('#app')
