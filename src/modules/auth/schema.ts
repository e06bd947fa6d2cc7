import { z } from 'zod';
import { PROFICIENCY_LEVELS } from '../../db/columns.js';
import { isStorableText, text, UNSTORABLE_TEXT } from '../../lib/text-input.js';
import type { UserDto } from '../users/profile.js';
import { PASSWORD_RULE } from './passwords.js';

/** Trimmed and lower-cased before the format check, as the app does (api-contract §3 `Email`). */
export const email = z.string().trim().toLowerCase().max(254).pipe(z.email());

export const password = z
  .string()
  .min(8, { error: 'PASSWORD_TOO_SHORT' })
  .max(128, { error: 'PASSWORD_TOO_LONG' })
  .regex(PASSWORD_RULE, { error: 'PASSWORD_NEEDS_UPPER_LOWER_DIGIT' });

const bcp47 = z
  .string()
  .max(16)
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a BCP 47 tag such as en or pt-BR');
const fingerprint = text().trim().max(256);
const sixDigits = z
  .string()
  .max(32)
  .trim()
  .regex(/^\d{6}$/, 'must be 6 digits');

export const loginInput = z.object({
  email,
  // Any stored password may be tried; the policy applies when one is set, not when it is checked.
  password: z.string().min(1).max(256),
  rememberMe: z.boolean().optional(),
  deviceFingerprint: fingerprint.optional(),
  captchaToken: z.string().max(4096).optional(),
});

/** The app sends `{name, email, password}`; the contract adds displayName, acceptedTerms, locale. Both work. */
export const signupInput = z
  .object({
    email,
    password,
    name: text().trim().min(2).max(50).optional(),
    displayName: text().trim().min(2).max(40).optional(),
    acceptedTerms: z.boolean().optional(),
    locale: bcp47.optional(),
    deviceFingerprint: fingerprint.optional(),
  })
  .refine((input) => input.name !== undefined || input.displayName !== undefined, {
    error: 'NAME_REQUIRED',
    path: ['name'],
  })
  .refine((input) => input.acceptedTerms !== false, { error: 'MUST_ACCEPT_TERMS', path: ['acceptedTerms'] });

export const refreshTokenInput = z.object({ refreshToken: z.string().trim().min(1).max(512) });

/** The contract names the code both `otp` and `code`; either is accepted. */
export const verifyEmailInput = z
  .object({ email, otp: sixDigits.optional(), code: sixDigits.optional() })
  .refine((input) => input.otp !== undefined || input.code !== undefined, {
    error: 'CODE_REQUIRED',
    path: ['code'],
  });

export const requestPasswordResetInput = z.object({ email });
export const resetPasswordInput = z.object({ email, code: sixDigits, password });

export const deleteAccountInput = z.object({
  password: z.string().min(1).max(256),
  confirmation: z.literal('DELETE', { error: 'CONFIRMATION_INVALID' }),
});

export const changePasswordInput = z
  .object({
    currentPassword: z.string().min(1).max(256),
    newPassword: password,
    confirmPassword: z.string().max(256),
  })
  .refine((input) => input.newPassword === input.confirmPassword, {
    error: 'PASSWORDS_DO_NOT_MATCH',
    path: ['confirmPassword'],
  });

const imageFileRef = z.object({
  uri: z.url().max(2048).refine(isStorableText, UNSTORABLE_TEXT),
  mimeType: z.enum(['image/jpeg', 'image/png', 'image/webp', 'image/gif']),
  sizeBytes: z.number().int().positive().max(5_000_000),
  name: text().min(1).max(255),
});

export const updateProfileInput = z.object({
  displayName: text().trim().min(2).max(40).optional(),
  bio: text().trim().max(280).optional(),
  avatar: imageFileRef.optional(),
  name: text().trim().min(2).max(50).optional(),
  email: email.optional(),
  nativeLanguage: text().trim().min(2).max(16).optional(),
  targetLanguage: text().trim().min(2).max(16).optional(),
  proficiencyLevel: z.enum(PROFICIENCY_LEVELS).optional(),
  dailyGoal: z.number().int().min(5).max(120).optional(),
});

export const revokeSessionInput = z.object({ sessionId: z.uuid() });

export type LoginInput = z.infer<typeof loginInput>;
export type SignupInput = z.infer<typeof signupInput>;
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;

export interface AuthResult {
  user: UserDto;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  securityLevel: UserDto['securityLevel'];
}

export interface SessionDto {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
  current: boolean;
}
