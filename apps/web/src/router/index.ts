import { createRouter, createWebHistory } from 'vue-router';
import HomePage from '@/pages/HomePage.vue';
import { useSessionStore } from '@/stores/session.store';

declare module 'vue-router' {
  interface RouteMeta {
    /** The page needs a logged-in user: visitors go to /login and come back. */
    requiresLogin?: boolean;
    title?: string;
  }
}

// History mode: the pod answers index.html for every unknown non-API path.
export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/', name: 'home', component: HomePage, meta: { title: 'Home' } },
    { path: '/search', name: 'search', component: () => import('@/pages/SearchPage.vue'), meta: { title: 'Search' } },
    { path: '/videos/watch/:uuid', name: 'watch', component: () => import('@/pages/WatchPage.vue'), props: true, meta: { title: 'Watch' } },
    { path: '/upload', name: 'upload', component: () => import('@/pages/UploadPage.vue'), meta: { requiresLogin: true, title: 'Upload' } },
    { path: '/login', name: 'login', component: () => import('@/pages/LoginPage.vue'), meta: { title: 'Log in' } },
    { path: '/account', name: 'account', component: () => import('@/pages/AccountPage.vue'), meta: { requiresLogin: true, title: 'Account' } },
    { path: '/admin/pods', name: 'admin-pods', component: () => import('@/pages/admin/PodsPage.vue'), meta: { title: 'Pods' } },
    { path: '/admin/events', name: 'admin-events', component: () => import('@/pages/admin/EventsPage.vue'), meta: { title: 'Event log' } },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/pages/NotFoundPage.vue'), meta: { title: 'Not found' } },
  ],
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

router.beforeEach((to) => {
  if (to.meta.requiresLogin && !useSessionStore().loggedIn) {
    return { path: '/login', query: { redirect: to.fullPath } };
  }
  return true;
});
