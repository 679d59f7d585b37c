import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router';
import type { AccountPermission, Role } from '../domain/documents';
import { useSessionStore } from '../shared/stores/session';
import { homeFor } from '../shared/home';
import SignInView from '../features/auth/SignInView.vue';
import IntakeView from '../features/intake/IntakeView.vue';
import { prepareIntake } from '../features/intake/intake-store';


declare module 'vue-router' {
  interface RouteMeta {
    roles?: Role[];
    /** A hall account needs this permission too (admins need none). */
    permission?: AccountPermission;
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: SignInView },
    { path: '/sign-in', name: 'signIn', component: SignInView },
    // The draft and the catalog are read before the screen is drawn, so it is drawn once, complete.
    { path: '/intake', name: 'intake', component: IntakeView, meta: { roles: ['station'] }, beforeEnter: (to) => prepareIntake(useSessionStore().session?.station, typeof to.query.draft === 'string' ? to.query.draft : undefined) },
    { path: '/outbox', name: 'outbox', component: () => import('../features/outbox/OutboxView.vue'), meta: { roles: ['station'] } },
    { path: '/bookings', name: 'stationBookings', component: () => import('../features/bookings/StationBookingsView.vue'), meta: { roles: ['station'] } },
    { path: '/outbox/:id', name: 'outboxSubmission', component: () => import('../features/outbox/OutboxSubmissionView.vue'), meta: { roles: ['station'] } },
    // The receipt pulls in the QR library: loaded when a receipt is opened (still precached for offline use).
    { path: '/receipt/:id', name: 'receipt', component: () => import('../features/receipt/ReceiptView.vue'), meta: { roles: ['station'] } },
    // The hall is online-only and not needed by station devices: loaded on demand.
    { path: '/hall', name: 'hall', component: () => import('../features/hall/HallQueueView.vue'), meta: { roles: ['hall', 'admin'] } },
    { path: '/hall/submissions/:id', name: 'hallSubmission', component: () => import('../features/hall/HallSubmissionView.vue'), meta: { roles: ['hall', 'admin'] } },
    { path: '/hall/calendar', name: 'hallCalendar', component: () => import('../features/admin/CalendarAdminView.vue'), meta: { roles: ['hall', 'admin'] } },
    { path: '/hall/dashboard', name: 'hallDashboard', component: () => import('../features/hall/HallDashboardView.vue'), meta: { roles: ['hall', 'admin'] } },
    { path: '/hall/figures', name: 'hallFigures', component: () => import('../features/hall/FiveFiguresView.vue'), meta: { roles: ['hall', 'admin'] } },
    // The admin console (stations, accounts, device fleet): online-only, loaded on demand.
    { path: '/catalog', name: 'catalog', component: () => import('../features/catalog-admin/CatalogView.vue'), meta: { roles: ['hall', 'admin'], permission: 'catalog' } },
    { path: '/admin', name: 'admin', component: () => import('../features/admin/AdminConsoleView.vue'), meta: { roles: ['admin'] } },
    { path: '/enterprise', name: 'enterprise', component: () => import('../features/enterprise/EnterpriseHomeView.vue'), meta: { roles: ['enterprise'] } },
    { path: '/enterprise/book', name: 'enterpriseBook', component: () => import('../features/enterprise/EnterpriseBookView.vue'), meta: { roles: ['enterprise'] } },
    // Public: reached from the receipt's QR code, no sign-in.
    { path: '/track', name: 'track', component: () => import('../features/track/TrackView.vue') },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to: RouteLocationNormalized) => {
  const session = useSessionStore();
  if (!session.restored) {
    await session.restore();
    performance.mark('lxe:session');
  }
  const role = session.session?.role;
  // An expired session may sign in again (the form asks for the password; local work stays).
  // (Opened directly, it waits for the server's answer about the session, which comes in the background.)
  if (to.name === 'signIn' && session.session) await session.checked();
  if (to.name === 'signIn' && session.expired) return true;
  if (to.name === 'home' || to.name === 'signIn') return role ? homeFor(role) : to.name === 'home' ? '/sign-in' : true;
  if (to.meta.roles && (!role || !to.meta.roles.includes(role))) return role ? homeFor(role) : '/sign-in';
  if (to.meta.permission && role === 'hall' && !session.session?.permissions?.includes(to.meta.permission)) return homeFor(role);
  return true;
});
