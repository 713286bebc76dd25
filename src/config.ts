import path from 'node:path';
import { z } from 'zod';
import { parseSigningKey, privateKeyPem } from './platform/signing-keys.js';

const booleanFlag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  HARBOUR_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection URL')
    .optional(),
  HARBOUR_DB_POOL_SIZE: positiveInt(10),
  HARBOUR_BASE_URL: z.url().optional(),
  HARBOUR_PARTNERSHIP_NAME: z.string().min(1).max(200).default('Harbour Demo Domestic Abuse Partnership'),
  HARBOUR_DEMO: z.enum(['auto', 'true', 'false']).default('auto'),
  HARBOUR_SESSION_IDLE_MINUTES: positiveInt(30),
  HARBOUR_SESSION_ABSOLUTE_HOURS: positiveInt(12),
  HARBOUR_LOGIN_MAX_FAILURES: positiveInt(5),
  HARBOUR_LOGIN_LOCK_MINUTES: positiveInt(15),
  HARBOUR_LOGIN_RATE_PER_IP: positiveInt(20),
  HARBOUR_LOGIN_RATE_WINDOW_MINUTES: positiveInt(15),
  HARBOUR_INVITATION_DAYS: positiveInt(7),
  HARBOUR_ANALYST_MFA_OPTIONAL: booleanFlag.default(false),
  HARBOUR_TRUST_PROXY: booleanFlag.default(false),
  HARBOUR_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Harbour <no-reply@harbour.invalid>'),
  HARBOUR_TRANSFER_SIGNING_KEY: z
    .string()
    .transform((text, ctx) => {
      const key = parseSigningKey(text);
      if (key) return privateKeyPem(key);
      ctx.addIssue({ code: 'custom', message: 'must be an Ed25519 private key, as PEM or as the base64 of its PKCS#8 DER' });
      return z.NEVER;
    })
    .optional(),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  dbPoolSize: number;
  baseUrl: string;
  partnershipName: string;
  loadDemo: boolean;
  session: { idleMinutes: number; absoluteHours: number };
  signIn: {
    maxFailures: number;
    lockMinutes: number;
    ratePerIp: number;
    rateWindowMinutes: number;
    analystMfaOptional: boolean;
  };
  invitationDays: number;
  trustProxy: boolean;
  logLevel: string;
  mail: { smtpUrl: string | undefined; from: string };
  /**
   * The partnership's Ed25519 key for signing MARAC transfer packets, as PKCS#8 PEM. Unset in production until
   * HARBOUR_TRANSFER_SIGNING_KEY is given (packets cannot be exported, only imported); the embedded default keeps
   * one in the data folder (server.ts).
   */
  transferSigningKey: string | undefined;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Harbour cannot start: the environment has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once at boot; every problem is listed, not just the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.HARBOUR_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    dbPoolSize: e.HARBOUR_DB_POOL_SIZE,
    baseUrl: (e.HARBOUR_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    partnershipName: e.HARBOUR_PARTNERSHIP_NAME,
    loadDemo: e.HARBOUR_DEMO === 'auto' ? e.DATABASE_URL === undefined : e.HARBOUR_DEMO === 'true',
    session: { idleMinutes: e.HARBOUR_SESSION_IDLE_MINUTES, absoluteHours: e.HARBOUR_SESSION_ABSOLUTE_HOURS },
    signIn: {
      maxFailures: e.HARBOUR_LOGIN_MAX_FAILURES,
      lockMinutes: e.HARBOUR_LOGIN_LOCK_MINUTES,
      ratePerIp: e.HARBOUR_LOGIN_RATE_PER_IP,
      rateWindowMinutes: e.HARBOUR_LOGIN_RATE_WINDOW_MINUTES,
      analystMfaOptional: e.HARBOUR_ANALYST_MFA_OPTIONAL,
    },
    invitationDays: e.HARBOUR_INVITATION_DAYS,
    trustProxy: e.HARBOUR_TRUST_PROXY,
    logLevel: e.HARBOUR_LOG_LEVEL,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    transferSigningKey: e.HARBOUR_TRANSFER_SIGNING_KEY,
  };
}
