import { CanActivate, ExecutionContext, HttpException, Inject, Injectable, SetMetadata, type Provider } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { ApiKeyStore, Role } from '@gpds/access-api-keys';
import type { ApiKeyPrincipal as Principal } from '@gpds/access-api-keys';
import { ApiKeyRefusal, authenticateApiKey } from './api-key-check';

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

/**
 * `Authorization: Bearer <api key>` on the handlers marked @Roles (authenticateApiKey): 401
 * without a valid key, 403 when its role may not call the route, answered as
 * `{"error": {"code", "message"}}`; the principal goes on the request.
 */
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
    try {
      request.principal = await authenticateApiKey(this.keys, request.headers.authorization, roles);
    } catch (error) {
      if (error instanceof ApiKeyRefusal) throw httpError(error.status, error.code, error.message);
      throw error;
    }
    return true;
  }
}

/** What a module whose controllers use ApiKeyGuard provides: the key store, and the guard. */
export function apiKeyProviders(keys: ApiKeyStore): Provider[] {
  return [{ provide: API_KEYS, useValue: keys }, ApiKeyGuard];
}
