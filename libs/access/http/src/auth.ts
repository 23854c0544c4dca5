import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { ApiKeyStore, Role } from '@gpds/access-api-keys';
import type { ApiKeyPrincipal as Principal } from '@gpds/access-api-keys';

export const API_KEYS = Symbol('API_KEYS');
const ROLES_KEY = 'gpds:roles';

/** The roles that may call a handler. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export function httpError(status: number, code: string, message: string): HttpException {
  return new HttpException({ error: { code, message } }, status);
}

/** `Authorization: Bearer <api key>`: 401 without a valid key, 403 when its role may not call the route. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw httpError(HttpStatus.UNAUTHORIZED, 'NO_API_KEY', 'send an API key: Authorization: Bearer <key>');
    const principal = await this.keys.verify(match[1]!);
    if (!principal) throw httpError(HttpStatus.UNAUTHORIZED, 'INVALID_API_KEY', 'the API key is not valid (unknown, revoked or mistyped)');
    if (!roles.includes(principal.role)) {
      throw httpError(HttpStatus.FORBIDDEN, 'ROLE_NOT_ALLOWED', `the ${principal.role} role may not do this; it needs one of: ${roles.join(', ')}`);
    }
    request.principal = principal;
    return true;
  }
}
