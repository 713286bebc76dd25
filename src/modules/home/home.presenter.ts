import type { UserPrincipal } from '../../platform/principal.js';
import { agreementStatus, roleLabel } from '../admin/admin.presenter.js';

type Card = { href: string; titleKey: string; bodyKey: string };

const CARDS: { permission: Parameters<UserPrincipal['permissions']['has']>[0]; card: Card }[] = [
  { permission: 'agencies:manage', card: { href: '/admin/agencies', titleKey: 'home.card.agencies', bodyKey: 'home.card.agencies.body' } },
  { permission: 'users:manage', card: { href: '/admin/users', titleKey: 'home.card.users', bodyKey: 'home.card.users.body' } },
  { permission: 'audit:read', card: { href: '/admin/audit', titleKey: 'home.card.audit', bodyKey: 'home.card.audit.body' } },
];

export function presentHome(user: UserPrincipal, agency: { isa_signed_on: string | null; isa_expires_on: string | null }) {
  return {
    name: user.displayName,
    agencyName: user.agencyName,
    roles: user.roles.map(roleLabel).join(', '),
    agreement: agreementStatus(agency.isa_signed_on, agency.isa_expires_on),
    cards: CARDS.filter((c) => user.permissions.has(c.permission)).map((c) => c.card),
  };
}
