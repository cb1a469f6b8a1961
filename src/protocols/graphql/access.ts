import { Forbidden } from '../../shared/errors';
import { hasPermission, type Principal } from '../../shared/principal';

/** The permission each REST route asks for, with the same 403. */
export function need(principal: Principal, permission: string): void {
  if (!hasPermission(principal, permission)) {
    throw new Forbidden(`This action needs the "${permission}" permission`, 'forbidden', { permission });
  }
}
