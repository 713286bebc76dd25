import type { UserPrincipal } from '../../platform/principal.js';
import { agreementStatus, roleLabel } from '../admin/admin.presenter.js';

type Card = { href: string; titleKey: string; bodyKey: string };

const CARDS: { permission: Parameters<UserPrincipal['permissions']['has']>[0]; card: Card }[] = [
  { permission: 'agencies:manage', card: { href: '/admin/agencies', titleKey: 'home.card.agencies', bodyKey: 'home.card.agencies.body' } },
  { permission: 'users:manage', card: { href: '/admin/users', titleKey: 'home.card.users', bodyKey: 'home.card.users.body' } },
  { permission: 'audit:read', card: { href: '/admin/audit', titleKey: 'home.card.audit', bodyKey: 'home.card.audit.body' } },
  { permission: 'subject-access:export', card: { href: '/admin/subject-access', titleKey: 'home.card.sar', bodyKey: 'home.card.sar.body' } },
  { permission: 'reports:safelives', card: { href: '/marac/safelives-return', titleKey: 'home.card.safelives', bodyKey: 'home.card.safelives.body' } },
];

export function presentHome(user: UserPrincipal) {
  return {
    name: user.displayName,
    agencyName: user.agencyName,
    roles: user.roles.map(roleLabel).join(', '),
    agreement: agreementStatus(user.agencyAgreement.signedOn, user.agencyAgreement.expiresOn),
    cards: CARDS.filter((c) => user.permissions.has(c.permission)).map((c) => c.card),
  };
}
